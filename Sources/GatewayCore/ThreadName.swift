/// A thread's name as Linux keeps it, for `top -H`, `ps -L`, `perf` and debuggers.
public enum ThreadName {
    /// `name` cut to what Linux keeps of a thread's name: 15 bytes of UTF-8, at a character boundary.
    /// A longer name is refused, and the thread would keep the name of the thread that started it.
    public static func fitting(_ name: String) -> String {
        var fitted = ""
        var bytes = 0
        for character in name {
            bytes += character.utf8.count
            if bytes > 15 { break }
            fitted.append(character)
        }
        return fitted
    }
}
