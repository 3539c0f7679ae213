import Modbus
import Planner
import Testing

/// The property tests are only as good as their checker and reference: these show both catch bad plans.
@Suite("Test oracles")
struct CheckerTests {
    private let points = [point("a", at: 0), point("b", at: 3), point("c", at: 10, count: 2)]
    private let limits = PlannerLimits(maxRegisters: 4, maxGap: 2, forbidden: [.holding: [6...6]])

    @Test func theCheckerAcceptsTheRightPlan() throws {
        let plan = try RequestPlan.make(points: points, limits: limits)
        #expect(PlanChecker.violations(of: plan.reads, points: points, limits: limits).isEmpty)
        #expect(spans(plan) == ["holding 0..3", "holding 10..11"])
    }

    @Test(arguments: [
        // c missing
        [PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["a", "b"])],
        // c served twice
        [
            PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["a", "b"]),
            PlannedRead(table: .holding, address: 10, count: 2, pointIDs: ["c"]),
            PlannedRead(table: .holding, address: 10, count: 2, pointIDs: ["c"]),
        ],
        // c cut short
        [
            PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["a", "b"]),
            PlannedRead(table: .holding, address: 10, count: 1, pointIDs: ["c"]),
        ],
        // too long and reads the forbidden address
        [PlannedRead(table: .holding, address: 0, count: 12, pointIDs: ["a", "b", "c"])],
        // gap of 3 where 2 are allowed
        [
            PlannedRead(table: .holding, address: 0, count: 1, pointIDs: ["a"]),
            PlannedRead(table: .holding, address: 3, count: 1, pointIDs: ["b"]),
            PlannedRead(table: .holding, address: 7, count: 5, pointIDs: ["c"]),
        ],
        // wrong table
        [
            PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["a", "b"]),
            PlannedRead(table: .input, address: 10, count: 2, pointIDs: ["c"]),
        ],
        // out of order
        [
            PlannedRead(table: .holding, address: 10, count: 2, pointIDs: ["c"]),
            PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["a", "b"]),
        ],
        // points out of (address, id) order
        [
            PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["b", "a"]),
            PlannedRead(table: .holding, address: 10, count: 2, pointIDs: ["c"]),
        ],
    ])
    func theCheckerRejectsBrokenPlans(reads: [PlannedRead]) {
        #expect(!PlanChecker.violations(of: reads, points: points, limits: limits).isEmpty)
    }

    @Test func theCheckerRejectsJoinedGroupsForSingleRegisterDevices() {
        let reads = [
            PlannedRead(table: .holding, address: 0, count: 4, pointIDs: ["a", "b"]),
            PlannedRead(table: .holding, address: 10, count: 2, pointIDs: ["c"]),
        ]
        let single = PlannerLimits(maxGap: 2, singleRegister: true)
        #expect(!PlanChecker.violations(of: reads, points: points, limits: single).isEmpty)
    }

    @Test func theReferenceFindsKnownMinimums() {
        #expect(ReferencePlanner.minimumReads(points: points, limits: limits) == 2)
        #expect(ReferencePlanner.minimumReads(points: points, limits: PlannerLimits(maxGap: 10)) == 1)
        #expect(ReferencePlanner.minimumReads(points: points, limits: PlannerLimits(singleRegister: true)) == 3)
        #expect(ReferencePlanner.minimumReads(points: singles("r", from: 0, count: 200), limits: PlannerLimits()) == 2)
        // The greedy trap: a read to 0...3 would cut the overlap group at 3...5, so the reference needs 2 reads.
        let overlapping = [point("x", at: 0, count: 3), point("y", at: 3, count: 2), point("z", at: 4, count: 2)]
        #expect(ReferencePlanner.minimumReads(points: overlapping, limits: PlannerLimits(maxRegisters: 4)) == 2)
        let tooLarge = [point("x", at: 0, count: 3), point("y", at: 2, count: 3)]
        #expect(ReferencePlanner.minimumReads(points: tooLarge, limits: PlannerLimits(maxRegisters: 4)) == nil)
        #expect(ReferencePlanner.groupCount(points: overlapping) == 2)
    }
}
