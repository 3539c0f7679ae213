import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import Modbus
import NIOCore
import Outbox
import Simulator
import TestSupport

/// `soak`: the gateway polling 10,000 points @1 s (every value changing; or `--config`) for N minutes,
/// delivering to the counting receiver with default uplink settings.
///
/// - RSS (VmRSS) and `/metrics` sampled every 10 s (1 s with `--quick`; the gateway serves each of
///   those scrapes, as it would a Prometheus server's, so they are part of what is measured); after a
///   warm-up (the first 20% of the run, at least a minute; 20% with `--quick`), the least-squares
///   slope in MB/h (target < 1 MB/h); beside
///   it, the slopes of malloc's heap in use (`/metrics`, no target), which a leak grows too, of its part
///   SQLite holds (page caches that fill up to their bound) and the rest, of what
///   malloc holds free (an RSS that grows while the heap in use does not), and of the RSS's two parts
///   (`RssAnon`: malloc and stacks; `RssFile`: pages of the binary, the libraries and SQLite's WAL
///   index, which grow only up to what the gateway ever runs and maps); and when the
///   log reaches its size cap within the run (`/metrics` counts the first rows the cap drops), every
///   slope again from then on: the regime a gateway spends its life in, which a log filling from empty
///   for the first part of the run (25 minutes at the default 2 GB) is not; then the RSS's median in
///   each 10 minutes from the cap (from the warm-up when the cap is not reached);
/// - the gateway's CPU after warm-up and from the cap (`/proc` CPU time; ≤ 0.10 core at 10,000 points
///   @1 s, #19): what it costs once the log has filled, which `scale` from an empty log does not see;
/// - the WAL file's largest size (sampled every second) against the log's checkpoint limit (`walLimit`:
///   an eighth of `storage.max_size`, 256 KiB – 4 MiB, docs/operations.md);
/// - lost records: the devices stop answering, the gateway delivers what is left (until its `/status`
///   reports no lag at two checks a second apart, or nothing new reaches the receiver for 75 s) and
///   stops; then every sequence number of its log must have reached the receiver: records still pending
///   in the log, sequence numbers no batch covered (gaps, which include readings the size cap dropped
///   undelivered) and any below the first covered (target 0).
struct SoakScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "10,000 points @1 s for N minutes: RSS slope (< 1 MB/h), WAL vs its limit, zero lost records."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Minutes the soak lasts (default 60; 0.25 with --quick).")
    var minutes: Double?

    @Option(help: "DxT@P (default 100x100@1s; 10x50@1s with --quick).")
    var config: String?

    @Option(
        name: .customLong("max-size"),
        help: "storage.max_size of the soaked gateway (default chemgate's 2GB), e.g. 200MB to soak the log at its cap."
    )
    var maxSize: String?

    func run() async throws {
        let configuration = try ScaleConfiguration(parsing: config ?? (options.quick ? "10x50@1s" : "100x100@1s"))
        let length = (minutes ?? (options.quick ? 0.25 : 60)) * 60
        let interval = options.quick ? 1.0 : 10.0
        let warmup = options.quick ? length * 0.2 : max(60, length * 0.2)
        guard length - warmup >= 3 * interval else {
            throw BenchFailure(
                "--minutes: the soak must last past its warm-up (\(Figure.format(warmup)) s) for 3 samples"
            )
        }
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let units = UInt8(min(configuration.devices, ScaleConfiguration.devicesPerLink))
        let simulator = Simulator(units: Array(1...units), changeFraction: 1)
        var servers = try (0..<configuration.links).map { _ in
            try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quiet)
        }
        defer { for server in servers { server.stop() } }
        let receiver = try await CountingReceiver.start(measuresLatency: false)
        defer { receiver.stop() }
        let statusPort = try Tools.freePort()
        let site = try SiteGenerator.write(
            configuration,
            ports: .init(links: servers.map(\.port), status: statusPort, receiver: receiver.port),
            snapshot: "60s",
            maxSize: maxSize,
            in: directory
        )
        let logPath = directory.appendingPathComponent("log.sqlite").path
        let gateway = try ChildProcess(try Binaries.path("chemgate"), ["run", "--config", site.path])
        defer { gateway.signal(SIGKILL) }
        let meter = ProcessMeter(pid: gateway.pid)
        let name = "soak \(configuration) \(Figure.format(length / 60)) min"
        // The memory figures come from /metrics: the gateway's scrape (one every interval, as a
        // Prometheus server would) is part of what they measure.
        progress(
            "\(name): sampling RSS and /metrics every \(Figure.format(interval)) s (the scrape is part of what "
                + "is measured), warm-up \(Figure.format(warmup)) s"
        )

        let clock = ContinuousClock()
        let start = clock.now
        var samples: [(hours: Double, megabytes: Double)] = []
        var heapSamples: [(hours: Double, megabytes: Double)] = []
        var freeSamples: [(hours: Double, megabytes: Double)] = []
        var sqliteSamples: [(hours: Double, megabytes: Double)] = []
        var outsideSQLiteSamples: [(hours: Double, megabytes: Double)] = []
        var anonymousSamples: [(hours: Double, megabytes: Double)] = []
        var fileSamples: [(hours: Double, megabytes: Double)] = []
        var walSamples: [Int] = []
        var cpuSamples: [(seconds: Double, cpu: Double)] = []
        var capReached: Double?
        var nextMemorySample = interval
        while clock.now - start < .milliseconds(Int(length * 1000)) {
            // The WAL every second: a prune step's WAL lasts seconds, and samples every 10 s missed the
            // largest (round 9 in BENCHMARKS.md).
            try await Task.sleep(for: .seconds(1))
            guard gateway.isRunning else { throw BenchFailure("chemgate run exited:\n\(gateway.text)") }
            let elapsed = (clock.now - start).secondsValue
            walSamples.append(Self.fileSize(logPath + "-wal"))
            guard elapsed >= nextMemorySample else { continue }
            nextMemorySample += interval
            let scrape = await Self.scrape(statusPort: statusPort)
            if capReached == nil, let dropped = scrape?.droppedByTheCap, dropped > 0 { capReached = elapsed }
            if let cpu = meter.cpuSeconds() { cpuSamples.append((elapsed, cpu)) }
            if elapsed >= min(warmup, capReached ?? warmup), let megabytes = meter.residentMegabytes() {
                samples.append((elapsed / 3600, megabytes))
                if let heap = scrape?.heapInUse {
                    heapSamples.append((elapsed / 3600, Double(heap) / 1_048_576))
                }
                if let free = scrape?.heldFree {
                    freeSamples.append((elapsed / 3600, Double(free) / 1_048_576))
                }
                if let sqlite = scrape?.sqlite {
                    sqliteSamples.append((elapsed / 3600, Double(sqlite) / 1_048_576))
                    if let heap = scrape?.heapInUse {
                        outsideSQLiteSamples.append((elapsed / 3600, Double(heap - sqlite) / 1_048_576))
                    }
                }
                if let parts = meter.residentParts() {
                    anonymousSamples.append((elapsed / 3600, parts.anonymous))
                    fileSamples.append((elapsed / 3600, parts.file))
                }
            }
        }
        let afterWarmup = samples.filter { $0.hours * 3600 >= warmup }
        let slope = MemoryScenario.slope(afterWarmup.map { ($0.hours, $0.megabytes) })
        let peak = meter.peakResidentMegabytes() ?? 0

        // The end: devices stop answering, what is left is delivered, the gateway stops. The wait ends
        // when the uplink reports nothing pending, or when the receiver has seen nothing new for longer
        // than the uplink's longest backoff (60 s), or 30 minutes after the run.
        for server in servers { server.stop() }
        servers = []
        let ended = clock.now
        var last = -1
        var lastProgress = clock.now
        var drainNote = "backlog not drained"
        // Drained: nothing pending at two checks a second apart with nothing new at the receiver between
        // them. One check could fall between the commit of the link's `link_down` event and that of the
        // points' bad readings that follow it: the gateway stopped with those still pending in its log.
        var drainedAt: ContinuousClock.Instant?
        while clock.now - ended < .seconds(1800) {
            try await Task.sleep(for: .seconds(1))
            let entries = receiver.entries
            if entries != last {
                lastProgress = clock.now
                drainedAt = nil
            }
            last = entries
            if let lag = await Self.uplinkLag(statusPort: statusPort), lag == 0 {
                if let drainedAt {
                    drainNote =
                        "backlog drained \(Figure.format((drainedAt - ended).secondsValue)) s after the devices stopped"
                    break
                }
                drainedAt = clock.now
                continue
            }
            drainedAt = nil
            if clock.now - lastProgress > .seconds(75) {
                drainNote = "the receiver got nothing for 75 s with records still pending"
                break
            }
        }
        gateway.signal(SIGTERM)
        _ = try? await gateway.waitForExit(timeout: .seconds(20))
        let log = try DurableLog(path: logPath, options: LogOptions(destinations: ["park"]))
        let pending = try await log.pending(for: "park").records
        let drops = try await log.dropCounts()
        let droppedUndelivered = drops[DropReason.sizeCapUnacknowledged.rawValue] ?? 0
        let walLimit = log.walLimit
        try log.close()
        let counts = receiver.counts
        let lowest = counts.ranges.map(\.lowerBound).min() ?? 1
        // Readings the size cap dropped before delivery are in the gaps (or below the first covered
        // sequence number) already; they are named in the note.
        let lost = pending + counts.gaps + max(0, lowest - 1)

        Figure(
            scenario: name,
            label: "RSS slope after warm-up",
            value: slope,
            unit: "MB/h",
            judged: slope,
            target: .below(1, "1 MB/h"),
            note: "\(afterWarmup.count) samples from \(Figure.format(warmup)) s; "
                + "RSS \(Figure.format(afterWarmup.first?.megabytes ?? 0))→\(Figure.format(afterWarmup.last?.megabytes ?? 0)) MB, "
                + "peak \(Figure.format(peak)) MB"
        ).print()
        let values = Double(configuration.devices * configuration.points) / configuration.period.secondsValue
        Self.printCPU(of: cpuSamples, from: warmup, after: "after warm-up", values: values, in: name)
        if let capReached {
            Self.printCPU(of: cpuSamples, from: capReached, after: "at the size cap", values: values, in: name)
        }
        // Not a target: what tells a leak (the heap in use grows with the RSS) from memory malloc keeps
        // after frees (the RSS grows, the heap in use does not).
        let parts: [Part] = [
            Part(label: "heap in use", source: "/metrics' chemgate_heap_in_use_bytes", samples: heapSamples),
            Part(label: "held free", source: "/metrics' chemgate_heap_held_free_bytes", samples: freeSamples),
            Part(label: "SQLite's memory", source: "/metrics' chemgate_sqlite_memory_bytes", samples: sqliteSamples),
            Part(
                label: "heap in use outside SQLite",
                source: "/metrics' heap in use less SQLite's memory",
                samples: outsideSQLiteSamples
            ),
            Part(label: "RSS anonymous", source: "RssAnon: malloc, stacks", samples: anonymousSamples),
            Part(label: "RSS file-backed", source: "RssFile: the binary, libraries, WAL index", samples: fileSamples),
        ]
        Self.printSlopes(of: parts, from: warmup, after: "after warm-up", in: name)
        if let capReached {
            let atCap = samples.filter { $0.hours * 3600 >= capReached }
            let capSlope = MemoryScenario.slope(atCap.map { ($0.hours, $0.megabytes) })
            Figure(
                scenario: name,
                label: "RSS slope at the size cap",
                value: capSlope,
                unit: "MB/h",
                note: "\(atCap.count) samples from \(Figure.format(capReached)) s, "
                    + "when the cap dropped its first rows; RSS \(Figure.format(atCap.first?.megabytes ?? 0))→\(Figure.format(atCap.last?.megabytes ?? 0)) MB"
            ).print()
            Self.printSlopes(of: parts, from: capReached, after: "at the size cap", in: name)
        } else {
            progress("\(name): the log did not reach its size cap (no rows dropped by it in /metrics)")
        }
        Self.printMedians(
            of: samples,
            from: capReached ?? warmup,
            window: options.quick ? max(interval, (length - warmup) / 3) : 600,
            after: capReached == nil ? "after warm-up" : "at the size cap",
            in: name
        )
        Figure(
            scenario: name,
            label: "largest WAL",
            value: Double(walSamples.max() ?? 0) / 1024,
            unit: "KiB",
            referenceLabel: "checkpoint limit",
            reference: Double(walLimit) / 1024,
            target: .atMost(1, "1.00 (within the limit)"),
            note: "sampled every second; \(walSamples.filter { $0 <= walLimit }.count) of "
                + "\(walSamples.count) samples within the limit, median \(Figure.format(Self.median(walSamples) / 1024)) KiB"
        ).print()
        Figure(
            scenario: name,
            label: "lost records",
            value: Double(lost),
            unit: "records",
            judged: Double(lost),
            target: .equal(0, "0"),
            note: "\(drainNote); \(pending) pending in the log, \(counts.gaps) gaps, first covered seq \(lowest), "
                + "\(droppedUndelivered) dropped undelivered by the size cap, "
                + "\(drops[DropReason.sizeCapAcknowledged.rawValue] ?? 0) acknowledged rows dropped by it; "
                + "receiver \(counts.records) records, \(counts.events) events, up to seq "
                + "\(counts.highestSequence ?? 0)"
        ).print()
    }

    /// The first uplink's `lag` (records not yet acknowledged) from the gateway's `/status`; nil when
    /// the status cannot be read.
    private static func uplinkLag(statusPort: Int) async -> Int? {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(statusPort)/status")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
            let body = try? await response.body.collect(upTo: 16 << 20),
            let status = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let uplinks = status["uplinks"] as? [[String: Any]],
            let lag = uplinks.first?["lag"] as? Int
        else { return nil }
        return lag
    }

    /// A series sampled beside the RSS: what tells its growth apart.
    private struct Part {
        var label: String
        /// Where the samples come from, for the figure's note.
        var source: String
        var samples: [(hours: Double, megabytes: Double)]
    }

    /// The slope of each part from `seconds` into the run on (none when fewer than 3 samples were read).
    private static func printSlopes(of parts: [Part], from seconds: Double, after: String, in name: String) {
        for part in parts {
            let samples = part.samples.filter { $0.hours * 3600 >= seconds }
            guard samples.count >= 3 else {
                progress("\(name): \(part.source) could not be read (\(samples.count) samples)")
                continue
            }
            Figure(
                scenario: name,
                label: "\(part.label) slope \(after)",
                value: MemoryScenario.slope(samples.map { ($0.hours, $0.megabytes) }),
                unit: "MB/h",
                note: "\(samples.count) samples of \(part.source); "
                    + "\(Figure.format(samples[0].megabytes))→\(Figure.format(samples[samples.count - 1].megabytes)) MB"
            ).print()
        }
    }

    /// The gateway's CPU from `seconds` into the run to its end, in cores and µs per polled value: the
    /// cost of a log that has filled (its segments, its cap), which `scale`'s 30 seconds from an empty
    /// log do not see. Judged against the 0.10 core of #19 at 10,000 points @1 s.
    private static func printCPU(
        of samples: [(seconds: Double, cpu: Double)],
        from seconds: Double,
        after: String,
        values: Double,
        in name: String
    ) {
        guard let first = samples.first(where: { $0.seconds >= seconds }), let last = samples.last,
            last.seconds > first.seconds
        else { return }
        let core = (last.cpu - first.cpu) / (last.seconds - first.seconds)
        let judged = values == 10_000
        Figure(
            scenario: name,
            label: "gateway CPU \(after)",
            value: core,
            unit: "core",
            judged: judged ? core : nil,
            target: judged ? .atMost(0.10, "0.10 core") : nil,
            note: "/proc CPU time from \(Figure.format(first.seconds)) s to \(Figure.format(last.seconds)) s; "
                + "\(Figure.format(core * 1_000_000 / max(1, values))) µs per polled value"
        ).print()
    }

    /// The RSS's median in each `window` seconds from `seconds` into the run on (at least two windows):
    /// malloc's trims make the RSS a sawtooth, and a least-squares slope over an hour moves with where
    /// its teeth fall; a series of medians that stops rising is memory that stopped growing.
    private static func printMedians(
        of samples: [(hours: Double, megabytes: Double)],
        from seconds: Double,
        window: Double,
        after: String,
        in name: String
    ) {
        var windows: [[Double]] = []
        for sample in samples where sample.hours * 3600 >= seconds {
            let index = Int((sample.hours * 3600 - seconds) / window)
            while windows.count <= index { windows.append([]) }
            windows[index].append(sample.megabytes)
        }
        let medians = windows.filter { !$0.isEmpty }.map { $0.sorted()[$0.count / 2] }
        guard medians.count >= 2 else { return }
        Figure(
            scenario: name,
            label: "RSS medians by \(Figure.format(window / 60)) min \(after)",
            value: medians[medians.count - 1],
            unit: "MB",
            note: medians.map { Figure.format($0) }.joined(separator: ", ")
                + " MB: each window's median; level is memory that stopped growing"
        ).print()
    }

    /// From the gateway's `/metrics`: `chemgate_heap_in_use_bytes`, `chemgate_heap_held_free_bytes`
    /// (what malloc keeps free: a growing RSS with a flat heap in use is this), `chemgate_sqlite_memory_bytes`
    /// (the part of the heap in use SQLite's caches hold) and the rows the size cap dropped
    /// (`chemgate_outbox_dropped_records_total`, both `size_cap_*` reasons); nil when it cannot be read.
    private static func scrape(
        statusPort: Int
    ) async -> (heapInUse: Int?, heldFree: Int?, sqlite: Int?, droppedByTheCap: Int)? {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(statusPort)/metrics")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
            let body = try? await response.body.collect(upTo: 16 << 20)
        else { return nil }
        var heap: Int?
        var free: Int?
        var sqlite: Int?
        var dropped = 0
        for line in String(buffer: body).split(separator: "\n") {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            if line.hasPrefix("chemgate_heap_in_use_bytes ") {
                heap = Int(value)
            } else if line.hasPrefix("chemgate_heap_held_free_bytes ") {
                free = Int(value)
            } else if line.hasPrefix("chemgate_sqlite_memory_bytes ") {
                sqlite = Int(value)
            } else if line.hasPrefix("chemgate_outbox_dropped_records_total{"), line.contains("reason=\"size_cap_") {
                dropped += Int(value)
            }
        }
        return (heap, free, sqlite, dropped)
    }

    private static func median(_ values: [Int]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return Double(sorted[sorted.count / 2])
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
