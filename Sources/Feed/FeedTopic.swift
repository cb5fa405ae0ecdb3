/// The topics of the feed. Each topic belongs to one ``FeedAudience``: the public socket (LED and
/// big-screen controllers) only ever carries public topics; alerts travel only on the alert socket.
public enum FeedTopic: String, Sendable, Hashable, Codable, CaseIterable {
    /// Occupancy counts per 小区 / 楼栋 (no personal data).
    case occupancy
    /// The banner text: welcome line, date, public notices.
    case banner
    /// A card was read: masked holder (surname + `*`), card kind, device. Never an ID number.
    case card
    /// Reader state: connected, disconnected, fault (device names only).
    case reader
    /// Watchlist alerts (预警). Restricted: alert socket and police sessions only.
    case alert

    /// Who may receive this topic.
    public var audience: FeedAudience {
        switch self {
        case .occupancy, .banner, .card, .reader: .public
        case .alert: .restricted
        }
    }

    /// A new subscriber is sent the last event of a retained topic at once (an LED sign that connects
    /// shows the current banner and occupancy without waiting for the next change).
    public var isRetained: Bool {
        switch self {
        case .occupancy, .banner, .reader: true
        case .card, .alert: false
        }
    }
}

/// Who may receive a topic.
public enum FeedAudience: String, Sendable, Hashable, Codable {
    /// Anyone on the box who can open the public socket.
    case `public`
    /// Only the alert socket (its own group) and authenticated police sessions.
    case restricted

    /// Whether a consumer of this audience may receive `topic`: the restricted audience receives
    /// everything, the public audience only public topics.
    public func mayReceive(_ topic: FeedTopic) -> Bool {
        self == .restricted || topic.audience == .public
    }
}
