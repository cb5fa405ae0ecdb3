import Foundation
import GRDB
import IDCard

/// A validated person, from a card read or a typed draft, ready to be written.
struct PersonInput: Sendable {
    var documentType: DocumentType
    var idNumber: String?
    var name: String
    var englishName: String?
    var sex: String
    var nation: String?
    var birthDate: RegisterDate
    var address: String?
    var nativeRegion: String?
    var phone: String?
    var card: CardSnapshot?
    var warnings: [CardWarning]
    var entryMethod: EntryMethod

    /// What a card read adds.
    struct CardSnapshot: Sendable, Equatable {
        var issuer: String?, validFrom: String?, validTo: String?, passNumber: String?, issueCount: String?,
            nationality: String?, cardNumber: String?, samId: String?, reader: String?
        var appendedAddresses: [String]
        var photo: [UInt8]?
        var fingerprints: [[UInt8]]
    }

    /// The default 户籍地 region: the ID number's first six digits when they are a known region.
    static func region(of idNumber: String?) -> String? {
        guard let idNumber, idNumber.utf8.count >= 6 else { return nil }
        let prefix = String(idNumber.prefix(6))
        return Regions.name(forCode: prefix) == nil ? nil : prefix
    }
}

extension RegisterStore {
    /// Validates a card read as the input of "register from a card". Card values are taken as read
    /// (an unknown sex code becomes 0 未知的性别, an unknown nation code is dropped; the card's warnings
    /// say so); only what the register cannot do without is refused.
    func personInput(card: CardRead, phone: String?, check: inout Checker) -> PersonInput? {
        let text = card.text
        guard let documentType = DocumentType(text.cardType) else {
            check.add(FieldError(code: "card.noIdentity", field: .card, message: "\"证件\"只有物理卡号，不能用于登记（需要读取身份信息的读卡器）"))
            return nil
        }
        let idNumber = text.idNumber.map(IDNumber.normalize).flatMap { $0.isEmpty ? nil : $0 }
        if idNumber == nil { check.add(.required(.idNumber)) }
        let name = check.required(text.name ?? text.englishName, .name, max: 100)
        let birth = RegisterDate(text.birthDate) ?? idNumber.flatMap { RegisterDate(IDNumber.birthDate(of: $0)) }
        if birth == nil { check.add(.required(.birthDate)) }
        let phone = checkPhone(&check, phone, .phone)
        guard let idNumber, let name, let birth else { return nil }
        let sex = text.sex.flatMap { Sex.name(forCode: $0) == nil ? nil : $0 } ?? "0"
        let nation = text.nation.flatMap { Nation.name(forCode: $0) == nil ? nil : $0 }
        let snapshot = PersonInput.CardSnapshot(
            issuer: text.issuer, validFrom: text.validFrom?.jsonValue, validTo: text.validTo?.jsonValue,
            passNumber: text.passNumber, issueCount: text.issueCount, nationality: text.nationality,
            cardNumber: card.cardNumber, samId: card.samId, reader: card.reader,
            appendedAddresses: card.appendedAddresses, photo: card.photoWlt, fingerprints: card.fingerprints)
        return PersonInput(
            documentType: documentType, idNumber: idNumber, name: name, englishName: text.englishName, sex: sex,
            nation: nation, birthDate: birth, address: card.appendedAddresses.last ?? text.address,
            nativeRegion: PersonInput.region(of: idNumber), phone: phone, card: snapshot, warnings: card.warnings,
            entryMethod: .cardRead)
    }

    /// Validates a typed person. ID-number problems are warnings; a document type other than 9 其他
    /// needs an ID number; the birth date defaults to the one inside the ID number.
    func personInput(draft: PersonDraft, check: inout Checker, requireIdNumber: Bool = false) -> PersonInput? {
        let idNumber = draft.idNumber.map(IDNumber.normalize).flatMap { $0.isEmpty ? nil : $0 }
        if idNumber == nil, draft.documentType != .other || requireIdNumber {
            check.add(.required(.idNumber, path: check.path))
        }
        if let idNumber, idNumber.count > 40 { check.add(.tooLong(.idNumber, max: 40, path: check.path)) }
        let name = check.required(draft.name, .name, max: 100)
        let englishName = check.optional(draft.englishName, .englishName, max: 100)
        let sex = check.code(draft.sex, .sex, .sex, required: true)
        let nation = check.code(draft.nation, .nation, .nation, required: false)
        let fromNumber = idNumber.flatMap { RegisterDate(IDNumber.birthDate(of: $0)) }
        let birth = check.date(draft.birthDate ?? fromNumber, .birthDate, required: true)
        let nativeRegion = draft.nativeRegion == nil ? PersonInput.region(of: idNumber)
            : checkRegion(&check, draft.nativeRegion, .nativeRegion, required: false)
        let address = check.optional(draft.address, .address, max: 200)
        let phone = checkPhone(&check, draft.phone, .phone)
        var warnings: [CardWarning] = []
        if let idNumber, let type = draft.documentType.cardType {
            warnings = IDNumber.validate(idNumber, cardType: type)
            if let fromNumber, let given = draft.birthDate, fromNumber != given {
                warnings.append(.idNumberBirthDateMismatch)
            }
        }
        guard let name, let sex, let birth else { return nil }
        return PersonInput(
            documentType: draft.documentType, idNumber: idNumber, name: name, englishName: englishName, sex: sex,
            nation: nation, birthDate: birth, address: address, nativeRegion: nativeRegion, phone: phone,
            card: nil, warnings: warnings, entryMethod: .manual)
    }
}
