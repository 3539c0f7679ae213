/// `profile: thingsboard-gateway` on an MQTT uplink: the built-in name of the `format: thingsboard-gateway`
/// MQTT format (ThingsBoard's gateway API, docs/mqtt.md), which the profile engine does not render.
public enum ThingsBoardProfileName {
    public static let name = "thingsboard-gateway"
}
