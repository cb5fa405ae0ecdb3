import Foundation
import Testing
@testable import IDCard

@Suite("CardDate")
struct CardDateTests {
    @Test func parsesCardDates() {
        #expect(CardDate(cardText: "19491231") == .date(year: 1949, month: 12, day: 31))
        #expect(CardDate(cardText: "20000229") == .date(year: 2000, month: 2, day: 29))  // 400-year leap
        #expect(CardDate(cardText: "20240229") == .date(year: 2024, month: 2, day: 29))
        #expect(CardDate(cardText: "长期") == .longTerm)
        #expect(CardDate(cardText: " 长期 ") == .longTerm)
        #expect(CardDate(cardText: "") == nil)
        #expect(CardDate(cardText: "        ") == nil)
    }

    @Test("invalid dates stay raw", arguments: [
        "19000229", "20230229", "20230431", "20231301", "20230001", "20230100", "00000101", "2023010", "202301011",
        "2023-1-1", "ABCDEFGH", "２０２３０１０１", "长",
    ])
    func invalidDates(_ raw: String) {
        #expect(CardDate(cardText: raw) == .unparsed(raw))
    }

    @Test func forms() {
        let d = CardDate.date(year: 1880, month: 1, day: 5)
        #expect(d.jsonValue == "1880-01-05")
        #expect(d.cardValue == "18800105")
        #expect(CardDate.longTerm.jsonValue == "长期" && CardDate.longTerm.cardValue == "长期")
        #expect(CardDate.unparsed("2015061").jsonValue == "2015061")
        #expect(CardDate.unparsed("2015061").cardValue == "2015061")
    }

    @Test func jsonParsing() {
        #expect(CardDate(jsonValue: "1949-12-31") == .date(year: 1949, month: 12, day: 31))
        #expect(CardDate(jsonValue: "长期") == .longTerm)
        #expect(CardDate(jsonValue: "19491231") == .unparsed("19491231"))
        #expect(CardDate(jsonValue: "1949-1-31") == .unparsed("1949-1-31"))
        #expect(CardDate(jsonValue: "") == .unparsed(""))
        // Structural: a hand-built impossible .date still round-trips.
        #expect(CardDate(jsonValue: "2023-02-30") == .date(year: 2023, month: 2, day: 30))
    }

    @Test func codable() throws {
        let values: [CardDate] = [.date(year: 2001, month: 9, day: 9), .longTerm, .unparsed("2015061")]
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self) == #"["2001-09-09","长期","2015061"]"#)
        #expect(try JSONDecoder().decode([CardDate].self, from: data) == values)
    }

    @Test func calendarCheck() {
        #expect(CardDate.isCalendarDate(year: 1996, month: 2, day: 29))
        #expect(!CardDate.isCalendarDate(year: 2100, month: 2, day: 29))
        #expect(!CardDate.isCalendarDate(year: 2023, month: 6, day: 31))
        #expect(!CardDate.isCalendarDate(year: 0, month: 1, day: 1))
        #expect(!CardDate.date(year: 2023, month: 2, day: 30).isCalendarDate)
        #expect(!CardDate.longTerm.isCalendarDate)
    }
}
