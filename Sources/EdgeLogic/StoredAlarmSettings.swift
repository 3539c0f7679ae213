/// An ``AlarmEvaluator``'s settings, held once and shared by the evaluator's copies.
final class StoredAlarmSettings: Sendable {
    let settings: AlarmSettings

    init(_ settings: AlarmSettings) { self.settings = settings }
}
