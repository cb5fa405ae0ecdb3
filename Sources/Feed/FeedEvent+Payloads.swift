import Foundation

/// Data of a `card.read` event on the public feed: what an LED sign may show. Made from the holder's
/// name by ``init(name:kind:device:)``, which keeps only the surname: the feed never carries an ID
/// number, a full name, a photo or an address.
public struct PublicCardData: Codable, Sendable, Hashable {
    /// Surname followed by `*` (`张*`; `欧阳**` is not attempted: the first character only).
    public var name: String
    /// `resident`, `hkMacaoTaiwan`, `foreignerOld`, `foreignerNew`, or `unknown`.
    public var kind: String
    /// The reader's name.
    public var device: String

    /// Masks `name` (the first character kept, the rest one `*` each, at most 3 stars).
    public init(name: String, kind: String, device: String) {
        self.name = Self.mask(name)
        self.kind = kind
        self.device = device
    }

    /// `张伟` → `张*`, `欧阳娜娜` → `欧***`, an ASCII name `ZHANG WEI` → `Z***`.
    public static func mask(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, min(3, trimmed.count - 1)))
    }
}

/// Data of an `occupancy.changed` event: counts only (the public big screen draws it).
public struct OccupancyData: Codable, Sendable, Hashable {
    /// One 小区 or 楼栋.
    public struct Place: Codable, Sendable, Hashable {
        /// Its name.
        public var name: String
        /// People living there now.
        public var living: Int
        /// Arrivals today.
        public var arrivalsToday: Int
        /// Departures today.
        public var departuresToday: Int
        /// A 小区's 楼栋 with their counts (absent on a 楼栋, and from publishers that do not count them).
        public var buildings: [Place]?

        /// A place's counts.
        public init(name: String, living: Int, arrivalsToday: Int, departuresToday: Int, buildings: [Place]? = nil) {
            self.name = name
            self.living = living
            self.arrivalsToday = arrivalsToday
            self.departuresToday = departuresToday
            self.buildings = buildings
        }
    }

    /// Arrivals and departures of one day, over every 小区.
    public struct Day: Codable, Sendable, Hashable {
        /// The day, `YYYY-MM-DD` (Asia/Shanghai).
        public var date: String
        /// Stays that began that day.
        public var arrivals: Int
        /// Stays that ended that day.
        public var departures: Int

        /// A day's counts.
        public init(date: String, arrivals: Int, departures: Int) {
            self.date = date
            self.arrivals = arrivals
            self.departures = departures
        }
    }

    /// The 小区 with their counts.
    public var places: [Place]
    /// The last days, oldest first, today last (absent from publishers that do not count them).
    public var days: [Day]?
    /// Cards read on the box today (a count: nobody is named).
    public var cardReadsToday: Int?

    /// Counts of the places.
    public init(places: [Place], days: [Day]? = nil, cardReadsToday: Int? = nil) {
        self.places = places
        self.days = days
        self.cardReadsToday = cardReadsToday
    }
}

/// Data of a `banner.changed` event.
public struct BannerData: Codable, Sendable, Hashable {
    /// The welcome line (`欢迎来到安慧里社区`).
    public var welcome: String
    /// Today, Chinese style (`2025年6月15日 星期日`).
    public var date: String
    /// Public notices, newest first.
    public var notices: [String]

    /// A banner.
    public init(welcome: String, date: String, notices: [String]) {
        self.welcome = welcome
        self.date = date
        self.notices = notices
    }
}
