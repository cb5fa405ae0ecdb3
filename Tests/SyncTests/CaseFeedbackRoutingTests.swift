import Foundation
import GRDB
import Registry
import Testing
@testable import Sync

/// A case feedback is addressed: it is queued to the destination the case came from and to no other,
/// whatever the kinds each destination is configured for — also when a new destination is backfilled.
@Suite("Case feedback routing")
struct CaseFeedbackRoutingTests {
    @Test("the feedback goes only to the server that asked (even one not configured for the kind); backfill keeps it there")
    func addressedToTheAskingServer() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<2)
        let person = SyntheticRegistrations.person(1)
        let store = world.system.store
        // The case comes from the province (configured for person, stay and alert only).
        let uuid = try await store.database.write { db in
            try store.receiveCase(CaseMessage(caseId: "HC-P-1", type: "核查",
                                              person: CasePerson(idNumber: person.idNumber, name: person.name!, sex: person.sex!,
                                                                 birthDate: person.birthDate!.description),
                                              address: "演示路1号", items: [], deadline: "2099-01-01", unit: "省厅流管总队"),
                                  source: "province", messageId: "m-1", in: db)
        }
        _ = try await store.answerCase(uuid, CaseAnswerDraft(outcome: .residentConsistent, residentOfficerConfirmed: true), by: world.demo.actor)
        let destinations = {
            try store.database.read { db in
                try String.fetchAll(db, sql: """
                    SELECT o.destination FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id
                    WHERE c.kind = 'caseFeedback' ORDER BY o.destination
                    """)
            }
        }
        #expect(try destinations() == ["province"])
        // A third destination added later gets the register backfilled — but not the province's feedback.
        var configuration = world.system.configuration
        configuration.destinations.append(DestinationConfiguration(name: "city", url: "http://127.0.0.1:1/"))
        let backfilled = try SyncRouting.store(configuration, in: store.database)
        #expect((backfilled["city"] ?? 0) > 0)
        #expect(try destinations() == ["province"])
        // A report (通报) is routed by kind: bureau takes every kind, the province not this one.
        let registered = try #require(try await store.person(idNumber: person.idNumber!, for: world.demo.actor))
        _ = try await store.createReport(ReportDraft(type: .departed, person: registered.uuid, summary: "已搬离"), by: world.demo.actor)
        let reportDestinations = try await store.database.read { db in
            try String.fetchAll(db, sql: """
                SELECT o.destination FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id WHERE c.kind = 'report' ORDER BY 1
                """)
        }
        #expect(reportDestinations == ["bureau"])
    }
}
