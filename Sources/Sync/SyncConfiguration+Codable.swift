import Foundation

// The configuration as written in renfang.yaml (`sync:`): snake_case keys, every key but the required
// ones optional with the default documented in README ("The sync queue").

extension SyncConfiguration {
    enum CodingKeys: String, CodingKey {
        case applianceId = "appliance_id", destinations, priorityKinds = "priority_kinds"
        case diskReserveBytes = "disk_reserve_bytes", diskFloorBytes = "disk_floor_bytes", signingKeyFile = "signing_key"
        case outboxRetentionDays = "outbox_retention_days"
    }

    /// Decodes `sync:`; missing optional keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SyncConfiguration(applianceId: "", destinations: [])
        self.init(
            applianceId: try c.decode(String.self, forKey: .applianceId),
            destinations: try c.decodeIfPresent([DestinationConfiguration].self, forKey: .destinations) ?? [],
            priorityKinds: try c.decodeIfPresent(Set<String>.self, forKey: .priorityKinds) ?? defaults.priorityKinds,
            diskReserveBytes: try c.decodeIfPresent(Int64.self, forKey: .diskReserveBytes) ?? defaults.diskReserveBytes,
            diskFloorBytes: try c.decodeIfPresent(Int64.self, forKey: .diskFloorBytes) ?? defaults.diskFloorBytes,
            signingKeyFile: try c.decodeIfPresent(String.self, forKey: .signingKeyFile),
            outboxRetentionDays: try c.decodeIfPresent(Int.self, forKey: .outboxRetentionDays) ?? defaults.outboxRetentionDays)
    }
}

extension DestinationConfiguration {
    enum CodingKeys: String, CodingKey {
        case name, url, kinds, batchSize = "batch_size", inFlight = "in_flight", tls, proxy, connectTimeout = "connect_timeout"
        case requestTimeout = "request_timeout", bearerToken = "bearer_token", retry, idlePollInterval = "idle_poll_interval"
        case inboxInterval = "inbox_interval", reconcileInterval = "reconcile_interval", linger
    }

    /// Decodes one destination; `name` and `url` are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name), url = try c.decode(String.self, forKey: .url)
        let d = DestinationConfiguration(name: name, url: url)
        self.init(
            name: name, url: url,
            kinds: try c.decodeIfPresent([String].self, forKey: .kinds) ?? d.kinds,
            batchSize: try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize,
            inFlight: try c.decodeIfPresent(Int.self, forKey: .inFlight) ?? d.inFlight,
            tls: try c.decodeIfPresent(TLSConfiguration.self, forKey: .tls) ?? d.tls,
            proxy: try c.decodeIfPresent(String.self, forKey: .proxy),
            connectTimeout: try c.decodeIfPresent(Double.self, forKey: .connectTimeout) ?? d.connectTimeout,
            requestTimeout: try c.decodeIfPresent(Double.self, forKey: .requestTimeout) ?? d.requestTimeout,
            bearerToken: try c.decodeIfPresent(String.self, forKey: .bearerToken),
            retry: try c.decodeIfPresent(RetryPolicy.self, forKey: .retry) ?? d.retry,
            idlePollInterval: try c.decodeIfPresent(Double.self, forKey: .idlePollInterval) ?? d.idlePollInterval,
            inboxInterval: try c.decodeIfPresent(Double.self, forKey: .inboxInterval) ?? d.inboxInterval,
            reconcileInterval: try c.decodeIfPresent(Double.self, forKey: .reconcileInterval) ?? d.reconcileInterval,
            linger: try c.decodeIfPresent(Double.self, forKey: .linger) ?? d.linger)
    }
}

extension TLSConfiguration {
    enum CodingKeys: String, CodingKey {
        case caFile = "ca_file", clientCertificate = "client_certificate", clientKey = "client_key"
        case pinnedPublicKey = "pinned_public_key"
    }
}

extension RetryPolicy {
    enum CodingKeys: String, CodingKey {
        case initialDelay = "initial_delay", maximumDelay = "maximum_delay", multiplier, jitter
        case maximumRetryAfter = "maximum_retry_after"
    }

    /// Decodes `retry:`; missing keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RetryPolicy()
        self.init(
            initialDelay: try c.decodeIfPresent(Double.self, forKey: .initialDelay) ?? d.initialDelay,
            maximumDelay: try c.decodeIfPresent(Double.self, forKey: .maximumDelay) ?? d.maximumDelay,
            multiplier: try c.decodeIfPresent(Double.self, forKey: .multiplier) ?? d.multiplier,
            jitter: try c.decodeIfPresent(Double.self, forKey: .jitter) ?? d.jitter,
            maximumRetryAfter: try c.decodeIfPresent(Double.self, forKey: .maximumRetryAfter) ?? d.maximumRetryAfter)
    }
}
