extension Schema {
    /// v6: the 常住 (resident-record) variants of the two "found" 核查 outcomes (`residentConsistent`,
    /// `residentReRegistered`, seed 002) and the 常驻人口信息员确认 of a found answer
    /// (`resident_officer_confirmed`: 1 for every found outcome answered from v6 on, enforced by a trigger
    /// on insert; NULL for 查无此人 and for the found answers stored before it existed).
    ///
    /// SQLite cannot change a CHECK constraint in place, so `case_feedback` is rebuilt (12-step ALTER of
    /// the SQLite manual): new table, every row copied with its id, old table dropped, new one renamed.
    /// Nothing references `case_feedback`; the outbox keeps its own snapshots, so records already queued
    /// are sent as they were written.
    static let casesV6 = """
        CREATE TABLE case_feedback_v6 (
            \(rowIdentity),
            case_id INTEGER NOT NULL UNIQUE REFERENCES verification_case(id),
            case_no TEXT NOT NULL \(notBlank("case_no")),
            case_type TEXT NOT NULL CHECK (case_type IN ('协查', '核查')),
            requesting_unit TEXT NOT NULL \(notBlank("requesting_unit")),
            addressee TEXT NOT NULL \(notBlank("addressee")),
            outcome TEXT NOT NULL CHECK (outcome IN ('notFound', 'consistent', 'reRegistered', 'residentConsistent',
                                                      'residentReRegistered')),
            not_found_reason TEXT CHECK (not_found_reason IS NULL OR not_found_reason IN ('婚出', '迁出', '死亡', '其他')),
            destination_region TEXT \(region("destination_region")),
            destination_township TEXT \(notBlank("destination_township")),
            remark TEXT,
            person_id INTEGER REFERENCES person(id),
            stay_id INTEGER REFERENCES stay(id),
            verified_name TEXT,
            verified_sex TEXT \(oneOf("verified_sex", ["0", "1", "2", "9"])),
            verified_birth_date TEXT \(date("verified_birth_date")),
            verified_address TEXT,
            resident_officer_confirmed INTEGER CHECK (resident_officer_confirmed IS NULL OR resident_officer_confirmed = 1),
            answered_by TEXT NOT NULL \(notBlank("answered_by")),
            answered_at TEXT NOT NULL,
            \(rowTimes),
            CHECK ((outcome = 'notFound') = (not_found_reason IS NOT NULL)),
            CHECK (not_found_reason NOT IN ('婚出', '迁出') OR (destination_region IS NOT NULL AND destination_township IS NOT NULL)),
            CHECK (not_found_reason IS NOT '其他' OR length(trim(remark)) > 0),
            CHECK (outcome = 'notFound' OR (person_id IS NOT NULL AND stay_id IS NOT NULL AND verified_address IS NOT NULL)),
            CHECK (outcome <> 'notFound' OR resident_officer_confirmed IS NULL)
        );
        INSERT INTO case_feedback_v6 (id, uuid, case_id, case_no, case_type, requesting_unit, addressee, outcome,
            not_found_reason, destination_region, destination_township, remark, person_id, stay_id, verified_name,
            verified_sex, verified_birth_date, verified_address, resident_officer_confirmed, answered_by, answered_at,
            created_at, updated_at)
        SELECT id, uuid, case_id, case_no, case_type, requesting_unit, addressee, outcome,
            not_found_reason, destination_region, destination_township, remark, person_id, stay_id, verified_name,
            verified_sex, verified_birth_date, verified_address, NULL, answered_by, answered_at,
            created_at, updated_at
        FROM case_feedback;
        DROP TABLE case_feedback;
        ALTER TABLE case_feedback_v6 RENAME TO case_feedback;

        CREATE TRIGGER case_feedback_found_confirmed BEFORE INSERT ON case_feedback
        WHEN NEW.outcome <> 'notFound' AND NEW.resident_officer_confirmed IS NOT 1
        BEGIN SELECT RAISE(ABORT, 'case.notConfirmed: a found outcome needs resident_officer_confirmed'); END;
        """
}
