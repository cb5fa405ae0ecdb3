import GRDB
import Synchronization

/// Occupancy reports already computed, per role and query, valid while the register's
/// `register_generation` (migration v7) is unchanged.
///
/// Statistics are recomputed from the stays (milliseconds of CPU for a community), while the pages and
/// the big screen ask for the same few reports again and again and the register changes far less often.
/// A report is reused only when it was computed in a snapshot of the same generation as the reader's:
/// every insert, update or delete of a place, house, person or stay row (from any process) increments
/// the generation by trigger, so a reused report is exactly what recomputing would give. Card reads,
/// alerts, audit entries and the sync queue do not touch the counted tables and keep the reports.
final class StatisticsCache: Sendable {
    struct Key: Hashable, Sendable {
        var role: Role
        var query: OccupancyQuery
    }

    /// Reports kept at most; beyond, the oldest generation's entries go first (all of them, at once).
    static let capacity = 256

    private struct State {
        var entries: [Key: (generation: Int64, report: OccupancyReport)] = [:]
        var hits = 0
        var misses = 0
    }
    private let state = Mutex(State())

    init() {}

    /// The generation of the snapshot `db` reads, or nil when the register has no counter (a database
    /// not yet migrated to v7: nothing is cached then).
    static func generation(_ db: Database) -> Int64? {
        try? Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM register_generation WHERE id = 1"))
    }

    /// The report for `key` computed at `generation`, if kept.
    func report(_ key: Key, generation: Int64) -> OccupancyReport? {
        state.withLock { state in
            if let entry = state.entries[key], entry.generation == generation {
                state.hits += 1
                return entry.report
            }
            state.misses += 1
            return nil
        }
    }

    /// Keeps `report`, computed for `key` in a snapshot of `generation`.
    func store(_ report: OccupancyReport, for key: Key, generation: Int64) {
        state.withLock { state in
            if let kept = state.entries[key], kept.generation > generation { return }  // a newer one is kept
            if state.entries.count >= Self.capacity {
                state.entries = state.entries.filter { $0.value.generation >= generation }
                if state.entries.count >= Self.capacity { state.entries.removeAll() }
            }
            state.entries[key] = (generation, report)
        }
    }

    /// Reports served from the cache and computed, since start (for the tests).
    var counts: (hits: Int, misses: Int) {
        state.withLock { ($0.hits, $0.misses) }
    }
}
