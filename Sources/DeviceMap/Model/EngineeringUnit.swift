/// The canonical engineering units a point may carry. Platforms compare unit strings, so one
/// spelling per unit: `mg/m3` and `degC` are accepted as spellings of `mg/m³` and `°C`.
public enum EngineeringUnit {
    /// Every canonical unit, grouped as in docs/device-maps.md.
    public static let all: [String] = [
        // gas concentration
        "%LEL", "%VOL", "ppm", "ppb", "mg/m³", "%OEL",
        // temperature, pressure
        "°C", "K", "Pa", "kPa", "MPa", "bar", "mbar",
        // level, length
        "m", "cm", "mm",
        // ratio
        "%",
        // flow and totals
        "m³/h", "Nm³/h", "L/min", "mL/min", "t/h", "kg/h", "m³", "Nm³", "L", "kg", "t",
        // electrical and other
        "mA", "V", "A", "kW", "Hz", "rpm", "s", "min", "h", "d",
    ]

    /// Accepted ASCII spellings of canonical units.
    public static let aliases: [String: String] = [
        "mg/m3": "mg/m³", "degC": "°C", "m3/h": "m³/h", "Nm3/h": "Nm³/h", "m3": "m³", "Nm3": "Nm³",
        "%lel": "%LEL", "%vol": "%VOL", "cc/min": "mL/min",
    ]

    /// The canonical spelling of `text`, or nil when it is not a known unit.
    public static func canonical(_ text: String) -> String? {
        if all.contains(text) { return text }
        return aliases[text] ?? aliases[text.lowercased()]
    }
}
