import Metrics

/// The sync part's metrics (swift-metrics; the daemon exports them at /metrics). Names and labels are
/// listed in protocol-docs/sync-client.md.
enum SyncMetrics {
    static func pending(_ destination: String, _ count: Int) {
        Gauge(label: "renfang_sync_pending", dimensions: [("destination", destination)]).record(count)
    }

    static func quarantined(_ destination: String, _ count: Int) {
        Gauge(label: "renfang_sync_quarantined", dimensions: [("destination", destination)]).record(count)
    }

    static func oldestAge(_ destination: String, _ seconds: Double) {
        Gauge(label: "renfang_sync_oldest_pending_seconds", dimensions: [("destination", destination)]).record(seconds)
    }

    static func delivered(_ destination: String, accepted: Int, duplicate: Int) {
        if accepted > 0 {
            Counter(label: "renfang_sync_delivered_total", dimensions: [("destination", destination), ("receipt", "accepted")])
                .increment(by: accepted)
        }
        if duplicate > 0 {
            Counter(label: "renfang_sync_delivered_total", dimensions: [("destination", destination), ("receipt", "duplicate")])
                .increment(by: duplicate)
        }
    }

    static func rejected(_ destination: String, permanent: Int, transient: Int) {
        if permanent > 0 {
            Counter(label: "renfang_sync_rejected_total", dimensions: [("destination", destination), ("permanent", "true")])
                .increment(by: permanent)
        }
        if transient > 0 {
            Counter(label: "renfang_sync_rejected_total", dimensions: [("destination", destination), ("permanent", "false")])
                .increment(by: transient)
        }
    }

    static func batch(_ destination: String, outcome: String, seconds: Double) {
        Counter(label: "renfang_sync_batches_total", dimensions: [("destination", destination), ("outcome", outcome)]).increment()
        Timer(label: "renfang_sync_batch_duration_seconds", dimensions: [("destination", destination)])
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    static func lastSuccess(_ destination: String, _ unixSeconds: Double) {
        Gauge(label: "renfang_sync_last_success_timestamp_seconds", dimensions: [("destination", destination)]).record(unixSeconds)
    }

    static func inbox(_ destination: String, kind: String, count: Int) {
        Counter(label: "renfang_sync_inbox_messages_total", dimensions: [("destination", destination), ("kind", kind)])
            .increment(by: count)
    }

    static func reconciliation(_ destination: String, matched: Bool, missing: Int) {
        Gauge(label: "renfang_sync_reconciliation_matched", dimensions: [("destination", destination)]).record(matched ? 1 : 0)
        Gauge(label: "renfang_sync_reconciliation_missing", dimensions: [("destination", destination)]).record(missing)
    }

    static func diskLevel(_ level: DiskPressure.Level) {
        Gauge(label: "renfang_sync_disk_level").record(level == .normal ? 0 : level == .reserve ? 1 : 2)
    }
}
