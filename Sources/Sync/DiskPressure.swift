import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Free space on the file system of the register (and so of the queue), checked with `statvfs`.
///
/// Three levels: ``Level/normal``; ``Level/reserve`` (free space below `diskReserveBytes`): optional
/// data — photos, fingerprints — is refused and an alarm is raised; ``Level/floor`` (below
/// `diskFloorBytes`): new records are refused too. Queued records are never deleted to make room:
/// what is committed stays until it is delivered.
public struct DiskPressure: Sendable {
    /// How full the disk is.
    public enum Level: String, Sendable, Hashable, Codable, Comparable {
        /// Enough room.
        case normal
        /// Below the reserve: refuse optional data (photos).
        case reserve
        /// Below the floor: refuse new records too.
        case floor

        private var rank: Int { self == .normal ? 0 : self == .reserve ? 1 : 2 }
        /// Ordered normal < reserve < floor.
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    /// A directory on the file system to watch (the register's directory).
    public let path: String
    /// Free bytes to keep.
    public let reserveBytes: Int64
    /// Free bytes below which records are refused.
    public let floorBytes: Int64
    /// Free bytes available to the process (injectable for tests).
    let freeBytes: @Sendable (String) -> Int64?

    /// Watches `path` with the reserve and floor of `configuration`.
    public init(path: String, configuration: SyncConfiguration) {
        self.init(path: path, reserveBytes: configuration.diskReserveBytes, floorBytes: configuration.diskFloorBytes)
    }

    /// Watches `path`; `freeBytes` defaults to `statvfs` (`f_bavail · f_frsize`).
    public init(path: String, reserveBytes: Int64, floorBytes: Int64,
                freeBytes: @escaping @Sendable (String) -> Int64? = DiskPressure.statvfsFreeBytes) {
        self.path = path
        self.reserveBytes = reserveBytes
        self.floorBytes = floorBytes
        self.freeBytes = freeBytes
    }

    /// Free bytes available to unprivileged processes on `path`'s file system.
    public static func statvfsFreeBytes(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// The level now (``Level/normal`` when the free space cannot be read: refusing records because a
    /// measurement failed would lose more than it saves).
    public func level() -> Level {
        guard let free = freeBytes(path) else { return .normal }
        if free < floorBytes { return .floor }
        if free < reserveBytes { return .reserve }
        return .normal
    }

    /// Whether optional data (photos, fingerprints) may be stored now.
    public var acceptsOptionalData: Bool { level() == .normal }

    /// Throws ``SyncError/Code/diskReserve`` when optional data must be refused, ``SyncError/Code/diskFull``
    /// when records must be refused; `optional` says which kind of data is about to be written.
    public func check(optional: Bool) throws {
        let level = level()
        if level == .floor {
            throw SyncError(.diskFull, "磁盘剩余空间低于下限（\(floorBytes / (1 << 20)) MiB）：暂停新的登记，已排队的记录保留")
        }
        if optional, level == .reserve {
            throw SyncError(.diskReserve, "磁盘剩余空间低于保留值（\(reserveBytes / (1 << 20)) MiB）：不再保存照片等可选数据")
        }
    }

    /// Checks the level and raises or clears the `sync.diskReserve` / `sync.diskFull` alarms in `database`
    /// (and the `renfang_sync_disk_level` gauge). Returns the level.
    @discardableResult
    public func update(alarmsIn database: any DatabaseWriter, now: Date = Date()) throws -> Level {
        let level = level()
        let at = Int64(now.timeIntervalSince1970 * 1000)
        SyncMetrics.diskLevel(level)
        try database.write { db in
            switch level {
            case .normal:
                try Alarms.clear(db, at: at, destination: nil, code: "sync.diskReserve")
                try Alarms.clear(db, at: at, destination: nil, code: "sync.diskFull")
            case .reserve:
                try Alarms.raise(db, at: at, destination: nil, code: "sync.diskReserve",
                                 message: "磁盘剩余空间低于保留值：照片等可选数据暂停保存")
                try Alarms.clear(db, at: at, destination: nil, code: "sync.diskFull")
            case .floor:
                try Alarms.raise(db, at: at, destination: nil, code: "sync.diskReserve",
                                 message: "磁盘剩余空间低于保留值：照片等可选数据暂停保存")
                try Alarms.raise(db, at: at, destination: nil, code: "sync.diskFull",
                                 message: "磁盘剩余空间低于下限：新的登记暂停，已排队的记录保留")
            }
        }
        return level
    }
}
