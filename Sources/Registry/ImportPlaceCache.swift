import Foundation

/// The names of the place a row refers to (社区 optional, 小区 and 房号 required).
struct PlaceNames: Hashable, Sendable {
    var community: String?
    var xiaoqu: String
    var building: String?
    var unit: String?
    var room: String

    /// The key of the house within the file (duplicates inside one file).
    var houseKey: String {
        [community ?? "", xiaoqu, building ?? "", unit ?? "", room].joined(separator: "\u{1}")
    }
}

/// What is needed to create a missing 社区 or 小区 (`createPlaces`): optional columns.
struct PlaceCreationInfo: Sendable {
    var regionCode: String?
    var streetOffice: String?
    var xiaoquAddress: String?
}

/// A 小区 found or created.
struct XiaoquRef: Sendable {
    var id: Int64, uuid: UUID, name: String, address: String
}

/// A 楼栋 or 单元 found or created.
struct PlaceRef: Sendable {
    var id: Int64, uuid: UUID, name: String
}

/// A house found or created.
struct HouseRef: Sendable {
    var id: Int64, uuid: UUID, xiaoquId: Int64, status: Int, address: String
}

/// Places already resolved during one import, so each is looked up once. Entries added by a row are
/// forgotten when that row is rolled back (``rollbackRow()``).
struct PlaceCache: Sendable {
    private(set) var xiaoqus: [String: XiaoquRef] = [:]
    private(set) var buildings: [String: PlaceRef] = [:]
    private(set) var units: [String: PlaceRef] = [:]
    private(set) var houses: [String: HouseRef] = [:]
    private var added: [(Int, String)] = []
    private(set) var createdInRow = 0
    /// Places created by committed rows.
    private(set) var created = 0

    static func xiaoquKey(_ community: String?, _ name: String) -> String { (community ?? "") + "\u{1}" + name }
    static func childKey(_ parent: Int64, _ name: String) -> String { "\(parent)\u{1}" + name }
    static func houseKey(_ xiaoqu: Int64, _ building: Int64?, _ unit: Int64?, _ room: String) -> String {
        "\(xiaoqu)\u{1}\(building ?? 0)\u{1}\(unit ?? 0)\u{1}" + room
    }

    mutating func put(xiaoqu: XiaoquRef, key: String, created: Bool = false) {
        xiaoqus[key] = xiaoqu
        note(0, key, created)
    }

    mutating func put(building: PlaceRef, key: String, created: Bool = false) {
        buildings[key] = building
        note(1, key, created)
    }

    mutating func put(unit: PlaceRef, key: String, created: Bool = false) {
        units[key] = unit
        note(2, key, created)
    }

    mutating func put(house: HouseRef, key: String, created: Bool = false) {
        houses[key] = house
        note(3, key, created)
    }

    /// A 社区 created (not cached: 社区 are only looked up to create a 小区).
    mutating func noteCommunityCreated() {
        createdInRow += 1
    }

    private mutating func note(_ table: Int, _ key: String, _ created: Bool) {
        added.append((table, key))
        if created { createdInRow += 1 }
    }

    /// The row was written: keep what it added.
    mutating func commitRow() {
        added.removeAll(keepingCapacity: true)
        created += createdInRow
        createdInRow = 0
    }

    /// The row was rolled back: forget what it added.
    mutating func rollbackRow() {
        for (table, key) in added {
            switch table {
            case 0: xiaoqus[key] = nil
            case 1: buildings[key] = nil
            case 2: units[key] = nil
            default: houses[key] = nil
            }
        }
        added.removeAll(keepingCapacity: true)
        createdInRow = 0
    }
}
