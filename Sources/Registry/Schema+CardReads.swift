extension Schema {
    /// v4: every card read at a reader of the box (卡片读取记录), the record the intake pipeline writes in the
    /// same transaction as an alert on a watchlist hit. The ID number is sealed like the person's; nothing
    /// here says whether the read matched a list (alerts are their own records).
    static let cardReadsV4 = """
        CREATE TABLE card_read (
            \(rowIdentity),
            device TEXT NOT NULL \(notBlank("device")),
            xiaoqu_id INTEGER REFERENCES xiaoqu(id),
            card_type TEXT NOT NULL CHECK (card_type IN ('resident', 'hkMacaoTaiwan', 'foreigner2017', 'foreigner2023', 'physicalOnly')),
            id_number_enc BLOB,
            id_number_hash BLOB CHECK (id_number_hash IS NULL OR length(id_number_hash) = 32),
            id_number_masked TEXT CHECK (id_number_masked IS NULL OR id_number_masked NOT GLOB '*[0-9X][0-9X][0-9X][0-9X][0-9X]*'),
            person_id INTEGER REFERENCES person(id),
            sam_id TEXT,
            read_at TEXT NOT NULL CHECK (read_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
            \(rowTimes),
            CHECK ((id_number_enc IS NULL) = (id_number_hash IS NULL))
        );
        CREATE INDEX card_read_time ON card_read(read_at);
        CREATE INDEX card_read_person ON card_read(person_id) WHERE person_id IS NOT NULL;
        CREATE INDEX card_read_xiaoqu ON card_read(xiaoqu_id, read_at);
        """
}
