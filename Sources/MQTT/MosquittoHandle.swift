import CMosquitto
import Foundation

/// Owns one libmosquitto client (`struct mosquitto *`) and its MQTT 5 connect properties; the only
/// type that holds the raw handle. Destroyed in `deinit`, after the loop thread (which keeps a
/// reference) has ended.
///
/// `@unchecked Sendable`: the handle is told with `mosquitto_threaded_set` that the loop runs on
/// another thread, so libmosquitto guards its state with its own mutexes and `mosquitto_publish`,
/// `mosquitto_subscribe` and `mosquitto_disconnect` may be called from any thread (they only queue
/// packets and wake the loop; the socket is read and written by the loop thread alone).
final class MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let state: MQTTClientState
    let options: MQTTOptions
    private var connectProperties: OpaquePointer?

    private static let libraryReady: Bool = {
        mosquitto_lib_init()
        return true
    }()

    /// Creates and configures the client. - Throws: ``MQTTError`` naming the setting libmosquitto refused.
    init(options: MQTTOptions, state: MQTTClientState) throws(MQTTError) {
        _ = Self.libraryReady
        self.options = options
        self.state = state
        let context = Unmanaged.passUnretained(state).toOpaque()
        guard let pointer = mosquitto_new(options.clientID, options.cleanSession, context) else {
            throw MQTTError(.invalidSetting, "\(options.name): libmosquitto cannot create a client (\(Self.errno()))")
        }
        self.pointer = pointer
        try configure()
    }

    deinit {
        mosquitto_destroy(pointer)
        if connectProperties != nil { mosquitto_property_free_all(&connectProperties) }
    }

    private func configure() throws(MQTTError) {
        let name = options.name
        func check(_ rc: Int32, _ what: String) throws(MQTTError) {
            guard rc != MOSQ_ERR_SUCCESS.rawValue else { return }
            throw MQTTError(.invalidSetting, "\(name): \(what): \(Self.text(rc))")
        }
        try check(mosquitto_threaded_set(pointer, true), "cannot run the MQTT loop on its own thread")
        let version = options.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(pointer, MOSQ_OPT_PROTOCOL_VERSION, version), "protocol version")
        try check(mosquitto_int_option(pointer, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
        try check(
            mosquitto_max_inflight_messages_set(pointer, UInt32(max(1, min(options.maxInFlight, 65535)))),
            "in_flight \(options.maxInFlight)"
        )
        if options.protocolVersion == .v5 {
            try check(
                mosquitto_int_option(pointer, MOSQ_OPT_SEND_MAXIMUM, Int32(max(1, min(options.maxInFlight, 65535)))),
                "in_flight \(options.maxInFlight)"
            )
            if !options.cleanSession {
                try check(
                    mosquitto_property_add_int32(
                        &connectProperties,
                        Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                        options.sessionExpiry
                    ),
                    "session expiry"
                )
            }
        }
        if options.username != nil || options.password != nil {
            // The password is handed to libmosquitto only; it never appears in a message.
            let rc = mosquitto_username_pw_set(pointer, options.username, options.password)
            try check(rc, "the user name and password")
        }
        if let tls = options.tls {
            let rc = mosquitto_tls_set(
                pointer,
                tls.caFile,
                tls.caFile == nil ? tls.caDirectory : nil,
                tls.certificateFile,
                tls.keyFile,
                nil
            )
            let files = [tls.caFile, tls.certificateFile, tls.keyFile].compactMap { $0 }.joined(separator: ", ")
            try check(rc, "libmosquitto refuses the TLS files (\(files.isEmpty ? tls.caDirectory : files))")
        }
        if let will = options.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(
                    pointer,
                    will.topic,
                    Int32(bytes.count),
                    bytes.baseAddress,
                    will.qos.rawValue,
                    will.retain
                )
            }
            try check(rc, "the last will on \(will.topic)")
        }
        MosquittoCallbacks.install(on: pointer)
    }

    /// Connects (blocking: DNS, TCP, TLS handshake, CONNECT sent); the CONNACK arrives in the loop.
    func connect() -> Int32 {
        let keepalive = Int32(max(5, min(options.keepalive.components.seconds, 65535)))
        return mosquitto_connect_bind_v5(pointer, options.host, Int32(options.port), keepalive, nil, connectProperties)
    }

    /// Runs the network loop once: reads, writes and pings for up to `milliseconds`.
    func loop(milliseconds: Int32) -> Int32 { mosquitto_loop(pointer, milliseconds, 1) }

    func disconnect() { _ = mosquitto_disconnect(pointer) }

    /// Queues a message; `mid` is its message id. Never blocks on the network (threaded mode).
    func publish(_ message: MQTTMessage, mid: inout Int32) -> Int32 {
        message.payload.withUnsafeBytes { bytes in
            mosquitto_publish(
                pointer,
                &mid,
                message.topic,
                Int32(bytes.count),
                bytes.baseAddress,
                message.qos.rawValue,
                message.retain
            )
        }
    }

    func subscribe(_ filter: String, qos: MQTTQoS) -> Int32 {
        mosquitto_subscribe(pointer, nil, filter, qos.rawValue)
    }

    /// libmosquitto's text for an error number.
    static func text(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return errno() }
        return String(cString: mosquitto_strerror(rc))
    }

    static func errno() -> String { String(cString: strerror(Foundation.errno)) }

    /// The broker's words for a CONNACK reason code (3.1.1 codes 1–5 or MQTT 5 codes 128 and up).
    static func connackText(_ code: Int32, version: MQTTOptions.ProtocolVersion) -> String {
        if version == .v5 { return String(cString: mosquitto_reason_string(code)) }
        return String(cString: mosquitto_connack_string(code))
    }

    static func reasonText(_ code: Int32) -> String { String(cString: mosquitto_reason_string(code)) }

    static var success: Int32 { MOSQ_ERR_SUCCESS.rawValue }
    static var connectionRefused: Int32 { MOSQ_ERR_CONN_REFUSED.rawValue }
    static var notConnected: Int32 { MOSQ_ERR_NO_CONN.rawValue }
}
