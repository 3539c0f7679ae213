/// Every metric family chemgate exports on `/metrics`, with the `# HELP` text Prometheus shows.
/// One table for all modules: the poller and the uplinks name their metrics through swift-metrics,
/// and ``HelpfulMetricsFactory`` looks the help up here. docs/metrics.md lists the same families.
enum MetricCatalog {
    static let help: [String: String] = [
        // The poller (Polling/PollingMetrics.swift).
        "chemgate_poll_cycle_duration_seconds": "Time to run one scan cycle of a link, by scan class.",
        "chemgate_scan_overruns_total": "Scan cycles skipped because the previous cycle ran late.",
        "chemgate_device_polls_total": "Device polls by result: answered, or failed (no answer, a broken reply).",
        "chemgate_modbus_transactions_total": "Modbus requests sent on a link.",
        // The gateway's state, read at each scrape (HealthMetrics.swift).
        "chemgate_devices": "Enabled devices by state: ok, failing, demoted, maintenance, unknown (not polled yet).",
        "chemgate_link_up":
            "1 when the link's last transaction went through, 0 when it is down or has sent nothing yet.",
        "chemgate_link_failures_total":
            "Failed Modbus transactions on a link (timeouts, CRC errors, refused connections).",
        "chemgate_link_reconnects_total": "Times a link reconnected.",
        "chemgate_outbox_depth":
            "Records in the durable log not yet acknowledged by this platform (uplink lag in records).",
        "chemgate_outbox_bytes": "Size of the durable log on disk, in bytes.",
        "chemgate_outbox_dropped_records_total":
            "Records removed from the durable log by retention or the size cap, by reason (size_cap_unacknowledged: lost upstream).",
        "chemgate_uplink_last_ack_age_seconds":
            "Seconds since this platform last acknowledged a batch (since the gateway started, before the first).",
        "chemgate_uplink_oldest_unacknowledged_age_seconds":
            "Age of the oldest record waiting for this platform, in seconds; 0 when nothing waits.",
        "chemgate_uplink_backlog_problem":
            "1 while this platform's backlog is a problem: its oldest record is older than backlog_max_age, or it has grown for longer than backlog_max_growth.",
        "chemgate_uplink_acknowledged_records_total": "Records this platform acknowledged.",
        "chemgate_uplink_failures_total":
            "Failed upload attempts to this platform (no answer, 5xx, 401/403, 429/503, refused redirects).",
        "chemgate_uplink_dead_lettered_records_total": "Records this platform refused, moved to the dead-letter table.",
        "chemgate_uplink_heartbeats_total": "Heartbeats this platform accepted.",
        "chemgate_dead_letters":
            "Records in the dead-letter table for this platform (visible with chemgate dead-letters).",
        "chemgate_log_write_failures_total": "Failed attempts to store readings in the durable log (each is retried).",
        "chemgate_clock_synchronized": "1 when the kernel reports the system clock synchronised (NTP, chrony), else 0.",
        "chemgate_clock_offset_seconds":
            "The kernel's estimate of the clock offset, in seconds; 0 when not synchronised.",
        "chemgate_start_time_seconds": "When the gateway started, in seconds since 1970-01-01 UTC.",
        "chemgate_resident_memory_bytes": "The gateway's resident memory (VmRSS), in bytes.",
        "chemgate_resident_anonymous_memory_bytes":
            "The anonymous part of the resident memory (RssAnon: heap, stacks, SQLite caches), in bytes.",
        "chemgate_heap_in_use_bytes": "Bytes allocated with malloc and not yet freed.",
        "chemgate_heap_held_free_bytes": "Bytes malloc keeps free in its arenas, not handed back to the kernel.",
        "chemgate_sqlite_memory_bytes":
            "The part of the heap in use SQLite holds: the log's page caches, schemas and statements, in bytes.",
        "chemgate_build_info": "Always 1; the labels carry the version and the hash of the configuration in force.",
    ]
}
