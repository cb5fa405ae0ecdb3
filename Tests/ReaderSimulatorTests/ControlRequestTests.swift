import Testing

@testable import ReaderSimulator

@Suite("Control protocol lines")
struct ControlRequestTests {
    @Test("requests parse and print back", arguments: [
        ("place resident", ControlRequest.place("resident")),
        ("  place   hk  ", .place("hk")),
        ("place --random", .placeRandom),
        ("place random", .placeRandom),
        ("remove", .remove),
        ("fault torn", .fault(EmulatorFault(.torn))),
        ("fault status:41 --on read --count 2", .fault(EmulatorFault(.status(0x41), on: CommandSelector(.readTextAndPhoto), count: 2))),
        ("fault clear", .clearFaults),
        ("list", .list),
        ("status\r", .status),
        ("help", .help),
    ])
    func parse(line: String, request: ControlRequest) throws {
        #expect(try ControlRequest(line: line) == request)
        #expect(try ControlRequest(line: request.line) == request)
    }

    @Test("bad requests name what is wrong", arguments: [
        ("", "empty request"),
        ("dance", "unknown request \"dance\""),
        ("place", "usage: place NAME"),
        ("place a b", "usage: place NAME"),
        ("remove now", "remove takes no arguments"),
        ("fault", "missing fault kind"),
        ("fault noise", "unknown fault kind \"noise\""),
        ("fault torn --on nothing", "--on needs a command"),
    ])
    func bad(line: String, message: String) {
        #expect {
            try ControlRequest(line: line)
        } throws: { error in
            (error as? ControlRequest.ParseError)?.message.contains(message) == true
        }
    }

    @Test("replies: ok/error lines, one line, list entries")
    func replies() {
        #expect(ControlReply(line: "ok placed hk hkMacaoTaiwan") == ControlReply(ok: true, "placed hk hkMacaoTaiwan"))
        #expect(ControlReply(line: "error no card named \"x\"\n") == ControlReply(ok: false, "no card named \"x\""))
        #expect(ControlReply(line: "ok") == ControlReply(ok: true, ""))
        #expect(ControlReply(line: "hello") == nil)
        #expect(ControlReply(ok: false, "two\nlines").line == "error two lines")
        let list = ControlReply(ok: true, "resident:resident hk:hkMacaoTaiwan")
        #expect(list.listEntries.map(\.name) == ["resident", "hk"])
        #expect(list.listEntries.map(\.cardType) == ["resident", "hkMacaoTaiwan"])
    }
}
