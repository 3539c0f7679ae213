import Polling
import Testing

@Suite struct CycleScheduleTests {
    @Test func startsAtOrigin() {
        let schedule = CycleSchedule(origin: .seconds(5), period: .seconds(1))
        #expect(schedule.nextDue == .seconds(5))
        #expect(schedule.overruns == 0)
        #expect(schedule.cycles == 0)
    }

    @Test(arguments: [
        (Duration.milliseconds(400), Duration.seconds(1), 0),
        (Duration.seconds(1), Duration.seconds(1), 0),
        (Duration.milliseconds(1_300), Duration.seconds(2), 1),
        (Duration.seconds(3), Duration.seconds(3), 2),
        (Duration.seconds(1) + Duration(attoseconds: 1), Duration.seconds(2), 1),
    ])
    func boundaryCases(finished: Duration, expectedNext: Duration, expectedSkipped: Int) {
        var schedule = CycleSchedule(origin: .zero, period: .seconds(1))
        #expect(schedule.completeCycle(finishedAt: finished) == expectedSkipped)
        #expect(schedule.nextDue == expectedNext)
        #expect(schedule.overruns == expectedSkipped)
        #expect(schedule.cycles == 1)
    }

    @Test func noDriftOverTenThousandCycles() {
        let origin = Duration.seconds(12_345) + .nanoseconds(678)
        let period = Duration.nanoseconds(333_333_333) + Duration(attoseconds: 7)
        var schedule = CycleSchedule(origin: origin, period: period)
        let busy = Duration(attoseconds: period.attoseconds * 9 / 10)
        for k in 0..<10_000 {
            #expect(schedule.nextDue == origin + period * k)
            let skipped = schedule.completeCycle(finishedAt: schedule.nextDue + busy)
            if skipped != 0 {
                Issue.record("cycle \(k) skipped \(skipped)")
                break
            }
        }
        #expect(schedule.nextDue == origin + period * 10_000)
        #expect(schedule.cycles == 10_000)
        #expect(schedule.overruns == 0)
    }

    @Test func overrunsAccumulate() {
        var schedule = CycleSchedule(origin: .zero, period: .seconds(1))
        #expect(schedule.completeCycle(finishedAt: .milliseconds(2_500)) == 2)  // due 0 → next 3
        #expect(schedule.nextDue == .seconds(3))
        #expect(schedule.completeCycle(finishedAt: .milliseconds(3_500)) == 0)  // due 3 → next 4
        #expect(schedule.completeCycle(finishedAt: .seconds(9)) == 4)  // due 4 → next 9
        #expect(schedule.nextDue == .seconds(9))
        #expect(schedule.overruns == 6)
        #expect(schedule.cycles == 3)
    }

    @Test func finishBeforeDueAdvancesOnePoint() {
        var schedule = CycleSchedule(origin: .seconds(10), period: .seconds(2))
        #expect(schedule.completeCycle(finishedAt: .seconds(3)) == 0)
        #expect(schedule.nextDue == .seconds(12))
    }

    @Test(arguments: [Duration.zero, .seconds(-4), .microseconds(10)])
    func tinyPeriodsAreClampedToOneMillisecond(period: Duration) {
        var schedule = CycleSchedule(origin: .zero, period: period)
        #expect(schedule.period == .milliseconds(1))
        schedule.completeCycle(finishedAt: .zero)
        #expect(schedule.nextDue == .milliseconds(1))
    }

    @Test func latenessIsMeasuredFromTheDuePoint() {
        var schedule = CycleSchedule(origin: .zero, period: .seconds(1))
        #expect(schedule.lateness(startedAt: .milliseconds(3)) == .milliseconds(3))
        schedule.completeCycle(finishedAt: .milliseconds(1_200))
        #expect(schedule.lateness(startedAt: .milliseconds(2_000)) == .zero)
        #expect(schedule.lateness(startedAt: .milliseconds(1_990)) == .milliseconds(-10))
    }
}
