/// How the log came to be opened: an existing log, a new one, or a new one replacing a damaged file.
public enum LogStart: Sendable, Hashable {
    /// The log existed and is sound.
    case existing
    /// There was no log: a new one was created.
    case created
    /// The log was corrupted; it was moved aside and a new one created. The text says what SQLite found,
    /// where the old file went and what to do.
    case replacedCorrupt(String)
}
