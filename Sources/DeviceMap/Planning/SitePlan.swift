public import Planner

/// The reads of one device in one scan class.
public struct DeviceScanPlan: Sendable, Hashable {
    public var device: DeviceConfig
    public var scanClass: String
    public var period: Duration
    public var points: [SitePoint]
    public var plan: RequestPlan
}

/// Every device's request plan, per scan class.
public struct SitePlan: Sendable, Hashable {
    public var entries: [DeviceScanPlan]

    /// Plans the enabled devices of a site: the points of each scan class are planned separately.
    /// - Throws: ``ConfigErrors`` naming the device when its points cannot be planned.
    public static func make(_ config: SiteConfig) throws(ConfigErrors) -> SitePlan {
        var entries: [DeviceScanPlan] = []
        var issues: [ConfigIssue] = []
        for device in config.devices where device.enabled {
            let byClass = Dictionary(grouping: device.points, by: \.scanClass)
            for (scanClass, points) in byClass.sorted(by: { $0.key < $1.key }) {
                // Computed points are evaluated from the others after the reads: nothing to plan for them.
                let planned = points.filter { !$0.definition.isComputed }.map {
                    PlannedPoint(
                        id: $0.id,
                        table: $0.definition.table,
                        address: $0.definition.address,
                        count: $0.definition.count
                    )
                }
                do throws(PlanningError) {
                    let plan = try RequestPlan.make(points: planned, limits: device.map.plannerLimits)
                    entries.append(
                        DeviceScanPlan(
                            device: device,
                            scanClass: scanClass,
                            period: config.scanClasses[scanClass] ?? .seconds(5),
                            points: points,
                            plan: plan
                        )
                    )
                } catch {
                    issues.append(
                        ConfigIssue(
                            .error,
                            file: config.path,
                            line: device.line,
                            column: 5,
                            message: "device '\(device.id)': \(error)"
                        )
                    )
                }
            }
        }
        guard issues.isEmpty else { throw ConfigErrors(issues) }
        return SitePlan(entries: entries)
    }

    /// The plans of the devices on one link.
    public func entries(onLink link: String) -> [DeviceScanPlan] {
        entries.filter { $0.device.link == link }
    }
}
