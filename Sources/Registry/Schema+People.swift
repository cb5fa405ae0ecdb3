extension Schema {
    /// v1: people (one per identity), houses (房屋/户), their 注销/恢复 history, and stays (人来登记 /
    /// 人走注销).
    static let peopleV1 = """
        CREATE TABLE person (
            \(rowIdentity),
            document_type TEXT NOT NULL \(oneOf("document_type", ["1", "2", "3", "4", "9"])),
            id_number_enc BLOB,
            id_number_hash BLOB CHECK (id_number_hash IS NULL OR length(id_number_hash) = 32),
            id_number_masked TEXT,
            name TEXT NOT NULL \(notBlank("name")),
            name_pinyin TEXT,
            english_name TEXT,
            sex TEXT NOT NULL \(oneOf("sex", ["0", "1", "2", "9"])),
            nation TEXT \(twoDigits("nation")),
            birth_date TEXT NOT NULL \(date("birth_date")),
            native_region TEXT \(region("native_region")),
            address TEXT,
            card_issuer TEXT,
            card_valid_from TEXT,
            card_valid_to TEXT,
            pass_number_enc BLOB,
            card_issue_count TEXT,
            card_nationality TEXT,
            card_number TEXT,
            card_sam_id TEXT,
            card_reader TEXT,
            appended_addresses TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(appended_addresses)),
            photo_enc BLOB,
            fingerprints_enc BLOB,
            phone_enc BLOB,
            phone_hash BLOB CHECK (phone_hash IS NULL OR length(phone_hash) = 32),
            warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
            entry_method INTEGER NOT NULL CHECK (entry_method IN (1, 2)),
            duplicate_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (duplicate_confirmed IN (0, 1)),
            \(rowTimes),
            CHECK ((id_number_enc IS NULL) = (id_number_hash IS NULL)),
            CHECK ((phone_enc IS NULL) = (phone_hash IS NULL))
        );
        CREATE UNIQUE INDEX person_identity ON person(id_number_hash) WHERE id_number_hash IS NOT NULL;
        CREATE INDEX person_phone ON person(phone_hash) WHERE phone_hash IS NOT NULL;
        CREATE INDEX person_name_birth ON person(name, birth_date);
        CREATE INDEX person_pinyin ON person(name_pinyin) WHERE name_pinyin IS NOT NULL;

        CREATE TABLE house (
            \(rowIdentity),
            xiaoqu_id INTEGER NOT NULL REFERENCES xiaoqu(id),
            building_id INTEGER,
            unit_id INTEGER,
            floor INTEGER CHECK (floor IS NULL OR floor BETWEEN -20 AND 200),
            room_number TEXT NOT NULL \(notBlank("room_number")),
            address TEXT NOT NULL \(notBlank("address")),
            area REAL CHECK (area IS NULL OR area > 0),
            usage TEXT NOT NULL \(oneOf("usage", ["01", "02", "03", "04", "05", "06", "99"])),
            rental_status INTEGER NOT NULL DEFAULT 0 CHECK (rental_status IN (0, 1, 2)),
            rental_use TEXT \(oneOf("rental_use", ["01", "02", "03", "05", "06", "99"])),
            rented_rooms INTEGER CHECK (rented_rooms IS NULL OR rented_rooms >= 0),
            rented_area REAL CHECK (rented_area IS NULL OR rented_area > 0),
            landlord_person_id INTEGER REFERENCES person(id),
            security_person_id INTEGER REFERENCES person(id),
            rental_filing_number TEXT,
            status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),
            cancelled_on TEXT \(date("cancelled_on")),
            cancel_reason TEXT,
            restored_on TEXT \(date("restored_on")),
            restore_reason TEXT,
            \(rowTimes),
            FOREIGN KEY (building_id, xiaoqu_id) REFERENCES building(id, xiaoqu_id),
            FOREIGN KEY (unit_id, building_id) REFERENCES unit(id, building_id),
            UNIQUE (id, xiaoqu_id),
            CHECK (unit_id IS NULL OR building_id IS NOT NULL),
            CHECK (rental_status = 0 OR landlord_person_id IS NOT NULL),
            CHECK (status = 0 OR (cancelled_on IS NOT NULL AND cancel_reason IS NOT NULL AND restored_on IS NULL)),
            CHECK (restored_on IS NULL OR (cancelled_on IS NOT NULL AND restored_on >= cancelled_on
                                           AND restore_reason IS NOT NULL))
        );
        CREATE UNIQUE INDEX house_room ON house(xiaoqu_id, ifnull(building_id, 0), ifnull(unit_id, 0), room_number);
        CREATE INDEX house_building ON house(building_id) WHERE building_id IS NOT NULL;
        CREATE INDEX house_unit ON house(unit_id) WHERE unit_id IS NOT NULL;
        CREATE INDEX house_landlord ON house(landlord_person_id) WHERE landlord_person_id IS NOT NULL;
        CREATE INDEX house_security ON house(security_person_id) WHERE security_person_id IS NOT NULL;

        CREATE TABLE house_status_change (
            \(rowIdentity),
            house_id INTEGER NOT NULL REFERENCES house(id),
            action INTEGER NOT NULL CHECK (action IN (1, 2)),
            on_date TEXT NOT NULL \(date("on_date")),
            reason TEXT NOT NULL \(notBlank("reason")),
            actor TEXT NOT NULL,
            \(rowTimes)
        );
        CREATE INDEX house_status_change_house ON house_status_change(house_id, on_date);

        CREATE TABLE stay (
            \(rowIdentity),
            person_id INTEGER NOT NULL REFERENCES person(id),
            house_id INTEGER NOT NULL REFERENCES house(id),
            arrival_date TEXT NOT NULL \(date("arrival_date")),
            relation TEXT NOT NULL \(twoDigits("relation")),
            planned_stay TEXT \(oneOf("planned_stay", ["1", "2", "3", "4", "5", "6"])),
            residence_reason TEXT \(twoDigits("residence_reason")),
            housing_type TEXT \(twoDigits("housing_type")),
            departure_date TEXT \(date("departure_date")),
            departure_reason TEXT,
            cancel_flag INTEGER NOT NULL DEFAULT 0 CHECK (cancel_flag IN (0, 1, 2)),
            registered_by TEXT NOT NULL,
            departed_by TEXT,
            \(rowTimes),
            CHECK (departure_date IS NULL OR departure_date >= arrival_date),
            CHECK ((departure_date IS NULL) = (cancel_flag = 0)),
            CHECK (departure_date IS NULL OR length(trim(departure_reason)) > 0)
        );
        CREATE UNIQUE INDEX stay_one_active ON stay(person_id, house_id) WHERE departure_date IS NULL;
        CREATE INDEX stay_person ON stay(person_id, departure_date);
        CREATE INDEX stay_house ON stay(house_id, departure_date);
        CREATE INDEX stay_arrival ON stay(arrival_date);
        CREATE INDEX stay_departure ON stay(departure_date) WHERE departure_date IS NOT NULL;

        CREATE TRIGGER stay_arrival_after_birth BEFORE INSERT ON stay
        WHEN NEW.arrival_date < (SELECT birth_date FROM person WHERE id = NEW.person_id)
        BEGIN SELECT RAISE(ABORT, 'date.order: arrival_date before birth_date'); END;

        CREATE TRIGGER stay_arrival_after_birth_update BEFORE UPDATE OF arrival_date, person_id ON stay
        WHEN NEW.arrival_date < (SELECT birth_date FROM person WHERE id = NEW.person_id)
        BEGIN SELECT RAISE(ABORT, 'date.order: arrival_date before birth_date'); END;

        CREATE TRIGGER stay_not_into_cancelled_house BEFORE INSERT ON stay
        WHEN (SELECT status FROM house WHERE id = NEW.house_id) = 1
        BEGIN SELECT RAISE(ABORT, 'house.cancelled: no check-in into a cancelled house'); END;
        """
}
