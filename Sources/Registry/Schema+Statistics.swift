extension Schema {
    /// v2: indexes for the occupancy statistics and the reminders (no table changes).
    ///
    /// - `stay_house_period`: the stays of a house by departure, covering what the statistics read of a
    ///   stay (arrival, person, 居住事由, 住所类别), so counting a 小区 or a station reads the index only:
    ///   per house, the range `departure_date IS NULL` (still living) and the range `≥ from`.
    /// - `stay_active_arrival`: the active stays by arrival, with house, person and planned stay (a partial
    ///   index, about one entry per person): the planned-stay and 居住证 reminders, the daily
    ///   auto-cancellation and the 一证多住 check read it instead of every stay of the history.
    /// - `stay_created`: stays by registration time, for the late-registration reminder (stays registered
    ///   in the last 30 days).
    static let statisticsV2 = """
        CREATE INDEX stay_house_period
            ON stay(house_id, departure_date, arrival_date, person_id, residence_reason, housing_type);
        CREATE INDEX stay_active_arrival ON stay(arrival_date, house_id, person_id, planned_stay)
            WHERE departure_date IS NULL;
        CREATE INDEX stay_created ON stay(created_at);
        """
}

extension Schema {
    /// The tables whose rows the occupancy statistics read (places, houses, people, stays, and the
    /// stations and 小区 that scopes resolve through).
    static let statisticsTables = ["station", "community", "xiaoqu", "building", "unit", "house", "person", "stay"]

    /// v7: `register_generation`, one counter that every insert, update and delete of a
    /// ``statisticsTables`` row increments (by trigger, so also for writes of other processes on the same
    /// file, such as `renfang import` while renfangd runs). A statistics result computed in a snapshot
    /// with generation g holds for every snapshot with generation g: ``StatisticsCache``.
    static var statisticsGenerationV7: String {
        var sql = """
            CREATE TABLE register_generation (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                value INTEGER NOT NULL
            );
            INSERT INTO register_generation (id, value) VALUES (1, 0);

            """
        for table in statisticsTables {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                sql += """
                    CREATE TRIGGER \(table)_\(event.lowercased())_generation AFTER \(event) ON \(table)
                    BEGIN UPDATE register_generation SET value = value + 1 WHERE id = 1; END;

                    """
            }
        }
        return sql
    }
}
