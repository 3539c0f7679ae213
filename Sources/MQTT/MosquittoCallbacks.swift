import CMosquitto
import Synchronization

/// libmosquitto's callbacks, run on the loop thread. Free closures without captures (C function
/// pointers, never main-actor code): each finds its ``MQTTClientState`` through the user data pointer.
enum MosquittoCallbacks {
    static func install(on pointer: OpaquePointer) {
        mosquitto_connect_v5_callback_set(pointer) { handle, context, reasonCode, flags, _ in
            guard let handle, let state = MosquittoCallbacks.state(context) else { return }
            if reasonCode == 0 {
                // Connected for the callers once the broker acknowledged the subscriptions (SUBACK).
                var mids: [Int32] = []
                for (filter, qos) in state.inner.withLock({ $0.subscriptions }) {
                    var mid: Int32 = 0
                    if mosquitto_subscribe(handle, &mid, filter, qos.rawValue) == MOSQ_ERR_SUCCESS.rawValue {
                        mids.append(mid)
                    }
                }
                state.awaitSubscriptions(mids, sessionPresent: flags & 1 == 1)
            } else {
                let words = MosquittoHandle.connackText(reasonCode, version: state.version)
                state.didFail(
                    MQTTError(
                        .refused(reasonCode: reasonCode),
                        "\(state.name): the MQTT broker \(state.broker) refused the connection: \(words) "
                            + "(CONNACK reason code \(reasonCode)); check the user name and password (username_env, "
                            + "password_env), the client id and the broker's access rules"
                    )
                )
            }
        }
        mosquitto_subscribe_callback_set(pointer) { _, context, mid, _, _ in
            MosquittoCallbacks.state(context)?.didSubscribe(mid: mid)
        }
        mosquitto_publish_v5_callback_set(pointer) { _, context, mid, reasonCode, _ in
            guard let state = MosquittoCallbacks.state(context) else { return }
            // MQTT 5: 0 success, 16 no matching subscribers (still accepted); 128 and up: refused.
            let failure =
                reasonCode >= 128
                ? MQTTError(
                    .rejected(reasonCode: reasonCode),
                    "\(state.name): the MQTT broker \(state.broker) refused a message: "
                        + "\(MosquittoHandle.reasonText(reasonCode)) (PUBACK reason code \(reasonCode)); "
                        + "check the broker's access rules for the topic"
                ) : nil
            state.didPublish(mid: mid, failure: failure)
        }
        mosquitto_message_callback_set(pointer) { _, context, message in
            guard let state = MosquittoCallbacks.state(context), let message = message?.pointee else { return }
            let payload =
                message.payload.map {
                    Array(UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen)))
                } ?? []
            state.didReceive(
                MQTTMessage(
                    topic: message.topic.map { String(cString: $0) } ?? "",
                    payload: payload,
                    qos: message.qos > 0 ? .atLeastOnce : .atMostOnce,
                    retain: message.retain
                )
            )
        }
        mosquitto_log_callback_set(pointer) { _, context, level, text in
            guard level == MOSQ_LOG_ERR, let state = MosquittoCallbacks.state(context), let text else { return }
            state.libraryLogged(String(cString: text))
        }
    }

    static func state(_ context: UnsafeMutableRawPointer?) -> MQTTClientState? {
        context.map { Unmanaged<MQTTClientState>.fromOpaque($0).takeUnretainedValue() }
    }
}
