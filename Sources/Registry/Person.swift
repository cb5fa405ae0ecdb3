import Foundation
import GRDB
import IDCard

/// 证件类型 of a person record.
public enum DocumentType: String, Sendable, Hashable, Codable {
    /// 1 居民身份证.
    case residentCard = "1"
    /// 2 港澳台居民居住证.
    case hkMacaoTaiwanPermit = "2"
    /// 3 外国人永久居留身份证 (2017).
    case foreignerCard2017 = "3"
    /// 4 外国人永久居留身份证 (2023).
    case foreignerCard2023 = "4"
    /// 9 其他 / 无证件.
    case other = "9"

    /// The card type whose number rules apply (IDCard validation), if any.
    var cardType: CardType? {
        switch self {
        case .residentCard: .resident
        case .hkMacaoTaiwanPermit: .hkMacaoTaiwan
        case .foreignerCard2017: .foreigner2017
        case .foreignerCard2023: .foreigner2023
        case .other: nil
        }
    }

    /// The document type of a card layout (`nil` for a physical-only read, which identifies no one).
    init?(_ cardType: CardType) {
        switch cardType {
        case .resident: self = .residentCard
        case .hkMacaoTaiwan: self = .hkMacaoTaiwanPermit
        case .foreigner2017: self = .foreignerCard2017
        case .foreigner2023: self = .foreignerCard2023
        case .physicalOnly: return nil
        }
    }
}

/// How a person record was last filled: 1 from a card read, 2 typed in.
public enum EntryMethod: Int, Sendable, Hashable, Codable {
    /// 1 读卡.
    case cardRead = 1
    /// 2 手工录入.
    case manual = 2
}

/// A person (one record per identity: the keyed hash of the normalised ID number is unique), with the
/// snapshot of their card. Sensitive fields are decrypted for callers in scope.
public struct Person: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// 证件类型.
    public var documentType: DocumentType
    /// 身份号码 (decrypted), and its masked form (`1101**********002X`).
    public var idNumber: String?, idNumberMasked: String?
    /// 姓名, its pinyin initials, 外文姓名.
    public var name: String, namePinyin: String?, englishName: String?
    /// 性别 (GB/T 2261.1) and 民族 (GB/T 3304) codes.
    public var sex: String, nation: String?
    /// 出生日期.
    public var birthDate: RegisterDate
    /// 户籍地 region (the ID number's first six digits by default).
    public var nativeRegion: String?
    /// 住址 on the card / 户籍地址.
    public var address: String?
    /// Card snapshot: issuer, validity (`YYYY-MM-DD` or 长期), 港澳台 pass number, issue count,
    /// nationality, physical card number, SAM and reader of the read.
    public var cardIssuer: String?, cardValidFrom: String?, cardValidTo: String?, passNumber: String?,
                cardIssueCount: String?, cardNationality: String?, cardNumber: String?, cardSamId: String?,
                cardReader: String?
    /// 追加住址.
    public var appendedAddresses: [String]
    /// WLT photo (1024 bytes) and fingerprint templates, decrypted.
    public var photoWlt: [UInt8]?, fingerprints: [[UInt8]]
    /// 联系方式 (decrypted).
    public var phone: String?
    /// Warnings about the card or ID number (never a rejection).
    public var warnings: [CardWarning]
    /// How the record was filled.
    public var entryMethod: EntryMethod
    /// A likely duplicate was confirmed as a different person when this record was created.
    public var duplicateConfirmed: Bool
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    init(row: Row, cipher: DataCipher) throws {
        uuid = row.uuid("uuid")
        documentType = DocumentType(rawValue: row["document_type"]) ?? .other
        idNumber = try cipher.text(row, "id_number_enc", .personIdNumber)
        idNumberMasked = row["id_number_masked"]
        name = row["name"]
        namePinyin = row["name_pinyin"]
        englishName = row["english_name"]
        sex = row["sex"]
        nation = row["nation"]
        birthDate = row.date("birth_date") ?? RegisterDate(year: 1900, month: 1, day: 1)!
        nativeRegion = row["native_region"]
        address = row["address"]
        cardIssuer = row["card_issuer"]
        cardValidFrom = row["card_valid_from"]
        cardValidTo = row["card_valid_to"]
        passNumber = try cipher.text(row, "pass_number_enc", .personPassNumber)
        cardIssueCount = row["card_issue_count"]
        cardNationality = row["card_nationality"]
        cardNumber = row["card_number"]
        cardSamId = row["card_sam_id"]
        cardReader = row["card_reader"]
        appendedAddresses = row.strings("appended_addresses")
        photoWlt = try cipher.bytes(row, "photo_enc", .personPhoto)
        fingerprints = Person.splitTemplates(try cipher.bytes(row, "fingerprints_enc", .personFingerprints))
        phone = try cipher.text(row, "phone_enc", .personPhone)
        warnings = row.strings("warnings").map(CardWarning.init(rawValue:))
        entryMethod = EntryMethod(rawValue: row["entry_method"]) ?? .manual
        duplicateConfirmed = row["duplicate_confirmed"] == 1
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    /// Templates stored as (2-byte big-endian length ‖ bytes)*.
    static func joinTemplates(_ templates: [[UInt8]]) -> [UInt8]? {
        guard !templates.isEmpty else { return nil }
        var out: [UInt8] = []
        for t in templates {
            out += [UInt8(t.count >> 8 & 0xFF), UInt8(t.count & 0xFF)] + t
        }
        return out
    }

    static func splitTemplates(_ bytes: [UInt8]?) -> [[UInt8]] {
        guard let bytes else { return [] }
        var out: [[UInt8]] = []
        var i = 0
        while i + 2 <= bytes.count {
            let n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            i += 2
            guard i + n <= bytes.count else { break }
            out.append(Array(bytes[i..<(i + n)]))
            i += n
        }
        return out
    }
}

/// A short, scope-safe view of a person (for findings and lists): no ID number in clear.
public struct PersonSummary: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// 姓名.
    public var name: String
    /// Masked ID number.
    public var idNumberMasked: String?
    /// 性别, 出生日期.
    public var sex: String, birthDate: RegisterDate

    init(row: Row) {
        uuid = row.uuid("uuid")
        name = row["name"]
        idNumberMasked = row["id_number_masked"]
        sex = row["sex"]
        birthDate = row.date("birth_date") ?? RegisterDate(year: 1900, month: 1, day: 1)!
    }
}
