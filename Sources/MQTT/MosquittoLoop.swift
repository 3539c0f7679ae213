import Foundation
import GatewayCore

/// The thread that runs one client's libmosquitto network loop: connect, `mosquitto_loop`, and on any
/// failure a capped, jittered backoff before connecting again, until the client stops.
enum MosquittoLoop {
    static func start(handle: MosquittoHandle) {
        let name = threadName(uplink: handle.options.name)
        // Named from inside: on Linux a name given to `Thread` before `start()` is not applied.
        let thread = Thread {
            ThreadName.apply(name)
            run(handle)
        }
        thread.start()
    }

    /// "mqtt " and the uplink's name, cut to the 15 bytes Linux keeps (``ThreadName/fitting(_:)``).
    static func threadName(uplink: String) -> String {
        ThreadName.fitting("mqtt \(uplink)")
    }

    private static func run(_ handle: MosquittoHandle) {
        let options = handle.options
        let state = handle.state
        var backoff = ReconnectBackoff(
            initial: options.reconnectInitial,
            maximum: options.reconnectMaximum,
            multiplier: 2,
            jitter: 0.2
        )
        var random = SplitMix64(seed: UInt64.random(in: 1...UInt64.max))
        var socketOpen = false
        while !state.isStopping {
            if !socketOpen {
                let rc = handle.connect()
                guard rc == MosquittoHandle.success else {
                    if state.isStopping { break }
                    let detail = state.takeLibraryError().map { " (\($0))" } ?? ""
                    state.didFail(
                        MQTTError(
                            .connectionFailed,
                            "\(options.name): cannot connect to the MQTT broker \(options.broker): "
                                + MosquittoHandle.text(rc) + detail
                                + (options.tls == nil ? "" : "; check ca_file, client_cert and client_key")
                        )
                    )
                    pause(backoff.failed(at: .zero, random: &random), state)
                    continue
                }
                socketOpen = true
            }
            let rc = handle.loop(milliseconds: 100)
            guard rc != MosquittoHandle.success else { continue }
            socketOpen = false
            if state.isStopping { break }
            if state.takeConnectedSinceFailure() { backoff.succeeded() }
            if rc != MosquittoHandle.connectionRefused {
                let detail = state.takeLibraryError().map { " (\($0))" } ?? ""
                if state.isConnected {
                    _ = state.didLose(
                        MQTTError(
                            .lost(rc),
                            "\(options.name): lost the connection to the MQTT broker \(options.broker): "
                                + MosquittoHandle.text(rc) + detail
                        )
                    )
                } else {
                    // Before the CONNACK: a TLS handshake the broker or the CA refused, a broker that hung up.
                    state.didFail(
                        MQTTError(
                            .connectionFailed,
                            "\(options.name): cannot connect to the MQTT broker \(options.broker): "
                                + MosquittoHandle.text(rc) + detail
                                + (options.tls == nil ? "" : "; check ca_file, client_cert and client_key")
                        )
                    )
                }
            }
            pause(backoff.failed(at: .zero, random: &random), state)
        }
        state.loopDidEnd()
    }

    /// Sleeps for `delay`, in short steps so that stopping is not held up.
    private static func pause(_ delay: Duration, _ state: MQTTClientState) {
        let end = ContinuousClock.now + delay
        while !state.isStopping, ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
