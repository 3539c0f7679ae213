import Foundation
public import GatewayCore

/// The language of a status view.
public enum StatusLanguage: String, Sendable, CaseIterable {
    case chinese = "zh"
    case english = "en"
}

/// Every state, reason and problem sentence the status views show, in Chinese and English: one
/// table, so that a word missing in one language is a test failure (`StatusTextTests`), not an
/// English word on the Chinese page. Sentences take `{subject}`, `{since}` and `{count}`.
public enum StatusText {
    /// The text of `key` in `language`. A value the table lacks (a state a newer part of the gateway
    /// reports) shows as itself: `uplink_state.connecting` → `connecting`; a test forbids this for
    /// every known key.
    public static func text(_ key: String, _ language: StatusLanguage) -> String {
        guard let entry = table[key] else {
            return key.split(separator: ".", maxSplits: 1).last.map(String.init) ?? key
        }
        return language == .chinese ? entry.zh : entry.en
    }

    /// A problem of the rules as one sentence, with what to check.
    public static func sentence(
        _ problem: SiteVerdict.Problem,
        _ language: StatusLanguage,
        time: (String?) -> String = { $0 ?? "-" },
        subject: (String) -> String = { $0 }
    ) -> String {
        if problem.code == .other { return problem.text ?? "" }
        // The gateway's own English text carries the figures and the path; Chinese uses the table's.
        if language == .english, let text = problem.text { return text }
        var key = "problem.\(problem.code.rawValue)"
        if problem.code == .lineSilent { key += ".\(problem.kind ?? "tcp")" }
        if problem.since == nil, table[key + ".never"] != nil { key += ".never" }
        return text(key, language)
            .replacingOccurrences(of: "{subject}", with: subject(problem.subject ?? ""))
            .replacingOccurrences(of: "{since}", with: time(problem.since))
            .replacingOccurrences(of: "{count}", with: problem.count.map(String.init) ?? "")
    }

    /// The keys every view may ask for: each must be in the table in both languages.
    public static var requiredKeys: [String] {
        var keys = SiteVerdict.Badge.allCases.map { "badge.\($0.rawValue)" }
        keys += SiteVerdict.Monitoring.allCases.map { "monitoring.\($0.rawValue)" }
        keys += SiteVerdict.Exclusion.allCases.map { "exclusion.\($0.rawValue)" }
        for code in SiteVerdict.Problem.Code.allCases where code != .other {
            keys +=
                code == .lineSilent
                ? ["problem.line_silent.rtu", "problem.line_silent.tcp"] : ["problem.\(code.rawValue)"]
        }
        keys += deviceStates.map { "device_state.\($0)" }
        keys += linkStates.map { "link_state.\($0)" }
        keys += uplinkStates.map { "uplink_state.\($0)" }
        keys += Quality.Level.allCases.map { "quality.\($0.rawValue)" }
        keys += qualityReasons.map { "reason.\($0)" }
        keys += AlarmLevel.allCases.map { "level.\($0.rawValue)" }
        keys += GatewayEvent.Kind.allCases.map { "event.\($0.rawValue)" }
        return keys
    }

    /// The values of the snapshot's `state` fields and quality reasons (HealthSnapshot, Quality.Reason).
    public static let deviceStates = ["ok", "failing", "demoted", "maintenance", "unknown"]
    public static let linkStates = ["up", "down", "idle", "silent"]
    public static let uplinkStates = ["ok", "retrying", "sending", "idle"]
    public static let qualityReasons = [
        "communication_failure", "timeout", "device_exception", "gateway_path_failed", "stale", "demoted",
        "sensor_fault", "out_of_range", "frozen", "maintenance", "inhibited", "warmup", "config_error",
        "invalid_value", "config_mismatch",
    ]

    /// A quality reason (`device_exception_2` → the `device_exception` sentence with its code).
    public static func reason(_ reason: String, _ language: StatusLanguage) -> String {
        if reason.hasPrefix("device_exception_") {
            return text("reason.device_exception", language) + " " + reason.dropFirst("device_exception_".count)
        }
        return text("reason.\(reason)", language)
    }

    static let table: [String: (en: String, zh: String)] = stateTable.merging(labelTable) { first, _ in first }

    static let stateTable: [String: (en: String, zh: String)] = [
        "badge.alarm_level2": ("LEVEL 2 ALARM", "二级报警"),
        "badge.alarm_level1": ("Level 1 alarm", "一级报警"),
        "badge.monitoring_lost": ("Monitoring lost", "监测中断"),
        "badge.fault": ("Detector fault", "探测器故障"),
        "badge.degraded": ("Monitoring degraded", "监测不完整"),
        "badge.inhibited": ("Detectors inhibited", "探测器屏蔽中"),
        "badge.starting": ("Starting", "启动中"),
        "badge.ok": ("All clear", "正常"),
        "monitoring.intact": ("intact", "完整"),
        "monitoring.degraded": ("degraded", "不完整"),
        "monitoring.lost": ("lost", "中断"),
        "monitoring.starting": ("starting", "启动中"),
        "exclusion.fault": ("fault", "故障"),
        "exclusion.not_answering": ("not answering", "无应答"),
        "exclusion.calibration": ("calibration or inhibit", "标定/屏蔽"),
        "exclusion.maintenance": ("maintenance", "检修"),
        "exclusion.warmup": ("warming up", "预热"),
        "problem.line_silent.rtu": (
            "line {subject}: none of its {count} devices answers since {since}: check the RS-485 cable and its wiring, the USB/serial adapter, baud rate and parity",
            "总线 {subject}:{count} 台设备自 {since} 起全部无应答,请检查 RS-485 线缆及接线、串口转换器、波特率和校验位"
        ),
        "problem.line_silent.rtu.never": (
            "line {subject}: none of its {count} devices has answered since the start: check the RS-485 cable and its wiring, the USB/serial adapter, baud rate and parity",
            "总线 {subject}:{count} 台设备启动以来全部无应答,请检查 RS-485 线缆及接线、串口转换器、波特率和校验位"
        ),
        "problem.line_silent.tcp": (
            "link {subject}: none of its {count} devices answers since {since}: check the network, the serial server or PLC and its power",
            "链路 {subject}:{count} 台设备自 {since} 起全部无应答,请检查网络、串口服务器或控制器及其电源"
        ),
        "problem.line_silent.tcp.never": (
            "link {subject}: none of its {count} devices has answered since the start: check the network, the serial server or PLC and its power",
            "链路 {subject}:{count} 台设备启动以来全部无应答,请检查网络、串口服务器或控制器及其电源"
        ),
        "problem.link_down": ("link {subject} is down", "链路 {subject} 已断开"),
        "problem.device_not_answering": (
            "device {subject} does not answer since {since}", "设备 {subject} 自 {since} 起无应答"
        ),
        "problem.device_not_answering.never": (
            "device {subject} has not answered since the start", "设备 {subject} 启动以来一直无应答"
        ),
        "problem.uplink_stuck": (
            "uplink {subject} is not delivering: {count} records waiting, last acknowledged {since}",
            "上传通道 {subject} 无法送达:{count} 条待上传,最近确认 {since}"
        ),
        "problem.uplink_stuck.never": (
            "uplink {subject} is not delivering: {count} records waiting, never acknowledged",
            "上传通道 {subject} 无法送达:{count} 条待上传,从未确认"
        ),
        "problem.log_refusing": (
            "the log is refusing readings ({count} failed attempts): they wait in memory and are retried",
            "本地缓存拒绝写入(已失败 {count} 次):数据暂存内存并重试"
        ),
        "problem.clock_unsynchronised": (
            "the system clock is not synchronised (NTP): reading times may be wrong",
            "系统时钟未同步(NTP),数据时间可能不准"
        ),
        "problem.log_replaced": (
            "the log file was deleted or replaced while the gateway runs: restart the gateway and find out what did it",
            "本地缓存文件在网关运行中被删除或替换:请重启网关并查明原因"
        ),
        "problem.disk_low": (
            "the log's disk is below storage.min_free: the log is held smaller (delivered rows dropped first); make room",
            "本地缓存所在磁盘的剩余空间低于设定阈值:缓存上限已收紧(先删已上传数据),请清理磁盘"
        ),
        "problem.config_rejected": (
            "the configuration reload was refused (errors in the file): the previous configuration keeps running",
            "配置重新加载被拒绝(配置文件有错误):网关继续使用原配置运行"
        ),
        "problem.dead_letters": (
            "uplink {subject}: {count} records in the dead-letter table", "上传通道 {subject}:{count} 条记录被平台拒收(死信)"
        ),
        "device_state.ok": ("answering", "正常应答"),
        "device_state.failing": ("not answering", "无应答"),
        "device_state.demoted": ("demoted (not answering)", "降级(无应答)"),
        "device_state.maintenance": ("maintenance", "检修"),
        "device_state.unknown": ("not polled yet", "尚未采集"),
        "link_state.up": ("up", "已连接"),
        "link_state.down": ("down", "已断开"),
        "link_state.idle": ("idle", "空闲"),
        "link_state.silent": ("silent (no device answers)", "无设备应答"),
        "uplink_state.ok": ("delivering", "正常上传"),
        "uplink_state.retrying": ("retrying", "重试中"),
        "uplink_state.sending": ("sending", "发送中"),
        "uplink_state.idle": ("idle", "空闲"),
        "quality.good": ("good", "正常"),
        "quality.uncertain": ("uncertain", "存疑"),
        "quality.bad": ("bad", "无效"),
        "reason.communication_failure": ("communication failure", "通讯失败"),
        "reason.timeout": ("timeout", "超时"),
        "reason.device_exception": ("device exception", "设备异常码"),
        "reason.gateway_path_failed": ("no answer behind the serial server", "串口服务器后端无应答"),
        "reason.stale": ("stale", "数据过期"),
        "reason.demoted": ("not answering", "无应答"),
        "reason.sensor_fault": ("sensor fault", "传感器故障"),
        "reason.out_of_range": ("out of range", "超量程"),
        "reason.frozen": ("frozen value", "数值冻结"),
        "reason.maintenance": ("maintenance", "检修"),
        "reason.inhibited": ("calibration or inhibit", "标定/屏蔽"),
        "reason.warmup": ("warming up", "预热"),
        "reason.config_error": ("configuration error", "配置错误"),
        "reason.invalid_value": ("invalid value", "无效数值"),
        "reason.config_mismatch": ("device reports a value its map rules out", "设备配置与点表不符"),
        "event.alarm_raised": ("alarm raised", "报警产生"),
        "event.alarm_cleared": ("alarm cleared", "报警消除"),
        "event.alarm_suppressed": ("alarm suppressed (calibration, inhibit, maintenance)", "报警被屏蔽(标定/屏蔽/检修)"),
        "event.device_demoted": ("device stopped answering (demoted)", "设备无应答(降级)"),
        "event.device_recovered": ("device answers again", "设备恢复应答"),
        "event.link_down": ("link down", "链路断开"),
        "event.link_up": ("link up", "链路恢复"),
        "event.log_replaced": ("log replaced", "本地缓存被替换"),
        "event.storage_recovered": ("log stores again", "本地缓存恢复写入"),
        "event.disk_low": ("disk space low", "磁盘空间不足"),
        "event.disk_ok": ("disk space back", "磁盘空间恢复"),
        "event.clock_step": ("clock stepped", "系统时钟跳变"),
        "event.config_reloaded": ("configuration reloaded", "配置已重新加载"),
        "event.maintenance_on": ("maintenance switched on", "检修模式开启"),
        "event.maintenance_off": ("maintenance switched off", "检修模式关闭"),
        "event.point_fault": ("point fault (sensor fault in the value)", "测点故障(传感器故障)"),
        "event.point_fault_cleared": ("point fault over", "测点故障恢复"),
        "level.LL": ("low-low", "低低报"),
        "level.L": ("low", "低报"),
        "level.H": ("high", "高报"),
        "level.HH": ("high-high", "高高报"),
        "level.level1": ("level 1", "一级报警"),
        "level.level2": ("level 2", "二级报警"),
        "level.device_alarm1": ("device alarm 1", "设备一级报警"),
        "level.device_alarm2": ("device alarm 2", "设备二级报警"),
        "level.device_fault": ("device fault", "设备故障"),
    ]
}
