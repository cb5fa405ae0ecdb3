/// The encrypted columns. The raw value is the AES-GCM associated data of the column's ciphertext, so
/// a ciphertext copied into another column (or another table) does not decrypt.
public enum SealedColumn: String, Sendable, CaseIterable {
    case personIdNumber = "person.id_number"
    case personPassNumber = "person.pass_number"
    case personPhone = "person.phone"
    case personPhoto = "person.photo"
    case personFingerprints = "person.fingerprints"
    case xiaoquPropertyPhone = "xiaoqu.property_phone"
    case xiaoquOfficerPhone = "xiaoqu.officer_phone"
    case declarationIdNumber = "declaration.id_number"
    case declarationPhone = "declaration.phone"
    case declarationEmployerPhone = "declaration.employer_phone"
    case minorIdNumber = "declaration_minor.id_number"
    case applicantPhone = "service_matter.applicant_phone"
    case coordinatorPhone = "coordinator.phone"
    case cardReadIdNumber = "card_read.id_number"
    case caseIdNumber = "verification_case.id_number"
    case keyCheck = "register_meta.key_check"
}
