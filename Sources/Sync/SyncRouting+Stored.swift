import Foundation
import GRDB
import Registry

extension SyncRouting {
    /// The routing stored in the register's database (`sync_routing`), or nil when the register has none
    /// (never opened with destinations, or opened since without any).
    public static func stored(in db: Database) throws -> SyncRouting? {
        guard try db.tableExists("sync_routing"),
              let text = try String.fetchOne(db, sql: "SELECT routing FROM sync_routing WHERE id = 1")
        else { return nil }
        do {
            return SyncRouting(try JSONDecoder().decode(Stored.self, from: Data(text.utf8)))
        } catch {
            throw SyncError(.schemaTooNew, "数据库中的上报路由无法读取（可能由更新版本的 renfang 写入）")
        }
    }

    /// Stores `configuration`'s routing in the register's database (the sync migrations must have run), or
    /// removes the stored routing when `configuration` is nil or has no destination, so that the other
    /// writers of the register queue their records exactly as the daemon does.
    ///
    /// A destination that has never had anything queued (no `sync_destination` row: the box's first start
    /// with sync, or a destination added to the configuration) first gets every record already in the
    /// register that is routed to it, in the same transaction: one change per record (operation 1 新增,
    /// action `sync.backfill`, the row as it is now), in kind order (places before houses before people),
    /// so a register filled before sync was configured reaches the upstream servers whole. Returns the
    /// number of records queued that way per destination. `progress` is called after every 1,000 records
    /// queued and after each kind, with the number of records queued so far (renfangd extends systemd's
    /// start timeout with it: a large register takes a while).
    @discardableResult
    public static func store(_ configuration: SyncConfiguration?, in writer: any DatabaseWriter,
                             now: Date = Date(), progress: ((Int) -> Void)? = nil) throws -> [String: Int] {
        try writer.write { db in
            guard try db.tableExists("sync_routing") else { return [:] }
            guard let configuration, !configuration.destinations.isEmpty else {
                try db.execute(sql: "DELETE FROM sync_routing")
                return [:]
            }
            let backfilled = try backfill(SyncRouting(configuration), destinations: configuration.destinations.map(\.name),
                                          now: now, in: db, progress: progress)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = String(decoding: try encoder.encode(Stored(configuration)), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO sync_routing (id, routing, updated_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET routing = excluded.routing, updated_at = excluded.updated_at
                """, arguments: [json, Int64((now.timeIntervalSince1970 * 1000).rounded())])
            return backfilled
        }
    }

    /// Queues every existing record for the destinations among `destinations` that have no
    /// `sync_destination` row yet (through ``OutboxSink``'s own queueing, in batches, with the routing
    /// limited to those destinations), and gives each of them its row.
    static func backfill(_ routing: SyncRouting, destinations: [String], now: Date, in db: Database,
                         progress: ((Int) -> Void)? = nil) throws -> [String: Int] {
        let known = try String.fetchSet(db, sql: "SELECT name FROM sync_destination")
        let fresh = destinations.filter { !known.contains($0) }
        guard !fresh.isEmpty else { return [:] }
        let only = routing.restricted(to: Set(fresh))
        var queued = 0
        for kind in RecordKind.allCases {
            // An addressed record (a case feedback) goes only to its addressee, if that one is new here.
            if !kind.isAddressed, only.destinations(for: kind.rawValue).isEmpty { continue }
            let rows = try Row.fetchCursor(db, sql: kind.isAddressed ? "SELECT id, uuid, addressee FROM \(kind.table) ORDER BY id"
                                                                    : "SELECT id, uuid FROM \(kind.table) ORDER BY id")
            var batch: [RecordChange] = []
            while let row = try rows.next() {
                guard let uuid = UUID(uuidString: row["uuid"]) else {
                    throw SyncError(.recordMissing, "记录编号无效：\(kind.rawValue) \(row["id"] as Int64)")
                }
                batch.append(RecordChange(kind: kind, uuid: uuid, rowId: row["id"], operation: .create, action: "sync.backfill",
                                          addressee: kind.isAddressed ? row["addressee"] : nil))
                if batch.count == 1_000 {
                    try OutboxSink.queue(batch, routing: only, now: now, signal: nil, in: db)
                    queued += batch.count
                    batch.removeAll(keepingCapacity: true)
                    progress?(queued)
                }
            }
            try OutboxSink.queue(batch, routing: only, now: now, signal: nil, in: db)
            if !batch.isEmpty {
                queued += batch.count
                progress?(queued)
            }
        }
        var counts: [String: Int] = [:]
        for destination in fresh {
            try db.execute(sql: "INSERT INTO sync_destination (name, next_seq) VALUES (?, 1) ON CONFLICT (name) DO NOTHING",
                           arguments: [destination])
            counts[destination] = try Int.fetchOne(db, sql: "SELECT next_seq - 1 FROM sync_destination WHERE name = ?",
                                                   arguments: [destination]) ?? 0
        }
        return counts
    }
}
