extension Schema {
    /// v3: watchlist alerts (预警). Masked identity only: the full details stay sealed in the watchlist.
    /// A trigger enforces the state machine 新预警 → 已签收 → 已派警 → 已结束 (签收 → 结束 allowed).
    static let alertsV3 = """
        CREATE TABLE alert (
            \(rowIdentity),
            list_id TEXT NOT NULL CHECK (length(list_id) BETWEEN 1 AND 64),
            list_version INTEGER NOT NULL CHECK (list_version >= 1),
            entry_ref TEXT NOT NULL CHECK (length(entry_ref) = 36 AND entry_ref = lower(entry_ref)),
            level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
            category TEXT NOT NULL \(notBlank("category")),
            instructions TEXT NOT NULL,
            matched_by TEXT NOT NULL CHECK (matched_by IN ('idNumber', 'nameAndBirthDate')),
            masked_id_number TEXT CHECK (masked_id_number IS NULL OR masked_id_number NOT GLOB '*[0-9X][0-9X][0-9X][0-9X][0-9X]*'),
            masked_name TEXT CHECK (masked_name IS NULL OR substr(masked_name, 2) NOT GLOB '*[^*]*'),
            device TEXT NOT NULL \(notBlank("device")),
            xiaoqu_id INTEGER NOT NULL REFERENCES xiaoqu(id),
            house_id INTEGER,
            state INTEGER NOT NULL CHECK (state IN (1, 2, 3, 4)),
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL CHECK (last_seen_at >= first_seen_at),
            scan_count INTEGER NOT NULL DEFAULT 1 CHECK (scan_count >= 1),
            acknowledged_at TEXT, acknowledged_by TEXT, acknowledged_note TEXT,
            dispatched_at TEXT, dispatched_by TEXT, dispatched_note TEXT,
            closed_at TEXT, closed_by TEXT, closed_note TEXT,
            \(rowTimes),
            FOREIGN KEY (house_id, xiaoqu_id) REFERENCES house(id, xiaoqu_id),
            CHECK (state = 1 OR acknowledged_at IS NOT NULL),
            CHECK (state <> 3 OR dispatched_at IS NOT NULL),
            CHECK ((state = 4) = (closed_at IS NOT NULL))
        );
        CREATE INDEX alert_open ON alert(list_id, entry_ref, device, last_seen_at) WHERE state <> 4;
        CREATE INDEX alert_xiaoqu ON alert(xiaoqu_id, state, last_seen_at);
        CREATE INDEX alert_last_seen ON alert(last_seen_at);

        CREATE TRIGGER alert_transition BEFORE UPDATE OF state ON alert
        WHEN NEW.state <> OLD.state AND NOT ((OLD.state = 1 AND NEW.state = 2)
                                             OR (OLD.state = 2 AND NEW.state IN (3, 4))
                                             OR (OLD.state = 3 AND NEW.state = 4))
        BEGIN SELECT RAISE(ABORT, 'alert.badTransition'); END;
        """
}
