import Dictionaries
import Foundation
import Hummingbird
import Registry

/// One entry of a code table.
struct DictionaryEntry: Encodable {
    var code: String
    var name: String
}

/// A code table for pick lists.
struct DictionaryView: Encodable {
    var id: String
    var title: String
    var source: String
    var entries: [DictionaryEntry]
}

extension WebAPI {
    /// Queries: history search of stays, the to-do list (reminders), data quality, and the code tables.
    static func addQueryRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.get("search/stays") { request, context -> Response in
            let actor = try context.requireActor()
            let search = StaySearch(
                arrivalFrom: try request.queryDate("arrivalFrom"), arrivalTo: try request.queryDate("arrivalTo"),
                idNumber: request.query("idNumber"), namePrefix: request.query("name"), pinyinPrefix: request.query("pinyin"),
                community: try request.queryUUID("community"), xiaoqu: try request.queryUUID("xiaoqu"),
                building: try request.queryUUID("building"), officer: request.query("officer"),
                activeOnly: try request.queryBool("activeOnly") ?? false,
                limit: try request.queryInt("limit", in: 1...StaySearch.maximumLimit) ?? 50,
                offset: try request.queryInt("offset", in: 0...10_000_000) ?? 0)
            return try APIJSON.response(try await register.searchStays(search, for: actor))
        }

        api.get("reminders") { request, context -> Response in
            let actor = try context.requireActor()
            var options = ReminderOptions()
            if let date = try request.queryDate("date") { options.today = date }
            if let limit = try request.queryInt("limit", in: 1...10_000) { options.limitPerKind = limit }
            return try APIJSON.response(try await register.reminders(for: actor, options: options))
        }

        api.get("data-quality") { request, context -> Response in
            let actor = try context.requireActor()
            var options = DataQualityOptions()
            if let limit = try request.queryInt("limit", in: 1...10_000) { options.limitPerKind = limit }
            return try APIJSON.response(try await register.dataQuality(for: actor, options: options))
        }

        api.get("dictionaries") { _, _ -> Response in
            try APIJSON.response(ServedCodeTables.all.map { DictionaryView(id: $0.id, title: $0.title, source: $0.source, entries: []) })
        }

        api.get("dictionaries/{table}") { request, context -> Response in
            guard let id = context.parameters.get("table"), let table = ServedCodeTables.table(id) else {
                throw APIError(.notFound, code: "dictionary.notFound", message: "代码表不存在", field: "table")
            }
            let limit = try request.queryInt("limit", in: 1...5_000) ?? 50
            let entries: [Dictionaries.CodeTable.Entry]
            if let q = request.query("q") {
                entries = table.search(String(q.prefix(50)), limit: limit)
            } else {
                entries = Array(table.entries.prefix(try request.queryInt("limit", in: 1...5_000) ?? table.entries.count))
            }
            return try APIJSON.response(DictionaryView(id: table.id, title: table.title, source: table.source,
                                                       entries: entries.map { DictionaryEntry(code: $0.code, name: $0.name) }))
        }
    }
}

/// The code tables GET /dictionaries serves: the Dictionaries module's, and the register's own local tables that
/// module does not carry (服兵役情况, 劳动合同签订情况, 参保情况, 服务事项类型, 巡查结果) — the register validates
/// those fields against them, so the pages must be able to pick from them.
enum ServedCodeTables {
    static let local: [Dictionaries.CodeTable] = [
        table("militaryService", "服兵役情况", .militaryService),
        table("labourContract", "劳动合同签订情况", .labourContract),
        table("insurance", "参保情况", .insurance),
        table("serviceMatterType", "服务事项类型", .serviceMatterType),
        table("inspectionResult", "巡查结果", .inspectionResult),
    ]

    static var all: [Dictionaries.CodeTable] { CodeTables.all + local }

    static func table(_ id: String) -> Dictionaries.CodeTable? {
        CodeTables.table(id) ?? local.first { $0.id == id }
    }

    private static func table(_ id: String, _ title: String, _ table: Registry.CodeTable) -> Dictionaries.CodeTable {
        Dictionaries.CodeTable(id: id, title: title, source: "renfang", BuiltInCodes.entries(of: table))
    }
}

extension RegisterDate {
    /// Today in Asia/Shanghai.
    static var today: RegisterDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return RegisterDate(year: c.year ?? 2000, month: c.month ?? 1, day: c.day ?? 1)!
    }
}
