import Logging
import Outbox
import Polling

extension RunServices {
    /// Hands the processor the alarm state and maintenance switches the previous run left in the log,
    /// before the first poll (docs/reliability.md, "What survives a restart").
    static func restoreAlarmState(log: DurableLog, processor: PointProcessor, logger: Logger) async {
        do {
            let memories = try await log.alarmMemories()
            let switches = try await log.maintenanceSwitches()
            for line in await processor.restore(memories, maintenance: switches) {
                logger.notice("restored: \(line)")
            }
        } catch {
            logger.error(
                "cannot read the alarm state and maintenance switches the previous run left in the log \(log.path); alarms still active will be raised again and run-time maintenance switches are lost",
                metadata: ["error": "\(error)"]
            )
        }
    }
}
