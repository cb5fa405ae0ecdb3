import Foundation
import Testing
@testable import Registry

@Suite("Service matters")
struct ServiceMatterTests {
    @Test("受理 → 办理中 → 办结 with history")
    func lifecycle() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        let opened = try await r.store.openServiceMatter(ServiceMatterDraft(
            house: r.houseA1.uuid, applicant: zhang.person.uuid, matterType: "02", summary: "申领居住证"), by: r.deskA)
        #expect(opened.state == .accepted && opened.applicantName == "张伟" && opened.xiaoquUuid == r.xiaoquA.uuid)
        #expect(opened.channel == .desk && opened.openedOn == TestRegister.today && opened.history.count == 1)
        let working = try await r.store.progressServiceMatter(opened.uuid, to: .inProgress, note: "材料齐全", by: r.deskA)
        #expect(working.state == .inProgress && working.closedOn == nil)
        let done = try await r.store.progressServiceMatter(opened.uuid, to: .completed, note: "已发证", by: r.policeS1)
        #expect(done.state == .completed && done.closedOn == TestRegister.today && done.result == "已发证")
        #expect(done.history.map(\.to) == [.accepted, .inProgress, .completed])
        #expect(done.history.map(\.from) == [nil, .accepted, .inProgress])
        #expect(done.history.last?.actor == "police1")
        await expectFieldError("matter.badTransition", on: .state) {
            _ = try await r.store.progressServiceMatter(opened.uuid, to: .inProgress, by: r.deskA)
        }
        let list = try await r.store.serviceMatters(inXiaoqu: r.xiaoquA.uuid, state: .completed, for: r.deskA)
        #expect(list.map(\.uuid) == [opened.uuid])
    }

    @Test("退回 and 撤销 need a note; a kiosk opens but cannot progress")
    func returnAndKiosk() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let matter = try await r.store.openServiceMatter(ServiceMatterDraft(
            xiaoqu: r.xiaoquA.uuid, applicantName: "路人甲", applicantPhone: "13912345678", matterType: "07",
            summary: "楼道灯坏了"), by: r.kioskA)
        #expect(matter.channel == .kiosk && matter.applicantPhone == "13912345678")
        let denied = await registryError { _ = try await r.store.progressServiceMatter(matter.uuid, to: .inProgress, by: r.kioskA) }
        #expect(denied?.code == .permissionDenied)
        await expectFieldError("field.required", on: .note) {
            _ = try await r.store.progressServiceMatter(matter.uuid, to: .returned, by: r.deskA)
        }
        let returned = try await r.store.progressServiceMatter(matter.uuid, to: .returned, note: "非本小区事项", by: r.deskA)
        #expect(returned.state == .returned && returned.result == "非本小区事项")
        await expectFieldError("matter.badTransition", on: .state) {
            _ = try await r.store.progressServiceMatter(matter.uuid, to: .withdrawn, note: "x", by: r.deskA)
        }
    }

    @Test("open rules name their field")
    func openRules() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        await expectFieldError("field.required", on: .xiaoqu) {
            _ = try await r.store.openServiceMatter(ServiceMatterDraft(applicantName: "甲", matterType: "01", summary: "x"), by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .matterType) {
            _ = try await r.store.openServiceMatter(ServiceMatterDraft(xiaoqu: r.xiaoquA.uuid, applicantName: "甲", matterType: "42",
                                                                       summary: "x"), by: r.deskA)
        }
        await expectFieldError("field.required", on: .summary) {
            _ = try await r.store.openServiceMatter(ServiceMatterDraft(xiaoqu: r.xiaoquA.uuid, applicantName: "甲", matterType: "01"),
                                                    by: r.deskA)
        }
        await expectFieldError("field.required", on: .applicantName) {
            _ = try await r.store.openServiceMatter(ServiceMatterDraft(xiaoqu: r.xiaoquA.uuid, matterType: "01", summary: "x"),
                                                    by: r.deskA)
        }
        #expect(try r.count("service_matter") == 0)
    }
}
