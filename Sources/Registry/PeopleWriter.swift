import Foundation
import GRDB
import IDCard

/// Writing person records: insert, refresh from a card, find by identity.
extension RegisterStore {
    /// The person with this ID number (any scope: identity is global), or `nil`.
    func personId(_ db: Database, idNumber: String?) throws -> Int64? {
        guard let idNumber else { return nil }
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM person WHERE id_number_hash = ?"),
                                  arguments: [cipher.hash(idNumber: idNumber)])
    }

    /// Columns of a person from validated input.
    func personColumns(_ input: PersonInput) throws -> Columns {
        var columns: Columns = [
            ("document_type", input.documentType.rawValue),
            ("id_number_enc", try cipher.seal(optional: input.idNumber, for: .personIdNumber)),
            ("id_number_hash", input.idNumber.map { cipher.hash(idNumber: $0) }),
            ("id_number_masked", input.idNumber.map(IDNumber.mask)),
            ("name", input.name), ("name_pinyin", pinyin(input.name)), ("english_name", input.englishName),
            ("sex", input.sex), ("nation", input.nation), ("birth_date", input.birthDate.description),
            ("native_region", input.nativeRegion), ("address", input.address),
            ("warnings", jsonArray(input.warnings.map(\.rawValue))), ("entry_method", input.entryMethod.rawValue),
        ]
        if let phone = input.phone {
            columns += [("phone_enc", try cipher.seal(text: phone, for: .personPhone)),
                        ("phone_hash", cipher.hash(phone: phone))]
        }
        if let card = input.card {
            columns += [
                ("card_issuer", card.issuer), ("card_valid_from", card.validFrom), ("card_valid_to", card.validTo),
                ("pass_number_enc", try cipher.seal(optional: card.passNumber, for: .personPassNumber)),
                ("card_issue_count", card.issueCount), ("card_nationality", card.nationality),
                ("card_number", card.cardNumber), ("card_sam_id", card.samId), ("card_reader", card.reader),
                ("appended_addresses", jsonArray(card.appendedAddresses)),
                ("photo_enc", try card.photo.map { try cipher.seal($0, for: .personPhoto) }),
                ("fingerprints_enc", try Person.joinTemplates(card.fingerprints).map { try cipher.seal($0, for: .personFingerprints) }),
            ]
        }
        return columns
    }

    /// Inserts a new person.
    func insertPerson(_ db: Database, _ input: PersonInput, duplicateConfirmed: Bool, journal: inout Journal) throws -> Int64 {
        let columns = try personColumns(input) + [("duplicate_confirmed", duplicateConfirmed ? 1 : 0)]
        let id = try RowWriter.insert(db, .person, columns, at: journal.at)
        try journal.record(db, .person, id: id, operation: .create, before: nil,
                           detail: input.idNumber.map { "id=" + IDNumber.mask($0) })
        return id
    }

    /// Refreshes an existing person: from a card, the whole card snapshot (when it differs); from a
    /// typed draft, only the phone (a card read is authoritative, typed data does not overwrite it).
    func refreshPerson(_ db: Database, id: Int64, with input: PersonInput, journal: inout Journal) throws {
        let existing = try person(db, id: id)
        var columns: Columns = []
        if input.entryMethod == .cardRead, let card = input.card {
            var same: [Bool] = [existing.name == input.name, existing.englishName == input.englishName]
            same += [existing.sex == input.sex, existing.nation == input.nation]
            same += [existing.birthDate == input.birthDate, existing.address == input.address]
            same += [existing.documentType == input.documentType, existing.entryMethod == .cardRead]
            same += [existing.cardIssuer == card.issuer, existing.cardValidFrom == card.validFrom]
            same += [existing.cardValidTo == card.validTo, existing.passNumber == card.passNumber]
            same += [existing.cardIssueCount == card.issueCount, existing.cardNationality == card.nationality]
            same += [existing.cardNumber == card.cardNumber, existing.appendedAddresses == card.appendedAddresses]
            same += [existing.photoWlt == card.photo, existing.fingerprints == card.fingerprints]
            same += [existing.warnings == input.warnings]
            let unchanged = !same.contains(false)
            if !unchanged {
                columns = try personColumns(PersonInput(
                    documentType: input.documentType, idNumber: input.idNumber, name: input.name,
                    englishName: input.englishName, sex: input.sex, nation: input.nation, birthDate: input.birthDate,
                    address: input.address, nativeRegion: existing.nativeRegion ?? input.nativeRegion, phone: nil,
                    card: card, warnings: input.warnings, entryMethod: .cardRead))
            }
        }
        if let phone = input.phone, phone != existing.phone {
            columns += [("phone_enc", try cipher.seal(text: phone, for: .personPhone)),
                        ("phone_hash", cipher.hash(phone: phone))]
        }
        guard !columns.isEmpty else { return }
        let before = try journal.before(db, .person, id: id)
        try RowWriter.update(db, .person, id: id, columns, at: journal.at)
        try journal.record(db, .person, id: id, operation: .update, before: before)
    }

    /// Resolves a landlord / 治安责任人 reference: an existing person in scope, or a person identified
    /// by ID number (found, or created).
    func resolvePerson(_ db: Database, _ reference: PersonReference, field: Field, scope: Scope,
                       journal: inout Journal) throws -> Int64 {
        switch reference {
        case let .existing(uuid):
            return try Lookup.person(db, uuid, scope).orNotFound(field)["id"]
        case let .identified(draft):
            var check = checker(path: field.rawValue)
            let input = personInput(draft: draft, check: &check, requireIdNumber: true)
            try check.finish()
            guard let input else { throw RegistryError.validation([.required(field)]) }
            if let id = try personId(db, idNumber: input.idNumber) {
                try refreshPerson(db, id: id, with: input, journal: &journal)
                return id
            }
            return try insertPerson(db, input, duplicateConfirmed: false, journal: &journal)
        }
    }
}
