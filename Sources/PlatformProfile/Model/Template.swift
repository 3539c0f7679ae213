/// A part of a message as the profile writes it: JSON built from constants, references to the
/// model (`${record.value}`), text with references inside, objects, arrays, repetitions and
/// encrypted or stringified parts.
public indirect enum Template: Sendable {
    case constant(Constant)
    /// A whole value `${…}`: keeps the field's type (a number stays a number). `omitIfAbsent`
    /// (`${point.hh?}`) leaves the key out when the field has no value; otherwise it is `null`.
    case reference(Field, omitIfAbsent: Bool)
    /// Text with references inside (`GW-${gateway.id}`); an absent field is empty text.
    case text([TextPart])
    /// An object whose keys keep the profile's order.
    case object([(key: String, value: Template)])
    case array([Template])
    /// `$each: records` with `$item: …`: the item once per element.
    case each(Collection, Template)
    /// `$encrypt: …`: the part rendered as JSON, encrypted, written as text.
    case encrypt(Template)
    /// `$json: …`: the part rendered as JSON and written as a string.
    case json(Template)

    /// What `$each` repeats over.
    public enum Collection: String, Sendable, Hashable, CaseIterable {
        /// The readings of the message (or of the current device).
        case records
        /// The events of the message (or of the current device).
        case events
        /// The catalogue points of the message (or of the current device).
        case points
        /// The devices of the message's records, events or points, in order of first appearance.
        case devices
    }
}

/// A piece of interpolated text.
public enum TextPart: Sendable {
    case literal(String)
    case field(Field)
}
