/// One message from the destination to the appliance.
public struct InboxMessage: Codable, Sendable, Hashable {
    /// Position in the appliance's inbox: strictly increasing, never reused.
    public var cursor: Int64
    /// Lower-case UUID of the message.
    public var id: String
    /// What the body is.
    public var kind: Kind
    /// When the server queued it (wire timestamp).
    public var createdAt: String
    /// The message: a JSON object whose form depends on `kind` (``NoticeBody``, ``WatchlistBundleBody``,
    /// ``VerificationCaseBody``; other kinds are kept whole).
    public var body: JSONValue

    /// A message as given.
    public init(cursor: Int64, id: String, kind: Kind, createdAt: String, body: JSONValue) {
        self.cursor = cursor
        self.id = id
        self.kind = kind
        self.createdAt = createdAt
        self.body = body
    }

    /// The kind of a message. Kept as text so that a kind this version does not know still decodes (an
    /// appliance stores it and acknowledges it like any other).
    public struct Kind: RawRepresentable, Codable, Sendable, Hashable {
        /// The wire text.
        public var rawValue: String
        /// A kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A sealed watchlist bundle (``WatchlistBundleBody``).
        public static let watchlistBundle = Kind(rawValue: "watchlist.bundle")
        /// A notice for the operators (``NoticeBody``).
        public static let notice = Kind(rawValue: "notice")
        /// A 协查/核查 verification case (``VerificationCaseBody``).
        public static let verificationCase = Kind(rawValue: "verification.case")

        /// Decodes the bare string.
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        /// Encodes the bare string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }
}

/// The answer to `GET /v1/inbox`.
public struct InboxPage: Codable, Sendable, Hashable {
    /// Messages with a cursor above `after`, ascending, at most `limit`.
    public var messages: [InboxMessage]
    /// The cursor to pass as `after` next time: the last message's, or `after` itself if there is none.
    public var next: Int64
    /// Whether more messages follow `next` now.
    public var more: Bool

    /// A page as given.
    public init(messages: [InboxMessage], next: Int64, more: Bool) {
        self.messages = messages
        self.next = next
        self.more = more
    }
}

/// The body of `POST /v1/inbox/ack`: every message up to and including `upTo` is stored at the appliance.
public struct InboxAck: Codable, Sendable, Hashable {
    /// The appliance.
    public var applianceId: String
    /// The highest cursor stored.
    public var upTo: Int64

    /// An acknowledgement.
    public init(applianceId: String, upTo: Int64) {
        self.applianceId = applianceId
        self.upTo = upTo
    }
}

/// The answer to an acknowledgement.
public struct InboxAckResponse: Codable, Sendable, Hashable {
    /// The appliance's acknowledged cursor now (never goes back: an older `upTo` leaves it as it was).
    public var acknowledged: Int64
    /// An answer.
    public init(acknowledged: Int64) { self.acknowledged = acknowledged }
}

/// The body of a `notice` message.
public struct NoticeBody: Codable, Sendable, Hashable {
    /// Short title.
    public var title: String
    /// The text.
    public var text: String
    /// `info`, `warning` or `urgent`.
    public var level: String
    /// Whether the notice is for the public too (the banner of the big screen); absent means `false`.
    public var isPublic: Bool?

    /// A notice.
    public init(title: String, text: String, level: String = "info", isPublic: Bool? = nil) {
        self.title = title
        self.text = text
        self.level = level
        self.isPublic = isPublic
    }

    enum CodingKeys: String, CodingKey {
        case title, text, level
        case isPublic = "public"
    }
}

/// The body of a `verification.case` message (协查/核查, protocol-docs/sync-protocol.md §7.1): the person to
/// verify, the address asked about, the items, the deadline and the requesting unit.
public struct VerificationCaseBody: Codable, Sendable, Hashable {
    /// The requesting side's case number, unique per server.
    public var caseId: String
    /// `协查` or `核查`.
    public var type: String
    /// The person.
    public var person: Person
    /// The address asked about.
    public var address: String
    /// The items to verify.
    public var items: [String]
    /// Due date, `YYYY-MM-DD` (end of that day, Asia/Shanghai).
    public var deadline: String
    /// The requesting unit.
    public var unit: String
    /// A note.
    public var note: String?

    /// The person fields of a case.
    public struct Person: Codable, Sendable, Hashable {
        /// ID number, if known.
        public var idNumber: String?
        /// Name.
        public var name: String
        /// Sex code (GB/T 2261.1).
        public var sex: String
        /// Birth date, `YYYY-MM-DD`.
        public var birthDate: String

        /// Person fields.
        public init(idNumber: String?, name: String, sex: String, birthDate: String) {
            self.idNumber = idNumber
            self.name = name
            self.sex = sex
            self.birthDate = birthDate
        }
    }

    /// A case body.
    public init(caseId: String, type: String, person: Person, address: String, items: [String], deadline: String, unit: String,
                note: String? = nil) {
        self.caseId = caseId
        self.type = type
        self.person = person
        self.address = address
        self.items = items
        self.deadline = deadline
        self.unit = unit
        self.note = note
    }
}

/// The body of a `watchlist.bundle` message: a sealed bundle (its inner format is the watchlist's).
public struct WatchlistBundleBody: Codable, Sendable, Hashable {
    /// Identifier of the bundle.
    public var bundleId: String
    /// Version; a higher one replaces a lower one.
    public var version: Int64
    /// The sealed bundle, standard base64.
    public var data: String
    /// Lower-case hex SHA-256 of the decoded `data`.
    public var sha256: String

    /// A bundle body.
    public init(bundleId: String, version: Int64, data: String, sha256: String) {
        self.bundleId = bundleId
        self.version = version
        self.data = data
        self.sha256 = sha256
    }
}
