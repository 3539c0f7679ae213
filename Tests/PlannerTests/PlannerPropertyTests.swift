import Modbus
import Planner
import PropertyBased
import Testing

@Suite("Planner properties")
struct PlannerPropertyTests {
    /// Plans a case, recording an issue when planning fails although the reference planner finds a plan.
    private func plan(_ planningCase: PlanningCase) -> RequestPlan? {
        do {
            return try RequestPlan.make(points: planningCase.points, limits: planningCase.limits)
        } catch {
            let feasible = ReferencePlanner.minimumReads(points: planningCase.points, limits: planningCase.limits)
            #expect(feasible == nil, "planning failed with \(error) although a plan exists")
            for kind in error.errors {
                guard case .pointTooLarge = kind else {
                    Issue.record("unexpected error \(kind): generated points are addressable and not forbidden")
                    continue
                }
            }
            return nil
        }
    }

    @Test func plansServeEveryPointOnceWithinTheLimits() async {
        await propertyCheck(count: 300, input: PlanningCase.generator) { planningCase in
            guard let plan = plan(planningCase) else { return }
            let problems = PlanChecker.violations(
                of: plan.reads,
                points: planningCase.points,
                limits: planningCase.limits
            )
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func plansHaveTheFewestReads() async {
        await propertyCheck(count: 300, input: PlanningCase.generator) { planningCase in
            let minimum = ReferencePlanner.minimumReads(points: planningCase.points, limits: planningCase.limits)
            guard let plan = plan(planningCase) else { return }
            #expect(plan.reads.count == minimum)
        }
    }

    @Test func contiguousSingleRegistersNeedCeilOfNOverMaximumReads() async {
        await propertyCheck(input: PlanningCase.contiguousGenerator) { planningCase in
            guard let plan = plan(planningCase) else {
                Issue.record("a contiguous map failed to plan")
                return
            }
            for table in ModbusTable.allCases {
                let n = planningCase.points.count { $0.table == table }
                let maximum = planningCase.limits.maximumCount(for: table)
                let reads = plan.reads.filter { $0.table == table }
                #expect(reads.count == (n + maximum - 1) / maximum, "\(table): \(n) points, maximum \(maximum)")
                #expect(reads.dropLast().allSatisfy { $0.count == maximum })
            }
        }
    }

    @Test func shuffledInputGivesTheSamePlan() async {
        await propertyCheck(count: 200, input: PlanningCase.generator) { planningCase in
            let shuffled = planningCase.shuffledPoints
            let original = Result { () throws(PlanningError) in
                try RequestPlan.make(points: planningCase.points, limits: planningCase.limits)
            }
            let reordered = Result { () throws(PlanningError) in
                try RequestPlan.make(points: shuffled, limits: planningCase.limits)
            }
            #expect(original == reordered)
            #expect((try? original.get())?.reads == (try? reordered.get())?.reads)
        }
    }

    @Test func splittingEveryReadIsolatesGroupsAndKeepsEveryPoint() async {
        await propertyCheck(count: 200, input: PlanningCase.generator) { planningCase in
            guard let plan = plan(planningCase) else { return }
            var split = plan
            for read in plan.reads {
                split = split.splitting(read)
            }
            let splitLimits = PlannerLimits(
                maxRegisters: planningCase.limits.maxRegisters,
                maxBits: planningCase.limits.maxBits,
                maxGap: planningCase.limits.maxGap,
                singleRegister: true,
                forbidden: planningCase.limits.forbidden
            )
            let problems = PlanChecker.violations(of: split.reads, points: planningCase.points, limits: splitLimits)
            #expect(problems.isEmpty, "\(problems)")
            #expect(split.reads.count >= plan.reads.count)
            #expect(split.reads.count == ReferencePlanner.groupCount(points: planningCase.points))
            let replanned = try? RequestPlan.make(points: planningCase.points, limits: planningCase.limits)
            #expect(replanned?.reads.count ?? 0 <= split.reads.count)
            #expect(replanned == plan)
        }
    }

    @Test func removingPointsKeepsTheRestServedWithinTheLimits() async {
        await propertyCheck(count: 200, input: PlanningCase.generator, Gen.bool(0.3).array(of: 40)) {
            planningCase,
            removals in
            guard let plan = plan(planningCase) else { return }
            let removed = Set(planningCase.points.indices.filter { removals[$0] }.map { planningCase.points[$0].id })
            let remaining = planningCase.points.filter { !removed.contains($0.id) }
            let smaller = plan.removing(pointIDs: removed)
            let problems = PlanChecker.violations(of: smaller.reads, points: remaining, limits: planningCase.limits)
            #expect(problems.isEmpty, "\(problems)")
            #expect(removed.allSatisfy { smaller.read(serving: $0) == nil })
            #expect(smaller.reads.count <= plan.reads.count + removed.count)
        }
    }

    @Test func readServingAgreesWithTheReads() async {
        await propertyCheck(input: PlanningCase.generator) { planningCase in
            guard let plan = plan(planningCase) else { return }
            for point in planningCase.points {
                let read = plan.read(serving: point.id)
                #expect(read?.pointIDs.contains(point.id) == true)
                #expect(read?.addresses.contains(point.addresses) == true)
            }
        }
    }
}
