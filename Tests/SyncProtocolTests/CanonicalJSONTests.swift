import Foundation
import Testing
@testable import SyncProtocol

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysByUTF8AndWritesNoWhitespace() {
        let value: JSONValue = ["b": 1, "a": ["z": nil, "A": true], "中": "文", "B": [1, -2, "x"]]
        #expect(CanonicalJSON.string(value) == #"{"B":[1,-2,"x"],"a":{"A":true,"z":null},"b":1,"中":"文"}"#)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        let value: JSONValue = .string("q\"b\\s/\u{8}\u{9}\u{A}\u{C}\u{D}\u{1}\u{1F}é😀\u{7F}")
        #expect(CanonicalJSON.string(value) == "\"q\\\"b\\\\s/\\b\\t\\n\\f\\r\\u0001\\u001fé😀\u{7F}\"")
    }

    @Test func parseRejectsNonIntegers() {
        #expect(throws: (any Error).self) { try CanonicalJSON.parse(Data(#"{"a":1.5}"#.utf8)) }
        #expect(throws: (any Error).self) { try CanonicalJSON.parse(Data(#"{"a":1e400}"#.utf8)) }
        #expect((try? CanonicalJSON.parse(Data(#"{"a":-12,"b":[true,null,"x"]}"#.utf8))) == ["a": -12, "b": [true, nil, "x"]])
    }

    /// The digest of a fixed payload never changes (a change would break every queued record), and
    /// Python's `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` agrees.
    @Test func digestIsStableAndMatchesPython() throws {
        let payload: JSONValue = [
            "name": "测试人员", "houseCode": "A-3-1-502", "residents": 3, "note": "line\nnext \"quoted\" \u{1}",
            "flags": [true, false, nil], "nested": ["z": -9_007_199_254_740_991, "a": ""],
        ]
        let digest = SyncRecord.digest(of: payload)
        #expect(digest == "3fa65e1e0da9a092356e4680cd934f39520979ea50020888e03af7c65eae1781")
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let (status, output) = try runPython("""
            import hashlib, json, sys
            value = json.loads(sys.argv[1])
            text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            print(hashlib.sha256(text.encode("utf-8")).hexdigest())
            """, [json])
        #expect(status == 0, "\(output)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == digest)
        #expect(digest == SyncRecord.digest(of: try CanonicalJSON.parse(Data(json.utf8))))
    }

    @Test func timestamps() {
        let date = Date(timeIntervalSince1970: 1_795_000_000.125)
        #expect(SyncTime.string(date) == "2026-11-18T11:06:40.125Z")
        #expect(SyncTime.date("2026-11-18T11:06:40.125Z") == date)
        #expect(SyncTime.date("2026-11-18T11:06:40Z") == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(SyncTime.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(SyncTime.isValid("2024-02-29T00:00:00.000000001Z"))
        for bad in ["2026-11-18T07:46:40.125+08:00", "2026-02-30T00:00:00Z", "2026-11-18 07:46:40Z", "2026-11-18T24:00:00Z",
                    "2026-11-18T07:46:40.Z", "2025-02-29T00:00:00Z", ""] {
            #expect(!SyncTime.isValid(bad), "\(bad)")
        }
    }
}
