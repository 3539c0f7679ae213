import Modbus
import Planner
import Testing

@Suite("Planning errors")
struct PlanningErrorTests {
    /// The error `make` throws, or `nil` when planning succeeds.
    private func planningError(_ points: [PlannedPoint], _ limits: PlannerLimits = PlannerLimits()) -> PlanningError? {
        do {
            _ = try RequestPlan.make(points: points, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPointTooLargeForOneRead() throws {
        let error = try #require(planningError([point("level", at: 0, count: 130)]))
        #expect(error.errors == [.pointTooLarge(id: "level", count: 130, maximum: 125)])
        #expect(error.description == "point 'level': 130 registers, but one read carries at most 125")
    }

    @Test func theDeviceLimitCountsNotJustTheProtocol() throws {
        let error = try #require(planningError([point("flags", .coil, at: 0, count: 20)], PlannerLimits(maxBits: 16)))
        #expect(error.errors == [.pointTooLarge(id: "flags", count: 20, maximum: 16)])
        #expect(error.description == "point 'flags': 20 bits, but one read carries at most 16")
    }

    @Test func overlappingPointsTooLargeTogether() throws {
        let points = [point("a", at: 0, count: 8), point("b", at: 5, count: 8), point("c", at: 6)]
        let error = try #require(planningError(points, PlannerLimits(maxRegisters: 10)))
        #expect(error.errors == [.pointTooLarge(id: "a", count: 13, maximum: 10)])
        #expect(
            error.description
                == "point 'a' and the points overlapping it ('b', 'c') must be read together: "
                + "13 registers, but one read carries at most 10"
        )
    }

    @Test func aPointOnAForbiddenAddress() throws {
        let limits = PlannerLimits(forbidden: [.holding: [3...4, 100...200], .coil: [0...10]])
        let error = try #require(planningError([point("pump", at: 2, count: 4), point("ok", at: 5)], limits))
        #expect(error.errors == [.forbiddenAddress(id: "pump", table: .holding, address: 3)])
        #expect(error.description == "point 'pump': holding address 3 is forbidden for this device and is never read")
    }

    @Test(arguments: [(-1, 1), (0, 0), (65535, 2), (70000, 1), (5, -3)])
    func addressesOutsideTheProtocol(address: Int, count: Int) throws {
        let error = try #require(planningError([point("bad", at: address, count: count)]))
        #expect(error.errors == [.addressOverflow(id: "bad")])
        #expect(error.description.hasPrefix("point 'bad': "))
    }

    @Test func addressOverflowDescriptions() throws {
        let error = try #require(
            planningError([point("neg", at: -1), point("empty", at: 3, count: 0), point("end", at: 65535, count: 2)])
        )
        #expect(
            error.description == """
                point 'neg': address -1, but addresses lie within 0...65535
                point 'empty': 0 registers, but a point occupies at least 1
                point 'end': 2 registers from address 65535 run past the last address, 65535
                """
        )
    }

    @Test func everyProblemIsReported() throws {
        let points = [
            point("in", .input, at: 65535, count: 3),
            point("big", at: 10, count: 200),
            point("forbidden", .coil, at: 7),
            point("fine", at: 0),
        ]
        let error = try #require(planningError(points, PlannerLimits(forbidden: [.coil: [7...7]])))
        #expect(
            error.errors == [
                .forbiddenAddress(id: "forbidden", table: .coil, address: 7),
                .pointTooLarge(id: "big", count: 200, maximum: 125),
                .addressOverflow(id: "in"),
            ]
        )
        #expect(error.description.split(separator: "\n").count == 3)
    }

    @Test func errorsCompareByTheirProblems() throws {
        let thrown = try #require(planningError([point("level", at: 0, count: 130)]))
        let expected = PlanningError(errors: [.pointTooLarge(id: "level", count: 130, maximum: 125)])
        #expect(thrown == expected)
        #expect(Set([thrown, expected]).count == 1)
        #expect(expected.description == "point 'level': 130 items, but one read carries at most 125")
        #expect(throws: expected) { try RequestPlan.make(points: [point("level", at: 0, count: 130)], limits: .init()) }
    }
}
