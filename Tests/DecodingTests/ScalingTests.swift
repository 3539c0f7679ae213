import Decoding
import Testing

@Suite("Scaling")
struct ScalingTests {
    /// A gas detector's 4–20 mA loop read as counts 4000–20000, meaning 0–100 %LEL.
    static let lel = Scaling.linear(raw: 4000...20000, engineering: 0...100)

    @Test(
        "linear counts 4000–20000 → 0–100 %LEL, extrapolated outside",
        arguments: [
            (12000.0, 50.0), (4000, 0), (20000, 100), (8000, 25), (16000, 75), (3000, -6.25), (24000, 125),
        ]
    )
    func linear(raw: Double, expected: Double) {
        #expect(Self.lel.apply(raw) == expected)
    }

    @Test("linear with an offset engineering range: 0–10 V → -40…+60 °C")
    func linearOffset() {
        let scaling = Scaling.linear(raw: 0...10, engineering: -40...60)
        #expect(scaling.apply(0) == -40)
        #expect(scaling.apply(5) == 10)
        #expect(scaling.apply(10) == 60)
    }

    @Test("a zero-width raw range gives NaN, not a made-up number")
    func degenerateLinear() {
        #expect(Scaling.linear(raw: 5...5, engineering: 0...100).apply(5).isNaN)
    }

    @Test(
        "factor: raw × scale + offset",
        arguments: [
            (Scaling.factor(scale: 2, offset: 0), 21.0, 42.0),
            (.factor(scale: 0.5, offset: -20), 100, 30),
            (.factor(scale: -1, offset: 0), 7, -7),
            (.identity, 123.25, 123.25),
            (.identity, -1, -1),
        ]
    )
    func factor(scaling: Scaling, raw: Double, expected: Double) {
        #expect(scaling.apply(raw) == expected)
    }

    @Test("identity is factor(scale: 1, offset: 0)")
    func identity() {
        #expect(Scaling.identity == .factor(scale: 1, offset: 0))
    }
}
