import Foundation
import GRDB

extension RegisterStore {
    /// The data-quality report (数据质量检查) of the actor's scope: every ``DataQualityKind`` check, at
    /// most `limitPerKind` findings per kind listed, counts complete. Findings about a group (duplicates,
    /// 一证多住) count every member, also those outside the scope, in their message, but list only the
    /// members in scope.
    ///
    /// Police and desk get every check; admin gets the checks of houses and 小区 only (no personal data);
    /// kiosks, security officers and auditors are refused.
    public func dataQuality(for actor: Actor, options qualityOptions: DataQualityOptions = DataQualityOptions()) async throws -> DataQualityReport {
        switch actor.role {
        case .admin, .police, .desk: break
        default: throw RegistryError.denied("查看数据质量报告")
        }
        let today = qualityOptions.today ?? self.today
        let people = actor.can(.readPeople)
        let kinds = qualityOptions.kinds.filter { people || !$0.aboutPeople }
        let limit = max(0, qualityOptions.limitPerKind)
        let codes = options.codes
        return try await read(actor) { db, scope in
            let checks = DataQualityChecks(db: db, scope: scope, today: today, codes: codes, people: people)
            var findings: [DataQualityFinding] = []
            var counts: [DataQualityKind: Int] = [:]
            for kind in DataQualityKind.allCases where kinds.contains(kind) {
                let selects = try checks.selects(kind)
                guard var union = selects.first else { counts[kind] = 0; continue }
                for select in selects.dropFirst() { union = union + SQL(sql: " UNION ALL ") + select }
                var count = 0
                findings += try QueryRows.limited(db, union, order: "record_kind, record_id, field", limit: limit, count: &count) {
                    DataQualityFinding(kind: kind, row: $0, codes: codes)
                }
                counts[kind] = count
            }
            return DataQualityReport(today: today, findings: findings, counts: counts)
        }
    }
}

extension DataQualityFinding {
    init(kind: DataQualityKind, row: Row, codes: any CodeValidator) {
        let field = (row["field"] as String?).flatMap(Field.init(rawValue:))
        let record = RecordKind(rawValue: row["record_kind"]) ?? .person
        self.init(kind: kind, record: record, recordUuid: row.uuid("record_uuid"), field: field?.rawValue,
                  fieldLabel: field?.label, message: "", personName: row["person_name"],
                  idNumberMasked: row["id_number_masked"], xiaoquName: row["xiaoqu_name"])
        message = Self.message(kind, record: record, field: field, detail: row["detail"] as DatabaseValue)
    }

    /// The Chinese message of a finding, naming the field.
    static func message(_ kind: DataQualityKind, record: RecordKind, field: Field?, detail: DatabaseValue) -> String {
        let label = field.map { "\"\($0.label)\"" } ?? ""
        let text = String.fromDatabaseValue(detail) ?? Int.fromDatabaseValue(detail).map(String.init) ?? ""
        let what: String = switch record {
        case .person: "人员"
        case .stay: "居住登记"
        case .house: "房屋"
        case .xiaoqu: "小区"
        case .declaration: "居住登记申报"
        default: "记录"
        }
        switch kind {
        case .missingField: return "\(what)\(label)未填写" + (record == .house && !text.isEmpty ? "（\(text)）" : "")
        case .invalidCode: return "\(what)\(label)代码\"\(text)\"不在代码表中"
        case .duplicatePerson: return "共有 \(text) 条同名且出生日期相同的人员记录，可能重复登记"
        case .multipleActiveStays: return "该人员同时在 \(text) 处房屋登记在住（一证多住）"
        case .birthAfterArrival: return "\"到达本地日期\"早于出生日期（\(text)）"
        case .departureBeforeArrival: return "\"离开日期\"早于\"到达本地日期\"（\(text)）"
        case .minorHouseholder: return "\"与户主关系\"为户主，但该人员未满18周岁（出生日期 \(text)）"
        case .minorRelation: return "\"与户主关系\"为\(text == "10" ? "配偶" : "父母")，但该人员到达时未满18周岁"
        case .futureDate: return "\(label)晚于今天（\(text)）"
        case .stayInCancelledHouse: return "房屋已于 \(text) 注销，仍有人员登记在住"
        case .idNumberWarning: return "\"身份号码\"或证件有告警：\(text)"
        }
    }
}
