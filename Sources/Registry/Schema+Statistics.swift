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
