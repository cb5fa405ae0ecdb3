import GRDB

extension Scope {
    /// The same condition as ``personFilter(_:)`` — a person linked to a 小区 in scope by a stay (current
    /// or past), as landlord or 治安责任人 of a house, by a declaration or as a service-matter applicant
    /// (the links of the `person_xiaoqu` view) — written as one `EXISTS` per link, each on its own index
    /// (`stay_person`, `house_landlord`, `house_security`, `declaration_person`,
    /// `service_matter_applicant`).
    ///
    /// SQLite does not push a person id into the view's `UNION`: ``personFilter(_:)`` builds the whole view
    /// (every stay of the register) once per statement, about 1.7 s on a register of a million stays,
    /// however few people are checked. This form costs a few index lookups per person checked. A test
    /// (`QueryScopeTests`) keeps the two equal; a link added to the view must be added here.
    func personLinkFilter(_ column: String) -> SQL {
        switch self {
        case .everything: return SQL(sql: "1")
        case .nothing: return SQL(sql: "0")
        default: break
        }
        let links: [(String, String)] = [
            ("stay l JOIN house lh ON lh.id = l.house_id WHERE l.person_id = \(column)", "lh.xiaoqu_id"),
            ("house lh WHERE lh.landlord_person_id = \(column)", "lh.xiaoqu_id"),
            ("house lh WHERE lh.security_person_id = \(column)", "lh.xiaoqu_id"),
            ("declaration l JOIN house lh ON lh.id = l.house_id WHERE l.person_id = \(column)", "lh.xiaoqu_id"),
            ("service_matter l WHERE l.applicant_person_id = \(column)", "l.xiaoqu_id"),
        ]
        var sql = SQL(sql: "(")
        for (index, (from, xiaoqu)) in links.enumerated() {
            sql = sql + SQL(sql: (index == 0 ? "" : " OR ") + "EXISTS (SELECT 1 FROM \(from) AND ") + xiaoquFilter(xiaoqu) + SQL(sql: ")")
        }
        return sql + SQL(sql: ")")
    }
}
