import Testing

@testable import MQTT

/// Linux keeps 15 bytes of a thread's name and refuses a longer one, which would leave the MQTT
/// loop's thread with its parent's name: an uplink named in Chinese is cut at a character boundary.
@Suite struct MQTTThreadNameTests {
    @Test func theNameIsCutToFifteenBytesAtACharacterBoundary() {
        #expect(MosquittoLoop.threadName(uplink: "park") == "mqtt park")
        #expect(MosquittoLoop.threadName(uplink: "uplink 'park'") == "mqtt uplink 'pa")
        let chinese = MosquittoLoop.threadName(uplink: "园区平台上报")
        #expect(chinese == "mqtt 园区平")
        #expect(chinese.utf8.count == 14)
    }
}
