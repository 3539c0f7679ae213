extension StatusPage {
    /// Gas-panel colours: level 2 red, level 1 amber, fault orange, inhibit and maintenance blue-grey,
    /// all clear green. On a phone (< 640 px) the optional columns are hidden and cells wrap.
    static let style = """
        body{font:14px/1.4 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:.8em 1.5em;color:#222}
        h1{font-size:20px;margin:0 0 .3em}h2{font-size:16px;margin:1em 0 .3em}small{color:#555}
        .lang{float:right}.truths{margin:.3em 0}.asof{color:#555;margin:.2em 0}
        .badge{display:inline-block;padding:4px 12px;border-radius:6px;font-weight:bold;font-size:18px;color:#fff}
        .truth{display:inline-block;padding:2px 8px;margin:2px 4px 2px 0;border-radius:6px;background:#eee}
        .b-alarm_level2,.a-2,tr.sev-2 td{background:#c62828;color:#fff}
        .b-alarm_level1,.a-1,tr.sev-1 td{background:#ffc107;color:#000}
        .b-fault,tr.sev-0 td,tr.ex-fault td,tr.ex-not_answering td,tr.demoted td,tr.failing td{background:#ef6c00;color:#fff}
        .b-monitoring_lost,.m-lost{background:#4a148c;color:#fff}
        .b-degraded,.m-degraded,.p-1{background:#fb8c00;color:#fff}
        .b-inhibited,tr.ex-calibration td,tr.ex-maintenance td,tr.ex-warmup td,tr.maintenance td{background:#90a4ae;color:#000}
        .b-starting,.m-starting{background:#757575;color:#fff}.b-ok,.m-intact,.a-0,.p-0{background:#2e7d32;color:#fff}
        tr.sev-2 small,tr.sev-0 small,tr.ex-fault small,tr.ex-not_answering small{color:#eee}
        table{border-collapse:collapse;width:100%;table-layout:auto}
        th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        th{background:#f3f3f3}tr.bad td{background:#fde0e0}tr.warn td,tr.uncertain td{background:#fff4d6}
        .problem{color:#b71c1c;font-weight:bold;margin:.2em 0}.warning{color:#8a5300;margin:.2em 0}
        .ok{color:#2e7d32}.bad{color:#c62828}summary{cursor:pointer;padding:2px 0}
        summary.q-bad{color:#c62828}summary.q-uncertain{color:#8a5300}footer{margin-top:2em;color:#777}
        @media (max-width:640px){body{margin:.5em}.opt{display:none}td,th{padding:3px}.badge{font-size:16px}
        .lang{float:none;margin-bottom:.3em}}
        """
}
