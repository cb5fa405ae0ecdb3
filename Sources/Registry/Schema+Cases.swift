extension Schema {
    /// v5: verification cases (协查/核查) received through the sync inbox, their pairing candidates (配对) and
    /// their one feedback (协查反馈, a record queued to the unit that asked); notices (通知公告) from above
    /// with their read marks per user; and reports (通报) from the community upward.
    ///
    /// The case's ID number is sealed like the person's (`id_number_enc` under the data key, keyed hash
    /// `id_number_hash` for pairing, masked copy for lists). One case per (source, case number): the inbox
    /// delivers at least once. One feedback per case (`UNIQUE (case_id)`): a case is answered exactly once.
    static let casesV5 = """
        CREATE TABLE verification_case (
            \(rowIdentity),
            source TEXT NOT NULL \(notBlank("source")),
            message_id TEXT NOT NULL,
            case_no TEXT NOT NULL \(notBlank("case_no")),
            case_type TEXT NOT NULL CHECK (case_type IN ('协查', '核查')),
            id_number_enc BLOB,
            id_number_hash BLOB CHECK (id_number_hash IS NULL OR length(id_number_hash) = 32),
            id_number_masked TEXT CHECK (id_number_masked IS NULL OR id_number_masked NOT GLOB '*[0-9X][0-9X][0-9X][0-9X][0-9X]*'),
            name TEXT NOT NULL \(notBlank("name")),
            sex TEXT NOT NULL \(oneOf("sex", ["0", "1", "2", "9"])),
            birth_date TEXT NOT NULL \(date("birth_date")),
            address TEXT NOT NULL \(notBlank("address")),
            items TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(items) AND json_type(items) = 'array'),
            deadline TEXT NOT NULL \(date("deadline")),
            requesting_unit TEXT NOT NULL \(notBlank("requesting_unit")),
            note TEXT,
            received_at TEXT NOT NULL CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
            received_on TEXT NOT NULL \(date("received_on")),
            state TEXT NOT NULL CHECK (state IN ('new', 'paired', 'unpaired', 'answered')),
            person_id INTEGER REFERENCES person(id),
            pair_basis TEXT CHECK (pair_basis IS NULL OR pair_basis IN ('idNumber', 'nameSexBirth', 'manual')),
            xiaoqu_id INTEGER REFERENCES xiaoqu(id),
            answered_on TEXT \(date("answered_on")),
            \(rowTimes),
            UNIQUE (source, case_no),
            CHECK ((id_number_enc IS NULL) = (id_number_hash IS NULL)),
            CHECK (state <> 'paired' OR person_id IS NOT NULL),
            CHECK (state NOT IN ('new', 'unpaired') OR person_id IS NULL),
            CHECK ((person_id IS NULL) = (pair_basis IS NULL)),
            CHECK ((state = 'answered') = (answered_on IS NOT NULL))
        );
        CREATE INDEX verification_case_open ON verification_case(state, deadline);
        CREATE INDEX verification_case_unit ON verification_case(requesting_unit, received_on);
        CREATE INDEX verification_case_id_number ON verification_case(id_number_hash) WHERE id_number_hash IS NOT NULL;
        CREATE INDEX verification_case_person ON verification_case(person_id) WHERE person_id IS NOT NULL;
        CREATE INDEX verification_case_xiaoqu ON verification_case(xiaoqu_id) WHERE xiaoqu_id IS NOT NULL;

        CREATE TABLE case_candidate (
            case_id INTEGER NOT NULL REFERENCES verification_case(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES person(id),
            basis TEXT NOT NULL CHECK (basis IN ('idNumber', 'nameSexBirth')),
            found_at TEXT NOT NULL,
            PRIMARY KEY (case_id, person_id)
        ) WITHOUT ROWID;

        CREATE TABLE case_feedback (
            \(rowIdentity),
            case_id INTEGER NOT NULL UNIQUE REFERENCES verification_case(id),
            case_no TEXT NOT NULL \(notBlank("case_no")),
            case_type TEXT NOT NULL CHECK (case_type IN ('协查', '核查')),
            requesting_unit TEXT NOT NULL \(notBlank("requesting_unit")),
            addressee TEXT NOT NULL \(notBlank("addressee")),
            outcome TEXT NOT NULL CHECK (outcome IN ('notFound', 'consistent', 'reRegistered')),
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
            answered_by TEXT NOT NULL \(notBlank("answered_by")),
            answered_at TEXT NOT NULL,
            \(rowTimes),
            CHECK ((outcome = 'notFound') = (not_found_reason IS NOT NULL)),
            CHECK (not_found_reason NOT IN ('婚出', '迁出') OR (destination_region IS NOT NULL AND destination_township IS NOT NULL)),
            CHECK (not_found_reason IS NOT '其他' OR length(trim(remark)) > 0),
            CHECK (outcome = 'notFound' OR (person_id IS NOT NULL AND stay_id IS NOT NULL AND verified_address IS NOT NULL))
        );

        CREATE TABLE notice (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36 AND uuid = lower(uuid)),
            source TEXT NOT NULL \(notBlank("source")),
            message_id TEXT NOT NULL,
            title TEXT NOT NULL \(notBlank("title")),
            text TEXT NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'urgent')),
            is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
            received_at TEXT NOT NULL CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
            UNIQUE (source, message_id)
        );
        CREATE INDEX notice_public ON notice(received_at) WHERE is_public = 1;

        CREATE TABLE notice_read (
            notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL \(notBlank("user_id")),
            read_at TEXT NOT NULL,
            PRIMARY KEY (notice_id, user_id)
        ) WITHOUT ROWID;

        CREATE TABLE community_report (
            \(rowIdentity),
            xiaoqu_id INTEGER NOT NULL REFERENCES xiaoqu(id),
            person_id INTEGER REFERENCES person(id),
            report_type TEXT NOT NULL CHECK (report_type IN ('departed', 'arrived', 'other')),
            occurred_on TEXT NOT NULL \(date("occurred_on")),
            summary TEXT NOT NULL \(notBlank("summary")),
            reported_by TEXT NOT NULL \(notBlank("reported_by")),
            \(rowTimes),
            CHECK (report_type = 'other' OR person_id IS NOT NULL)
        );
        CREATE INDEX community_report_xiaoqu ON community_report(xiaoqu_id, occurred_on);
        """
}
