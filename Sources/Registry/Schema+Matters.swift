extension Schema {
    /// v1: residence declarations (居住登记申报, every field of seed 003 §3.8) with accompanying minors,
    /// service matters with their history, coordinators (协管员) and their houses, inspections (巡查),
    /// and the `person_xiaoqu` view the scope filter uses for people.
    static let mattersV1 = """
        CREATE TABLE declaration (
            \(rowIdentity),
            person_id INTEGER NOT NULL REFERENCES person(id),
            house_id INTEGER NOT NULL REFERENCES house(id),
            stay_id INTEGER REFERENCES stay(id),
            declared_on TEXT NOT NULL \(date("declared_on")),
            name TEXT NOT NULL \(notBlank("name")),
            id_number_enc BLOB NOT NULL,
            id_number_hash BLOB NOT NULL CHECK (length(id_number_hash) = 32),
            current_address TEXT NOT NULL \(notBlank("current_address")),
            housing_type TEXT NOT NULL \(twoDigits("housing_type")),
            residence_reason TEXT NOT NULL \(twoDigits("residence_reason")),
            marital_status TEXT \(twoDigits("marital_status")),
            political_status TEXT \(twoDigits("political_status")),
            education TEXT \(twoDigits("education")),
            military_service TEXT \(oneOf("military_service", ["1", "2", "3", "4", "9"])),
            arrival_date TEXT NOT NULL \(date("arrival_date")),
            planned_stay TEXT NOT NULL \(oneOf("planned_stay", ["1", "2", "3", "4", "5", "6"])),
            apply_residence_permit INTEGER NOT NULL CHECK (apply_residence_permit IN (0, 1)),
            phone_enc BLOB NOT NULL,
            phone_hash BLOB NOT NULL CHECK (length(phone_hash) = 32),
            has_employer INTEGER NOT NULL CHECK (has_employer IN (0, 1)),
            occupation TEXT,
            employer_name TEXT,
            employer_pinyin TEXT,
            employer_manager TEXT,
            employer_phone_enc BLOB,
            employer_address TEXT,
            years_worked INTEGER CHECK (years_worked IS NULL OR years_worked BETWEEN 0 AND 80),
            labour_contract TEXT \(oneOf("labour_contract", ["1", "2", "3"])),
            insurance TEXT \(oneOf("insurance", ["1", "2", "3"])),
            \(rowTimes),
            CHECK (has_employer = 1 OR (employer_name IS NULL AND employer_manager IS NULL
                                        AND employer_phone_enc IS NULL AND employer_address IS NULL)),
            CHECK (has_employer = 0 OR length(trim(employer_name)) > 0),
            CHECK (arrival_date <= declared_on)
        );
        CREATE INDEX declaration_person ON declaration(person_id, declared_on);
        CREATE INDEX declaration_house ON declaration(house_id);
        CREATE INDEX declaration_id_number ON declaration(id_number_hash);
        CREATE INDEX declaration_employer ON declaration(employer_name) WHERE employer_name IS NOT NULL;
        CREATE INDEX declaration_employer_pinyin ON declaration(employer_pinyin) WHERE employer_pinyin IS NOT NULL;

        CREATE TABLE declaration_minor (
            \(rowIdentity),
            declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,
            name TEXT NOT NULL \(notBlank("name")),
            sex TEXT NOT NULL \(oneOf("sex", ["0", "1", "2", "9"])),
            birth_date TEXT NOT NULL \(date("birth_date")),
            id_number_enc BLOB,
            id_number_hash BLOB CHECK (id_number_hash IS NULL OR length(id_number_hash) = 32),
            relation TEXT NOT NULL \(twoDigits("relation")),
            \(rowTimes),
            CHECK ((id_number_enc IS NULL) = (id_number_hash IS NULL))
        );
        CREATE INDEX declaration_minor_declaration ON declaration_minor(declaration_id);

        CREATE TABLE service_matter (
            \(rowIdentity),
            xiaoqu_id INTEGER NOT NULL REFERENCES xiaoqu(id),
            house_id INTEGER,
            applicant_person_id INTEGER REFERENCES person(id),
            applicant_name TEXT NOT NULL \(notBlank("applicant_name")),
            applicant_phone_enc BLOB,
            applicant_phone_hash BLOB CHECK (applicant_phone_hash IS NULL OR length(applicant_phone_hash) = 32),
            matter_type TEXT NOT NULL \(twoDigits("matter_type")),
            summary TEXT NOT NULL \(notBlank("summary")),
            channel INTEGER NOT NULL CHECK (channel IN (1, 2, 3)),
            state INTEGER NOT NULL CHECK (state IN (1, 2, 3, 4, 5)),
            opened_on TEXT NOT NULL \(date("opened_on")),
            closed_on TEXT \(date("closed_on")),
            result TEXT,
            \(rowTimes),
            FOREIGN KEY (house_id, xiaoqu_id) REFERENCES house(id, xiaoqu_id),
            CHECK ((state IN (3, 4, 5)) = (closed_on IS NOT NULL)),
            CHECK (closed_on IS NULL OR closed_on >= opened_on),
            CHECK ((applicant_phone_enc IS NULL) = (applicant_phone_hash IS NULL))
        );
        CREATE INDEX service_matter_xiaoqu ON service_matter(xiaoqu_id, state, opened_on);
        CREATE INDEX service_matter_house ON service_matter(house_id) WHERE house_id IS NOT NULL;
        CREATE INDEX service_matter_applicant ON service_matter(applicant_person_id) WHERE applicant_person_id IS NOT NULL;

        CREATE TRIGGER service_matter_transition BEFORE UPDATE OF state ON service_matter
        WHEN NEW.state <> OLD.state AND NOT ((OLD.state = 1 AND NEW.state IN (2, 4, 5))
                                             OR (OLD.state = 2 AND NEW.state IN (3, 4, 5)))
        BEGIN SELECT RAISE(ABORT, 'matter.badTransition'); END;

        CREATE TABLE service_matter_event (
            \(rowIdentity),
            matter_id INTEGER NOT NULL REFERENCES service_matter(id),
            from_state INTEGER CHECK (from_state IS NULL OR from_state IN (1, 2, 3, 4, 5)),
            to_state INTEGER NOT NULL CHECK (to_state IN (1, 2, 3, 4, 5)),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            note TEXT,
            \(rowTimes)
        );
        CREATE INDEX service_matter_event_matter ON service_matter_event(matter_id, id);

        CREATE TABLE coordinator (
            \(rowIdentity),
            community_id INTEGER NOT NULL REFERENCES community(id),
            name TEXT NOT NULL \(notBlank("name")),
            name_pinyin TEXT,
            staff_number TEXT,
            phone_enc BLOB,
            phone_hash BLOB CHECK (phone_hash IS NULL OR length(phone_hash) = 32),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            \(rowTimes),
            CHECK ((phone_enc IS NULL) = (phone_hash IS NULL))
        );
        CREATE INDEX coordinator_community ON coordinator(community_id);
        CREATE UNIQUE INDEX coordinator_staff_number ON coordinator(community_id, staff_number)
            WHERE staff_number IS NOT NULL;

        CREATE TABLE coordinator_house (
            \(rowIdentity),
            coordinator_id INTEGER NOT NULL REFERENCES coordinator(id),
            house_id INTEGER NOT NULL REFERENCES house(id),
            assigned_on TEXT NOT NULL \(date("assigned_on")),
            ended_on TEXT \(date("ended_on")),
            \(rowTimes),
            CHECK (ended_on IS NULL OR ended_on >= assigned_on)
        );
        CREATE UNIQUE INDEX coordinator_house_current ON coordinator_house(house_id) WHERE ended_on IS NULL;
        CREATE INDEX coordinator_house_coordinator ON coordinator_house(coordinator_id, ended_on);

        CREATE TABLE inspection (
            \(rowIdentity),
            house_id INTEGER NOT NULL REFERENCES house(id),
            coordinator_id INTEGER REFERENCES coordinator(id),
            inspected_on TEXT NOT NULL \(date("inspected_on")),
            inspector_name TEXT NOT NULL \(notBlank("inspector_name")),
            result TEXT NOT NULL \(oneOf("result", ["1", "2", "3"])),
            findings TEXT,
            rectification TEXT,
            \(rowTimes),
            CHECK (result <> '2' OR length(trim(findings)) > 0)
        );
        CREATE INDEX inspection_house ON inspection(house_id, inspected_on);

        CREATE VIEW person_xiaoqu (person_id, xiaoqu_id) AS
            SELECT s.person_id, h.xiaoqu_id FROM stay s JOIN house h ON h.id = s.house_id
            UNION SELECT landlord_person_id, xiaoqu_id FROM house WHERE landlord_person_id IS NOT NULL
            UNION SELECT security_person_id, xiaoqu_id FROM house WHERE security_person_id IS NOT NULL
            UNION SELECT d.person_id, h.xiaoqu_id FROM declaration d JOIN house h ON h.id = d.house_id
            UNION SELECT applicant_person_id, xiaoqu_id FROM service_matter WHERE applicant_person_id IS NOT NULL;
        """
}
