extension Schema {
    /// v1: 派出所 → 社区 → 小区 (with its 五位一体 parties) → 楼栋 → 单元. Houses come with the people
    /// (they reference landlords).
    static let placesV1 = """
        CREATE TABLE register_meta (
            key TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE station (
            \(rowIdentity),
            code TEXT NOT NULL UNIQUE \(notBlank("code")),
            name TEXT NOT NULL \(notBlank("name")),
            region_code TEXT \(region("region_code")),
            \(rowTimes)
        );

        CREATE TABLE community (
            \(rowIdentity),
            station_id INTEGER NOT NULL REFERENCES station(id),
            region_code TEXT NOT NULL \(region("region_code")),
            street_office TEXT \(notBlank("street_office")),
            name TEXT NOT NULL \(notBlank("name")),
            \(rowTimes),
            UNIQUE (region_code, name)
        );
        CREATE INDEX community_station ON community(station_id);

        CREATE TABLE xiaoqu (
            \(rowIdentity),
            community_id INTEGER NOT NULL REFERENCES community(id),
            station_id INTEGER NOT NULL REFERENCES station(id),
            name TEXT NOT NULL \(notBlank("name")),
            name_pinyin TEXT,
            address TEXT NOT NULL \(notBlank("address")),
            developer TEXT,
            builder TEXT,
            property_company TEXT,
            property_contact TEXT,
            property_phone_enc BLOB,
            officer_name TEXT,
            officer_badge TEXT,
            officer_phone_enc BLOB,
            \(rowTimes),
            UNIQUE (community_id, name)
        );
        CREATE INDEX xiaoqu_station ON xiaoqu(station_id);
        CREATE INDEX xiaoqu_name ON xiaoqu(name);
        CREATE INDEX xiaoqu_pinyin ON xiaoqu(name_pinyin) WHERE name_pinyin IS NOT NULL;
        CREATE INDEX xiaoqu_officer ON xiaoqu(officer_name) WHERE officer_name IS NOT NULL;

        CREATE TABLE building (
            \(rowIdentity),
            xiaoqu_id INTEGER NOT NULL REFERENCES xiaoqu(id),
            name TEXT NOT NULL \(notBlank("name")),
            address TEXT,
            floors_above INTEGER CHECK (floors_above IS NULL OR floors_above BETWEEN 1 AND 200),
            floors_below INTEGER CHECK (floors_below IS NULL OR floors_below BETWEEN 0 AND 20),
            \(rowTimes),
            UNIQUE (xiaoqu_id, name),
            UNIQUE (id, xiaoqu_id)
        );

        CREATE TABLE unit (
            \(rowIdentity),
            building_id INTEGER NOT NULL REFERENCES building(id),
            name TEXT NOT NULL \(notBlank("name")),
            \(rowTimes),
            UNIQUE (building_id, name),
            UNIQUE (id, building_id)
        );
        """
}
