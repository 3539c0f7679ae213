import Modbus
import Planner
import Testing

@Suite("Planning reads")
struct RequestPlanTests {
    @Test func sixteenContiguousRegistersMakeOneRead() throws {
        let plan = try RequestPlan.make(points: singles("r", from: 0, count: 16), limits: PlannerLimits())
        #expect(spans(plan) == ["holding 0..15"])
        #expect(plan.reads.first?.count == 16)
        #expect(plan.reads.first?.pointIDs == singles("r", from: 0, count: 16).map(\.id))
    }

    @Test func twoHundredContiguousRegistersMakeReadsOf125And75() throws {
        let plan = try RequestPlan.make(points: singles("r", from: 0, count: 200), limits: PlannerLimits())
        #expect(plan.reads.map(\.count) == [125, 75])
        #expect(spans(plan) == ["holding 0..124", "holding 125..199"])
        #expect(plan.reads.map(\.pointIDs.count) == [125, 75])
    }

    @Test func bitsUseTheBitLimit() throws {
        let coils = try RequestPlan.make(points: singles("c", .coil, from: 0, count: 2500), limits: PlannerLimits())
        #expect(coils.reads.map(\.count) == [2000, 500])
        let small = try RequestPlan.make(
            points: singles("d", .discrete, from: 10, count: 20),
            limits: PlannerLimits(maxRegisters: 1, maxBits: 8)
        )
        #expect(spans(small) == ["discrete 10..17", "discrete 18..25", "discrete 26..29"])
    }

    @Test(arguments: [(2, 2), (3, 1), (4, 1)])
    func aGapJoinsOnlyWithinMaxGap(maxGap: Int, expectedReads: Int) throws {
        let points = [point("a", at: 0), point("b", at: 4)]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(maxGap: maxGap))
        #expect(plan.reads.count == expectedReads)
        if expectedReads == 1 {
            #expect(spans(plan) == ["holding 0..4"])
            #expect(plan.reads[0].pointIDs == ["a", "b"])
        } else {
            #expect(spans(plan) == ["holding 0..0", "holding 4..4"])
        }
    }

    @Test func aForbiddenAddressInAGapPreventsTheMerge() throws {
        let points = [point("a", at: 0), point("b", at: 4), point("c", .input, at: 0), point("d", .input, at: 4)]
        let limits = PlannerLimits(maxGap: 3, forbidden: [.holding: [2...2]])
        let plan = try RequestPlan.make(points: points, limits: limits)
        #expect(spans(plan) == ["holding 0..0", "holding 4..4", "input 0..4"])
    }

    @Test func theReadStaysWithinTheMaximumWhenBridgingAGap() throws {
        let points = [point("a", at: 0, count: 5), point("b", at: 8, count: 2)]
        let fits = try RequestPlan.make(points: points, limits: PlannerLimits(maxRegisters: 10, maxGap: 3))
        #expect(spans(fits) == ["holding 0..9"])
        let tooLong = try RequestPlan.make(points: points, limits: PlannerLimits(maxRegisters: 9, maxGap: 3))
        #expect(spans(tooLong) == ["holding 0..4", "holding 8..9"])
    }

    @Test func overlappingStatusBitsShareOneRead() throws {
        let points = [
            point("status.fault", at: 10),
            point("status.alarm", at: 10),
            point("level", at: 10, count: 2),
            point("level.raw", at: 11),
            point("temperature", at: 11, count: 2),
        ]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(maxRegisters: 3))
        #expect(spans(plan) == ["holding 10..12"])
        #expect(plan.reads[0].pointIDs == ["level", "status.alarm", "status.fault", "level.raw", "temperature"])
    }

    @Test func anOverlapGroupIsNeverSplitAtTheLimit() throws {
        // a: 0..1, then b and c overlap at 3..4: reading 0..3 would split the group, so it moves whole.
        let points = [point("a", at: 0, count: 2), point("b", at: 2, count: 2), point("c", at: 3, count: 2)]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(maxRegisters: 4))
        #expect(spans(plan) == ["holding 0..1", "holding 2..4"])
        #expect(pointIDs(plan) == [["a"], ["b", "c"]])
    }

    @Test func tablesArePlannedSeparatelyInTableOrder() throws {
        let points = [
            point("in", .input, at: 0), point("hr", .holding, at: 0), point("di", .discrete, at: 0),
            point("co", .coil, at: 0), point("hr2", .holding, at: 1), point("co2", .coil, at: 1),
        ]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits())
        #expect(spans(plan) == ["coil 0..1", "discrete 0..0", "holding 0..1", "input 0..0"])
        #expect(pointIDs(plan) == [["co", "co2"], ["di"], ["hr", "hr2"], ["in"]])
    }

    @Test func singleRegisterReadsEachPointAlone() throws {
        let points = [
            point("a", at: 0), point("b", at: 1, count: 2), point("c", at: 5),
            point("b.high", at: 1), point("b.low", at: 2),
        ]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(maxGap: 10, singleRegister: true))
        #expect(spans(plan) == ["holding 0..0", "holding 1..2", "holding 5..5"])
        #expect(pointIDs(plan) == [["a"], ["b", "b.high", "b.low"], ["c"]])
    }

    @Test func theLastAddressCanBeRead() throws {
        let plan = try RequestPlan.make(points: [point("last", at: 65534, count: 2)], limits: PlannerLimits())
        #expect(spans(plan) == ["holding 65534..65535"])
    }

    @Test func noPointsMakeNoReads() throws {
        #expect(try RequestPlan.make(points: [], limits: PlannerLimits()).reads.isEmpty)
    }

    @Test func inputOrderDoesNotMatter() throws {
        let points = singles("r", from: 0, count: 30) + [point("x", .coil, at: 3), point("y", .input, at: 9)]
        let limits = PlannerLimits(maxRegisters: 7, maxGap: 2)
        let forward = try RequestPlan.make(points: points, limits: limits)
        let backward = try RequestPlan.make(points: points.reversed(), limits: limits)
        #expect(forward == backward)
        #expect(forward.reads == backward.reads)
    }

    @Test func readServingFindsThePointsRead() throws {
        let plan = try RequestPlan.make(
            points: [point("a", at: 0), point("b", at: 40), point("c", .coil, at: 40)],
            limits: PlannerLimits()
        )
        #expect(plan.read(serving: "b")?.addresses == 40...40)
        #expect(plan.read(serving: "b")?.table == .holding)
        #expect(plan.read(serving: "c")?.table == .coil)
        #expect(plan.read(serving: "missing") == nil)
    }

    @Test func limitsAreKeptWithinTheProtocol() {
        let limits = PlannerLimits(maxRegisters: 500, maxBits: 0)
        #expect(limits.maximumCount(for: .holding) == 125)
        #expect(limits.maximumCount(for: .input) == 125)
        #expect(limits.maximumCount(for: .coil) == 1)
        #expect(limits.maximumCount(for: .discrete) == 1)
        let defaults = PlannerLimits()
        #expect(defaults.maximumCount(for: .coil) == 2000)
        #expect(defaults.maximumCount(for: .holding) == 125)
        #expect(defaults.maxGap == 0 && !defaults.singleRegister && defaults.forbidden.isEmpty)
    }

    @Test func pointAddresses() {
        #expect(point("a", at: 10, count: 4).addresses == 10...13)
        #expect(point("b", at: 7).addresses == 7...7)
    }
}
