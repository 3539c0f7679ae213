// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode is the package default;
/// these upcoming features keep imports and existentials explicit (STYLE.md §14).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "chemgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chemgate", targets: ["chemgate"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // NIOHTTPTypes: the request parts the status endpoint's body timeout watches (already resolved through hummingbird).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // libmodbus from Debian's libmodbus-dev. Only the Modbus module imports it.
        .systemLibrary(
            name: "CModbus",
            pkgConfig: "libmodbus",
            providers: [.apt(["libmodbus-dev"])]
        ),
        // Safe async API over libmodbus: links (client) and the server transport the simulator uses.
        .target(
            name: "Modbus",
            dependencies: [
                "CModbus", "GatewayCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libmosquitto from Debian's libmosquitto-dev. Only the MQTT module imports it.
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // Safe async API over libmosquitto: connect, publish (until PUBACK), subscribe; its loop on its own thread.
        .target(
            name: "MQTT",
            dependencies: ["CMosquitto", "GatewayCore"],
            swiftSettings: swiftSettings
        ),
        // Shared value types of the gateway (quality, readings); depends on nothing.
        .target(name: "GatewayCore", swiftSettings: swiftSettings),
        // Registers to typed, scaled values with quality: byte orders, BCD, text, NE43, sentinels. Pure.
        .target(name: "Decoding", dependencies: ["GatewayCore"], swiftSettings: swiftSettings),
        // Points to the fewest Modbus reads within a device's limits. Pure.
        .target(name: "Planner", dependencies: ["Modbus"], swiftSettings: swiftSettings),
        // Formulas of computed points (`compute: "hi + lo / 10"`): a small parser with error columns and an evaluator. Pure.
        .target(name: "Formula", swiftSettings: swiftSettings),
        // Device maps and site configuration: YAML format, validation with file:line:column, site plans.
        .target(
            name: "DeviceMap",
            dependencies: [
                "Decoding",
                "Formula",
                "GatewayCore",
                "Modbus",
                "Planner",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Edge rules: alarm limits with deadband and delays, report by exception, stale and frozen values. Pure.
        .target(name: "EdgeLogic", dependencies: ["GatewayCore"], swiftSettings: swiftSettings),
        // The kernel's clock synchronisation state (adjtimex), which Swift's Glibc module does not expose.
        .target(name: "CSystemClock"),
        // glibc's malloc arena cap (mallopt), which Swift's Glibc module does not expose either.
        .target(name: "CMallocTuning"),
        // The git commit and build date `chemgate --version` prints (scripts/build-info.sh).
        .target(name: "CBuildInfo"),
        // Reading devices through their maps: plans, decoding, status qualification (and, next, scheduling).
        .target(
            name: "Polling",
            dependencies: [
                "CSystemClock",
                "Decoding",
                "DeviceMap",
                "EdgeLogic",
                "Formula",
                "GatewayCore",
                "Modbus",
                "Planner",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The status endpoint: /healthz, /readyz, /status, /metrics, the status page, maintenance switching.
        .target(
            name: "StatusServer",
            dependencies: [
                "GatewayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The durable log in SQLite: history and store-and-forward outbox (GRDB, WAL, synchronous=FULL).
        .target(
            name: "Outbox",
            dependencies: [
                "GatewayCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's WAL hook (WALWatch), which GRDB does not wrap.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Appends in a loop and prints each committed sequence number: the victim of the kill -9 test.
        .executableTarget(
            name: "outbox-crash-writer",
            dependencies: ["GatewayCore", "Outbox"],
            swiftSettings: swiftSettings
        ),
        // chemgate's batch and heartbeat formats (docs/batch.schema.json, docs/heartbeat.schema.json).
        .target(
            name: "UplinkPayload",
            dependencies: ["GatewayCore", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The system's OpenSSL libcrypto (apt libssl-dev): SM4, AES-ECB/CBC and HMAC-SM3, which swift-crypto lacks.
        // Only PayloadCipher imports it.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Encryption of platform payloads (SM4, AES in ECB/CBC, PKCS#7), key texts and HMAC-SM3 over CLibCrypto.
        .target(name: "PayloadCipher", dependencies: ["CLibCrypto"], swiftSettings: swiftSettings),
        // Platform profiles: the YAML profile format and the one renderer that turns records, events,
        // heartbeats and the point catalogue into a platform's message bytes (encrypted, signed).
        .target(
            name: "PlatformProfile",
            dependencies: [
                "Decoding",
                "DeviceMap",
                "GatewayCore",
                "Outbox",
                "PayloadCipher",
                "UplinkPayload",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Framed TCP (SwiftNIO): one persistent connection, delimiter or length-prefixed frames, a reply per
        // frame, reconnect with capped jittered backoff.
        .target(
            name: "FramedTCP",
            dependencies: [
                "GatewayCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib, for gzip request bodies.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // `chemgate receive`: the park platform's stand-in (HTTP server, its own SQLite store).
        .target(
            name: "Receiver",
            dependencies: [
                "MQTT",
                "PlatformProfile",
                .product(name: "NIOPosix", package: "swift-nio"),
                "UplinkPayload",
                "GatewayCore",
                "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // TLS configurations from PEM files (uplink client, receiver server), with errors naming the file.
        .target(
            name: "TLSFiles",
            dependencies: [.product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: swiftSettings
        ),
        // Forwards the durable log to the platforms: batches, lanes, retries, dead letters, heartbeats.
        .target(
            name: "Uplink",
            dependencies: [
                "FramedTCP",
                "GatewayCore",
                "MQTT",
                "Outbox",
                "PlatformProfile",
                "UplinkPayload",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // A Modbus device simulator: register banks, signals and fault injection, served by Modbus.
        .target(
            name: "Simulator",
            dependencies: [
                "GatewayCore",
                "Decoding",
                "DeviceMap",
                "Formula",
                "Modbus",
                "Planner",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chemgate",
            dependencies: [
                "CBuildInfo",
                "CMallocTuning", "EdgeLogic",
                "Decoding",
                "DeviceMap",
                "GatewayCore",
                "Modbus",
                "MQTT",
                "Planner",
                "Outbox",
                "Polling",
                "Receiver",
                "Uplink",
                "UplinkPayload",
                "PlatformProfile",
                "PayloadCipher",
                "Simulator",
                "StatusServer",
                "TLSFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by the test targets: child processes, socat pty pairs, in-process simulators.
        .target(
            name: "TestSupport",
            dependencies: [
                "GatewayCore",
                "Modbus",
                "Simulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ModbusTests",
            dependencies: ["Modbus", "Simulator", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: ["GatewayCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DecodingTests",
            dependencies: ["Decoding", "GatewayCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlannerTests",
            dependencies: [
                "Planner",
                "Modbus",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeviceMapTests",
            dependencies: [
                "DeviceMap", "Decoding", "GatewayCore", "Modbus", "Planner", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "FormulaTests", dependencies: ["Formula"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EdgeLogicTests",
            dependencies: ["EdgeLogic", "GatewayCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PollingTests",
            dependencies: [
                "Polling", "DeviceMap", "Decoding", "GatewayCore", "Modbus", "Planner", "Simulator", "TestSupport",
                "CMallocTuning", "EdgeLogic",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StatusServerTests",
            dependencies: [
                "StatusServer", "Polling", "DeviceMap", "GatewayCore", "Modbus", "Simulator", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutboxTests",
            dependencies: [
                "GatewayCore", "Outbox", "outbox-crash-writer", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReceiverTests",
            dependencies: [
                "Receiver",
                "UplinkPayload",
                "GatewayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UplinkTests",
            dependencies: [
                "Uplink", "Outbox", "Receiver", "UplinkPayload", "Polling", "DeviceMap", "GatewayCore", "Modbus",
                "Simulator", "TestSupport", "TLSFiles", "MQTT", "PlatformProfile", "FramedTCP",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PayloadCipherTests",
            dependencies: ["PayloadCipher"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlatformProfileTests",
            dependencies: [
                "PlatformProfile", "PayloadCipher", "DeviceMap", "GatewayCore", "Outbox", "Decoding", "TestSupport",
                "UplinkPayload",
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FramedTCPTests",
            dependencies: [
                "FramedTCP", "GatewayCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MQTTTests",
            dependencies: ["MQTT", "UplinkPayload", "GatewayCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "Modbus", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChemgateTests",
            dependencies: [
                "chemgate",
                "Decoding",
                "DeviceMap",
                "GatewayCore",
                "Modbus",
                "Outbox",
                "Polling",
                "Simulator",
                "TestSupport",
                "UplinkPayload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The C reference of `chemgate-bench link`: a plain libmodbus read loop (BENCHMARKS.md).
        .executableTarget(
            name: "modbus-loop-reference",
            dependencies: ["CModbus"],
            linkerSettings: [.linkedLibrary("modbus")]
        ),
        // The C reference of `chemgate-bench mqtt`: a plain libmosquitto QoS 1 publish loop (BENCHMARKS.md).
        .executableTarget(
            name: "mqtt-loop-reference",
            dependencies: ["CMosquitto"],
            linkerSettings: [.linkedLibrary("mosquitto")]
        ),
        // The C reference of the log's work in `chemgate-bench scale` at 10,000 values/s: the same rows
        // stored, read back, written as JSON, gzipped and acknowledged by SQLite and zlib alone (BENCHMARKS.md).
        .executableTarget(
            name: "log-floor-reference",
            linkerSettings: [.linkedLibrary("sqlite3"), .linkedLibrary("z")]
        ),
        // The floor of chemgate's stack, for `chemgate-bench memory` and `scale`: the least a gateway does
        // each second (read, store, send, acknowledge, answer /status) with the same libraries, without
        // chemgate's pipeline (BENCHMARKS.md).
        .executableTarget(
            name: "stack-floor-reference",
            dependencies: [
                "CLibCrypto",
                "CMallocTuning",
                "CMosquitto",
                "GatewayCore",
                "Modbus",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: [.linkedLibrary("mosquitto")]
        ),
        // `chemgate-bench link|rtu|scale|planner|log|profile|mqtt|all`: chemgate's figures beside their references.
        .executableTarget(
            name: "chemgate-bench",
            dependencies: [
                "DeviceMap",
                "PlatformProfile",
                "UplinkPayload",
                "GatewayCore",
                "Modbus",
                "MQTT",
                "Outbox",
                "Planner",
                "Receiver",
                "Simulator",
                "TestSupport",
                "Uplink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
