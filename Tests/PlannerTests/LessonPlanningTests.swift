import Modbus
import Planner
import Testing

/// Re-planning with what a device taught: its real read-size limit (found by bisection), the points it
/// refuses alone.
@Suite("Planning with lessons")
struct LessonPlanningTests {
    /// A device that refuses reads longer than `limit` and reads touching `refused`, and the cycle loop
    /// the poller runs (bisect a refused multi-point read, refuse a single-point one, re-plan after the
    /// cycle). Returns the requests per cycle and the lessons.
    private static func poll(
        _ points: [PlannedPoint],
        limits: PlannerLimits = PlannerLimits(),
        deviceLimit: Int,
        refused: Set<Int> = [],
        cycles: Int
    ) throws -> (requests: [Int], lessons: PlanLessons, unread: Set<String>) {
        // `unread`: the points refused alone, over every cycle.
        var lessons = PlanLessons()
        var plan = try RequestPlan.make(points: points, limits: limits)
        var requests: [Int] = []
        var unread: Set<String> = []
        for _ in 0..<cycles {
            var pending = plan.reads
            var sent = 0
            var refusedAny = false
            let before = lessons
            while !pending.isEmpty {
                let read = pending.removeFirst()
                sent += 1
                let refuses = read.count > deviceLimit || read.addresses.contains(where: refused.contains)
                if !refuses {
                    lessons.answered(read)
                    continue
                }
                refusedAny = true
                let halves = plan.bisecting(read)
                if halves.isEmpty {
                    lessons.refusedAlone(read, exception: .illegalDataAddress)
                    unread.formUnion(read.pointIDs)
                } else {
                    lessons.refused(read)
                    pending.insert(contentsOf: halves, at: 0)
                }
            }
            requests.append(sent)
            if !refusedAny { lessons.settle(since: before) }
            plan = try RequestPlan.make(points: points, limits: limits, lessons: lessons)
        }
        return (requests, lessons, unread)
    }

    @Test func fortyRegistersAgainstALimitOfTenEndInFourReads() throws {
        let result = try Self.poll(singles("r", from: 10, count: 40), deviceLimit: 10, cycles: 8)
        #expect(result.lessons.registers.limit == 10)
        #expect(result.requests.suffix(3) == [4, 4, 4], "\(result.requests)")
        #expect(result.requests.prefix(5).allSatisfy { $0 < 40 }, "never one point per request: \(result.requests)")
        #expect(result.unread.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 7, 10, 16, 17, 33, 64, 100, 124])
    func theSearchFindsAnyLimitAndThenReadsTheFewestRequests(limit: Int) throws {
        let points = singles("r", from: 0, count: 125)
        let result = try Self.poll(points, deviceLimit: limit, cycles: 12)
        #expect(result.lessons.registers.limit == limit)
        let fewest = (125 + limit - 1) / limit
        #expect(result.requests.last == fewest, "\(result.requests)")
        #expect(result.unread.isEmpty)
    }

    @Test func twoRegisterPointsSettleOnTheLongestReadTheLayoutAllows() throws {
        let points = (0..<30).map { point("f\($0)", at: $0 * 2, count: 2) }
        let result = try Self.poll(points, deviceLimit: 11, cycles: 10)
        #expect(result.lessons.registers.limit == 10, "11 registers cannot be read: points are 2 long")
        #expect(result.requests.suffix(2) == [6, 6], "\(result.requests)")
    }

    @Test func anAddressRefusedInTheMiddleIsLeftOutAndTheRestIsReadInTwo() throws {
        let result = try Self.poll(singles("r", from: 0, count: 40), deviceLimit: 125, refused: [20], cycles: 4)
        #expect(result.unread == ["r020"])
        #expect(result.requests.suffix(2) == [2, 2], "\(result.requests)")
        #expect(result.lessons.registers.limit == nil, "a refused address says nothing of the read size")
        #expect(result.lessons.refused["r020"]?.addresses == 20...20)
        let plan = try RequestPlan.make(
            points: singles("r", from: 0, count: 40),
            limits: PlannerLimits(),
            lessons: result.lessons
        )
        #expect(spans(plan) == ["holding 0..19", "holding 21..39"])
    }

    @Test func aLimitAndARefusedAddressTogether() throws {
        let result = try Self.poll(singles("r", from: 0, count: 60), deviceLimit: 16, refused: [5], cycles: 12)
        #expect(result.unread == ["r005"])
        #expect(result.lessons.registers.limit == 16)
        // 0..4, then 6..59 (54 registers) in reads of at most 16: 4 reads.
        #expect(result.requests.last == 5, "\(result.requests)")
    }

    @Test func bisectingSplitsByGroupsIntoTwoShortHalves() throws {
        let points = [point("a", at: 0, count: 2), point("a.low", at: 1), point("b", at: 4), point("c", at: 9)]
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(maxGap: 10))
        #expect(spans(plan) == ["holding 0..9"])
        let halves = plan.bisecting(plan.reads[0])
        #expect(halves.map { "\($0.addresses)" } == ["0...4", "9...9"])
        #expect(halves.map(\.pointIDs) == [["a", "a.low", "b"], ["c"]])
        #expect(plan.bisecting(halves[1]).isEmpty)
        let overlapping = try RequestPlan.make(
            points: [point("a", at: 0, count: 2), point("a.low", at: 1)],
            limits: .init()
        )
        #expect(overlapping.bisecting(overlapping.reads[0]).isEmpty, "overlapping points are read together")
    }

    @Test func lessonsNeverMakePlanningFailForALongPoint() throws {
        var lessons = PlanLessons()
        let points = [point("text", at: 0, count: 20), point("n", at: 20), point("m", at: 21)]
        lessons.refused(PlannedRead(table: .holding, address: 0, count: 22, pointIDs: ["text", "n", "m"]))
        let plan = try RequestPlan.make(points: points, limits: PlannerLimits(), lessons: lessons)
        #expect(spans(plan) == ["holding 0..19", "holding 20..21"])
    }

    @Test func aPointThatAnswersAgainIsPlannedWithItsNeighbours() throws {
        var lessons = PlanLessons()
        let points = singles("r", from: 0, count: 10)
        lessons.refusedAlone(
            PlannedRead(table: .holding, address: 4, count: 1, pointIDs: ["r004"]),
            exception: .illegalDataValue
        )
        #expect(
            spans(try RequestPlan.make(points: points, limits: PlannerLimits(), lessons: lessons)) == [
                "holding 0..3", "holding 5..9",
            ]
        )
        #expect(RequestPlan.reads(alone: lessons.refusedPointIDs, of: points).map(\.pointIDs) == [["r004"]])
        lessons.forgetRefusal(of: ["r004"])
        #expect(lessons.isEmpty)
        #expect(
            spans(try RequestPlan.make(points: points, limits: PlannerLimits(), lessons: lessons)) == ["holding 0..9"]
        )
    }

    @Test func aRefusalExplainedByARefusedAddressIsNoEvidenceOfALimit() {
        var search = LimitSearch()
        search.refused(.holding, addresses: 0...39)
        search.answered(count: 20)
        search.refused(.holding, addresses: 20...39)  // no longer than an answered read: not about size
        #expect(search.smallestRefused == 40)
        search.discardRefusals(covering: 35...35, of: .holding)
        #expect(search.smallestRefused == nil)
        #expect(search.planningMaximum == nil)
    }
}
