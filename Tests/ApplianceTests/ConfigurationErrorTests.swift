import Foundation
import Testing

@testable import Appliance

@Suite("Configuration: every problem named by its key")
struct ConfigurationErrorTests {
    @Test("a misspelt key is refused with the closest known key")
    func unknownKeys() throws {
        let error = try refusal("""
            htpp:
              port: 80
            http:
              prot: 8081
            feed:
              public: {pth: /run/x.sock}
            port: 80
            zzzzzz: 1
            """)
        #expect(error.codes == Array(repeating: .unknownKey, count: 5))
        #expect(error.problem(at: "htpp")?.message.contains("http") == true)
        #expect(error.problem(at: "htpp")?.line == 1)
        #expect(error.problem(at: "http.prot")?.message.contains("http.port") == true)
        #expect(error.problem(at: "http.prot")?.line == 4)
        #expect(error.problem(at: "feed.public.pth")?.message.contains("feed.public.path") == true)
        // A key that belongs in another section: pointed there.
        #expect(error.problem(at: "port")?.message.contains("http.port") == true)
        #expect(error.problem(at: "zzzzzz")?.message == "未知的配置项 zzzzzz")
    }

    @Test("unknown keys inside list items and Sync's section are refused too")
    func unknownNestedKeys() throws {
        let error = try refusal("""
            appliance_id: A1
            sync:
              destinations:
                - name: bureau
                  url: https://fenju.example
                  tls: {client_cert: /etc/x.pem}
                  batchsize: 10
            readers:
              kiosks:
                - {device: k, reader: "sim:a", xiaoqus: [6f1c2e0a-3b7d-4c1e-9a55-0d2b8f9e4a11], allowed_address: [127.0.0.1]}
            """)
        #expect(error.problem(at: "sync.destinations[0].tls.client_cert")?.code == .unknownKey)
        #expect(error.problem(at: "sync.destinations[0].tls.client_cert")?.message.contains("client_certificate") == true)
        #expect(error.problem(at: "sync.destinations[0].batchsize")?.message.contains("sync.destinations[0].batch_size") == true)
        #expect(error.problem(at: "readers.kiosks[0].allowed_address")?.message.contains("allowed_addresses") == true)
        #expect(error.problems.count == 3)
    }

    @Test("all problems at once: types, ranges, relative paths, missing files, bad values")
    func collectsEverything() throws {
        let error = try refusal("""
            appliance_id: A1
            data_dir: var/lib/renfang
            readers:
              devices: [bogus, serial:/dev/ttyUSB0]
              usb: maybe
              extra_usb_ids: ["12:34 weird"]
              kiosks:
                - device: k
                  xiaoqus: [not-a-uuid]
            sync:
              destinations:
                - name: bureau
                  url: ftp://fenju.example
                  batch_size: 0
                  in_flight: many
                  tls:
                    client_certificate: /nonexistent/renfang/client.pem
                  retry: {jitter: 2}
                  kinds: [persn]
            watchlist: {dedupe_window: -1}
            http:
              port: 70000
              bind: somewhere
              tls_key: /nonexistent/renfang/key.pem
            feed:
              public: {mode: "0999", path: /run/renfang/same.sock}
              restricted: {path: /run/renfang/same.sock}
              heartbeat: [1]
            banner: just text
            retention: {card_read_days: 0, audit_days: 10}
            disk: {reserve_bytes: 10, floor_bytes: 20}
            logging: {level: loud}
            """)
        let expected: [(String, ConfigurationProblem.Code)] = [
            ("data_dir", .value),
            ("readers.devices[0]", .value),
            ("readers.usb", .type),
            ("readers.extra_usb_ids[0]", .value),
            ("readers.kiosks[0].reader", .missingKey),
            ("readers.kiosks[0].xiaoqus[0]", .value),
            ("sync.destinations[0].url", .value),
            ("sync.destinations[0].batch_size", .range),
            ("sync.destinations[0].in_flight", .type),
            ("sync.destinations[0].tls.client_certificate", .missingFile),
            ("sync.destinations[0].tls.client_key", .missingKey),
            ("sync.destinations[0].retry.jitter", .range),
            ("sync.destinations[0].kinds[0]", .value),
            ("watchlist.dedupe_window", .range),
            ("http.port", .range),
            ("http.bind", .value),
            ("http.tls_key", .missingFile),
            ("http.tls_certificate", .missingKey),
            ("feed.public.mode", .type),
            ("feed.restricted.path", .value),
            ("feed.heartbeat", .type),
            ("banner", .type),
            ("retention.card_read_days", .range),
            ("retention.audit_days", .value),
            ("disk.reserve_bytes", .range),
            ("logging.level", .value),
        ]
        for (key, code) in expected {
            #expect(error.problem(at: key)?.code == code, "\(key)")
        }
        #expect(error.problems.count == expected.count, "\(error)")
        let certificate = try #require(error.problem(at: "sync.destinations[0].tls.client_certificate"))
        #expect(certificate.message == "文件不存在：/nonexistent/renfang/client.pem")
        #expect(certificate.line == 17)
        #expect(error.problem(at: "sync.destinations[0].kinds[0]")?.message.contains("person") == true)
        // Problems come in file order, each line naming file, position, key and code.
        let lines = error.problems.compactMap(\.line)
        #expect(lines == lines.sorted())
        #expect(error.description.contains("test.yaml:17:"))
        #expect(error.description.contains("sync.destinations[0].tls.client_certificate: 文件不存在：/nonexistent/renfang/client.pem [config.missingFile]"))
        #expect(error.description.hasPrefix("配置文件 test.yaml 有 \(expected.count) 处错误"))
    }

    @Test("bad YAML is config.parse with line and column")
    func parseError() throws {
        let error = try refusal("http:\n  port: 8080\n  bind: [127.0.0.1\nfeed: {}\n")
        #expect(error.codes == [.parse])
        let problem = try #require(error.problems.first)
        #expect(problem.line != nil && problem.column != nil)
        #expect(problem.message.contains("第 \(problem.line!) 行"))
        let tabs = try refusal("http:\n\tport: 8080\n")
        #expect(tabs.codes == [.parse] && tabs.problems[0].line == 2)
    }

    @Test("a key given twice, a list where a mapping belongs, a top level that is not a mapping")
    func shapes() throws {
        let duplicate = try refusal("http:\n  port: 1\n  port: 2\n")
        #expect(duplicate.codes == [.duplicateKey] && duplicate.problems[0].key == "http.port" && duplicate.problems[0].line == 3)
        let list = try refusal("http: [1, 2]\nsync: {destinations: {name: a}}\n")
        #expect(list.problem(at: "http")?.code == .type)
        #expect(list.problem(at: "sync.destinations")?.code == .type)
        let scalar = try refusal("just a string\n")
        #expect(scalar.codes == [.type])
    }

    @Test("upstream destinations need appliance_id; Sync's own keys must agree with the appliance's")
    func syncAliases() throws {
        let missing = try refusal("sync: {destinations: [{name: bureau, url: 'https://a.example'}]}\n")
        #expect(missing.problem(at: "appliance_id")?.code == .missingKey)
        let ok = try RenfangConfiguration.parse(yaml: "sync: {appliance_id: A2, destinations: [{name: b, url: 'https://a.example'}]}\n")
        #expect(ok.sync.applianceId == "A2")
        let conflict = try refusal("appliance_id: A1\nsync: {appliance_id: A2, disk_floor_bytes: 5}\ndisk: {floor_bytes: 6}\n")
        #expect(conflict.problem(at: "sync.appliance_id")?.code == .value)
        #expect(conflict.problem(at: "sync.disk_floor_bytes")?.code == .value)
        let twice = try refusal("appliance_id: A1\nsync: {destinations: [{name: b, url: 'https://a.example'}, {name: b, url: 'https://b.example'}]}\n")
        #expect(twice.problem(at: "sync.destinations[1].name")?.code == .value)
    }

    @Test("a missing or unreadable configuration file is config.missingFile")
    func missingFile() throws {
        do {
            _ = try RenfangConfiguration.load(path: "/nonexistent/renfang/renfang.yaml")
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.codes == [.missingFile])
            #expect(error.problems[0].message.contains("/nonexistent/renfang/renfang.yaml"))
        }
    }

    @Test("codes are stable strings")
    func codes() {
        #expect(ConfigurationProblem.Code.allCases.map(\.rawValue) == [
            "config.parse", "config.unknownKey", "config.duplicateKey", "config.missingKey", "config.type", "config.range",
            "config.missingFile", "config.value",
        ])
    }
}
