import Modbus
import Planner
import Testing

@Suite("Splitting and removing")
struct SplittingAndRemovingTests {
    private let points = [
        point("a", at: 0, count: 2), point("a.low", at: 1), point("c", at: 2), point("d", at: 5),
        point("x", .input, at: 0), point("y", .input, at: 3),
    ]
    private let limits = PlannerLimits(maxGap: 5)

    @Test func splittingIsolatesEachGroupAndLeavesOtherReadsAlone() throws {
        let plan = try RequestPlan.make(points: points, limits: limits)
        #expect(spans(plan) == ["holding 0..5", "input 0..3"])
        let split = plan.splitting(plan.reads[0])
        #expect(spans(split) == ["holding 0..1", "holding 2..2", "holding 5..5", "input 0..3"])
        #expect(pointIDs(split) == [["a", "a.low"], ["c"], ["d"], ["x", "y"]])
        #expect(split.reads[3] == plan.reads[1])
        #expect(split.read(serving: "d")?.addresses == 5...5)
    }

    @Test func splittingASingleGroupReadChangesNothing() throws {
        let plan = try RequestPlan.make(points: points, limits: limits).splitting(
            try RequestPlan.make(points: points, limits: limits).reads[0]
        )
        let again = plan.splitting(plan.reads[0])
        #expect(again == plan)
        #expect(spans(again) == ["holding 0..1", "holding 2..2", "holding 5..5", "input 0..3"])
    }

    @Test func splittingAReadOfAnotherPlanChangesNothing() throws {
        let plan = try RequestPlan.make(points: points, limits: limits)
        let stranger = PlannedRead(table: .holding, address: 0, count: 6, pointIDs: ["a", "c"])
        #expect(plan.splitting(stranger) == plan)
    }

    @Test func removingShrinksReads() throws {
        let plan = try RequestPlan.make(points: points, limits: limits)
        let withoutD = plan.removing(pointIDs: ["d"])
        #expect(spans(withoutD) == ["holding 0..2", "input 0..3"])
        #expect(withoutD.read(serving: "d") == nil)
        let withoutA = plan.removing(pointIDs: ["a", "x"])
        #expect(spans(withoutA) == ["holding 1..5", "input 3..3"])
        #expect(pointIDs(withoutA) == [["a.low", "c", "d"], ["y"]])
    }

    @Test func removingDropsEmptyReads() throws {
        let plan = try RequestPlan.make(points: points, limits: limits)
        #expect(spans(plan.removing(pointIDs: ["x", "y"])) == ["holding 0..5"])
        #expect(plan.removing(pointIDs: Set(points.map(\.id))).reads.isEmpty)
        #expect(plan.removing(pointIDs: []) == plan)
        #expect(plan.removing(pointIDs: ["unknown"]) == plan)
    }

    @Test func removingSplitsAReadWhereTheGapGrowsPastMaxGap() throws {
        let plan = try RequestPlan.make(points: singles("r", from: 0, count: 5), limits: PlannerLimits(maxGap: 1))
        #expect(spans(plan) == ["holding 0..4"])
        #expect(spans(plan.removing(pointIDs: ["r002"])) == ["holding 0..4"])
        #expect(spans(plan.removing(pointIDs: ["r001", "r002"])) == ["holding 0..0", "holding 3..4"])
    }

    @Test func splittingThenRemovingIsolatesABadPoint() throws {
        let plan = try RequestPlan.make(points: points, limits: limits)
        let isolated = plan.splitting(plan.reads[0]).removing(pointIDs: ["c"])
        #expect(spans(isolated) == ["holding 0..1", "holding 5..5", "input 0..3"])
    }

    @Test func readDescriptions() throws {
        let tank = [point("concentration", at: 0, count: 2), point("status", at: 2), point("unit", at: 3, count: 13)]
        let plan = try RequestPlan.make(points: tank + [point("pump", .coil, at: 7)], limits: PlannerLimits())
        #expect(
            plan.reads.map(\.description) == [
                "coil 7..7 (1 bit: pump)", "holding 0..15 (16 registers: concentration, status, unit)",
            ]
        )
        #expect("\(plan.reads[1])" == "holding 0..15 (16 registers: concentration, status, unit)")
        let one = PlannedRead(table: .input, address: 4, count: 1, pointIDs: ["ph"])
        #expect(one.description == "input 4..4 (1 register: ph)")
        #expect(one.addresses == 4...4)
    }
}

@Suite("Removing on single-register devices")
struct SingleRegisterRemovingTests {
    @Test func removingTheBridgingPointSeparatesTheGroups() throws {
        let points = [point("float", at: 0, count: 2), point("high", at: 0), point("low", at: 1)]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(singleRegister: true))
        #expect(spans(plan) == ["holding 0..1"])
        #expect(spans(plan.removing(pointIDs: ["float"])) == ["holding 0..0", "holding 1..1"])
    }
}
