import Foundation
import Registry

/// The configuration of the sync part (`sync:` in renfang.yaml; every key with its default in README).
public struct SyncConfiguration: Sendable, Hashable, Codable {
    /// This appliance's id as the upstream servers know it (`sync.appliance_id`).
    public var applianceId: String
    /// The destinations, each fully independent (`sync.destinations`).
    public var destinations: [DestinationConfiguration]
    /// Record kinds that jump the queue at every destination (`sync.priority_kinds`, default `[alert]`).
    public var priorityKinds: Set<String>
    /// Free bytes to keep on the data file system (`sync.disk_reserve_bytes`, default 512 MiB): below it
    /// optional data (photos) is refused and an alarm raised.
    public var diskReserveBytes: Int64
    /// Free bytes below which new records are refused too (`sync.disk_floor_bytes`, default 64 MiB).
    /// Queued records are never deleted to make room.
    public var diskFloorBytes: Int64
    /// The appliance's Ed25519 batch-signing key file (`sync.signing_key`), or nil to send unsigned
    /// batches (only servers that do not require signatures take them).
    public var signingKeyFile: String?
    /// Days a record stays in the outbox after every destination acknowledged it
    /// (`sync.outbox_retention_days`, default 30): older acknowledged rows and their snapshots are pruned
    /// (``Outbox/prune(acknowledgedBefore:batchSize:)``, run hourly by ``OutboxPruneService``).
    /// Unacknowledged and quarantined rows are never pruned.
    public var outboxRetentionDays: Int

    /// A configuration.
    public init(
        applianceId: String, destinations: [DestinationConfiguration], priorityKinds: Set<String> = ["alert"],
        diskReserveBytes: Int64 = 512 << 20, diskFloorBytes: Int64 = 64 << 20, signingKeyFile: String? = nil,
        outboxRetentionDays: Int = 30
    ) {
        self.signingKeyFile = signingKeyFile
        self.outboxRetentionDays = outboxRetentionDays
        self.applianceId = applianceId
        self.destinations = destinations
        self.priorityKinds = priorityKinds
        self.diskReserveBytes = diskReserveBytes
        self.diskFloorBytes = diskFloorBytes
    }

    /// Checks the configuration; the error names the key.
    public func validate() throws {
        guard !applianceId.isEmpty else { throw SyncError(.badConfiguration, "sync.appliance_id 不能为空") }
        var names: Set<String> = []
        for (index, destination) in destinations.enumerated() {
            let key = "sync.destinations[\(index)]"
            guard !destination.name.isEmpty, destination.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else { throw SyncError(.badConfiguration, "\(key).name 只能由字母、数字、- 和 _ 组成") }
            guard names.insert(destination.name).inserted else {
                throw SyncError(.badConfiguration, "\(key).name 重复：\(destination.name)")
            }
            guard let url = URL(string: destination.url), ["http", "https"].contains(url.scheme ?? "") else {
                throw SyncError(.badConfiguration, "\(key).url 不是 http(s) 地址：\(destination.url)")
            }
            guard (1...10_000).contains(destination.batchSize) else {
                throw SyncError(.badConfiguration, "\(key).batch_size 应在 1 到 10000 之间")
            }
            guard (1...4).contains(destination.inFlight) else {
                throw SyncError(.badConfiguration, "\(key).in_flight 应在 1 到 4 之间")
            }
            guard destination.connectTimeout > 0, destination.requestTimeout > 0 else {
                throw SyncError(.badConfiguration, "\(key).connect_timeout / request_timeout 必须大于 0")
            }
            try destination.retry.validate(key: key + ".retry")
        }
        guard outboxRetentionDays >= 1 else {
            throw SyncError(.badConfiguration, "sync.outbox_retention_days 至少为 1")
        }
        guard diskFloorBytes >= 0, diskReserveBytes >= diskFloorBytes else {
            throw SyncError(.badConfiguration, "sync.disk_reserve_bytes 不能小于 sync.disk_floor_bytes")
        }
    }

    /// The routing of record kinds to destinations.
    public var routing: SyncRouting { SyncRouting(self) }
}

/// One upstream server (分局, 省厅): where it is, what it gets, how to talk to it.
public struct DestinationConfiguration: Sendable, Hashable, Codable {
    /// The name used in the outbox, metrics and commands (`bureau`, `province`).
    public var name: String
    /// The base URL of the server; the protocol's paths (`v1/batches`, …) are relative to it.
    public var url: String
    /// The record kinds (``RecordKind`` raw values, e.g. `person`, `stay`, `alert`) this destination
    /// gets; `["*"]` (the default) is every kind.
    public var kinds: [String]
    /// Records per batch (default 200).
    public var batchSize: Int
    /// Batches in flight at once (default 2, at most 4): the next batch is sent while the server is still
    /// storing the one before; each has its own libcurl handle. 1 sends strictly one after the other.
    public var inFlight: Int
    /// TLS: CA file, client certificate and key, optional pinned public key.
    public var tls: TLSConfiguration
    /// A proxy URL (`http://proxy:3128`, `socks5h://…`), or nil for none.
    public var proxy: String?
    /// Seconds to wait for the connection (default 10).
    public var connectTimeout: Double
    /// Seconds for a whole request (default 60).
    public var requestTimeout: Double
    /// An optional bearer token sent in `Authorization`.
    public var bearerToken: String?
    /// The retry schedule for transient failures.
    public var retry: RetryPolicy
    /// Seconds between looks at an empty queue (commits also wake the uplink; default 5).
    public var idlePollInterval: Double
    /// Seconds the uplink waits after a commit woke it, or after it emptied the queue, before it reads the
    /// next batch (default 0.02): the records committed meanwhile go in the same batch, and the uplink's
    /// work (and the server's, on the same box in a demo) stays out of the way of the commit's own
    /// consequences — the alert on the feed, the next registration. 0 sends at once.
    public var linger: Double
    /// Seconds between inbox pulls (default 60; 0 disables the inbox).
    public var inboxInterval: Double
    /// Seconds between reconciliations (default 3600; 0 disables them).
    public var reconcileInterval: Double

    /// A destination.
    public init(
        name: String, url: String, kinds: [String] = ["*"], batchSize: Int = 200, inFlight: Int = 2, tls: TLSConfiguration = TLSConfiguration(),
        proxy: String? = nil, connectTimeout: Double = 10, requestTimeout: Double = 60, bearerToken: String? = nil,
        retry: RetryPolicy = RetryPolicy(), idlePollInterval: Double = 5, inboxInterval: Double = 60,
        reconcileInterval: Double = 3600, linger: Double = 0.02
    ) {
        self.name = name
        self.url = url
        self.kinds = kinds
        self.batchSize = batchSize
        self.inFlight = inFlight
        self.tls = tls
        self.proxy = proxy
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.bearerToken = bearerToken
        self.retry = retry
        self.idlePollInterval = idlePollInterval
        self.inboxInterval = inboxInterval
        self.reconcileInterval = reconcileInterval
        self.linger = linger
    }
}

/// TLS settings of a destination (all paths are PEM files).
public struct TLSConfiguration: Sendable, Hashable, Codable {
    /// CA certificates the server's certificate must chain to (nil: the system's).
    public var caFile: String?
    /// The appliance's client certificate (mutual TLS).
    public var clientCertificate: String?
    /// The client certificate's private key.
    public var clientKey: String?
    /// `sha256//<base64>` of the server's public key (CURLOPT_PINNEDPUBLICKEY), several separated by `;`.
    public var pinnedPublicKey: String?

    /// TLS settings.
    public init(caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil, pinnedPublicKey: String? = nil) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.pinnedPublicKey = pinnedPublicKey
    }
}

/// Which destinations get which record kinds, and which kinds jump the queue.
public struct SyncRouting: Sendable {
    /// Each destination with the kinds it gets (nil: every kind), in configuration order.
    private let explicit: [(name: String, kinds: Set<String>?)]
    private let priorityKinds: Set<String>

    private init(explicit: [(name: String, kinds: Set<String>?)], priorityKinds: Set<String>) {
        self.explicit = explicit
        self.priorityKinds = priorityKinds
    }

    /// This routing with only the destinations named in `names` (the backfill of new destinations).
    func restricted(to names: Set<String>) -> SyncRouting {
        SyncRouting(explicit: explicit.filter { names.contains($0.name) }, priorityKinds: priorityKinds)
    }

    /// The routing of a configuration.
    public init(_ configuration: SyncConfiguration) {
        self.init(Stored(configuration))
    }

    init(_ stored: Stored) {
        explicit = stored.destinations.map { d in (d.name, d.kinds.contains("*") ? nil : Set(d.kinds)) }
        priorityKinds = Set(stored.priorityKinds)
    }

    /// The routing as the `sync_routing` table keeps it (JSON).
    struct Stored: Codable, Hashable {
        struct Destination: Codable, Hashable {
            var name: String
            var kinds: [String]
        }

        var destinations: [Destination]
        var priorityKinds: [String]

        init(_ configuration: SyncConfiguration) {
            destinations = configuration.destinations.map { Destination(name: $0.name, kinds: $0.kinds) }
            priorityKinds = configuration.priorityKinds.sorted()
        }

        enum CodingKeys: String, CodingKey {
            case destinations
            case priorityKinds = "priority_kinds"
        }
    }

    /// The destinations that get records of `kind` (a ``RecordKind`` raw value), in configuration order.
    public func destinations(for kind: String) -> [String] {
        explicit.compactMap { d in (d.kinds?.contains(kind) ?? true) ? d.name : nil }
    }

    /// The destinations of a record: its addressee alone when it has one (a case feedback goes to the
    /// server the case came from, whatever kinds that destination is configured for; nowhere when that
    /// destination is no longer configured), else ``destinations(for:)``.
    public func destinations(for kind: String, addressee: String?) -> [String] {
        guard let addressee else { return destinations(for: kind) }
        return explicit.contains { $0.name == addressee } ? [addressee] : []
    }

    /// The queue priority of `kind`: 1 for priority kinds (alerts), 0 otherwise.
    public func priority(of kind: String) -> Int {
        priorityKinds.contains(kind) ? 1 : 0
    }
}
