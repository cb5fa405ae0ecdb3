import Feed
import Foundation
import Logging
import ReaderTransport
import Registry
import SAMProtocol
import Sync
import WebAPI
import Yams

extension RenfangConfiguration {
    /// Loads and validates the file at `path` (default ``defaultPath``).
    ///
    /// Throws ``ConfigurationError`` with every problem found: a missing or unreadable file
    /// (`config.missingFile`), bad YAML (`config.parse`, with line and column), unknown keys, wrong types,
    /// values out of range, relative paths, files named but missing. Reads nothing but the file and the
    /// existence of the files it names.
    public static func load(path: String = defaultPath) throws(ConfigurationError) -> RenfangConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigurationError(file: path, problems: [ConfigurationProblem(
                code: .missingFile, key: "", message: exists ? "配置文件无法读取（权限不足）：\(path)" : "配置文件不存在：\(path)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, problems: [ConfigurationProblem(code: .parse, key: "", message: "配置文件不是 UTF-8 文本")])
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates YAML text (`file` names it in messages).
    public static func parse(yaml text: String, file: String = defaultPath) throws(ConfigurationError) -> RenfangConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, problems: [parseProblem(error)])
        } catch {
            throw ConfigurationError(file: file, problems: [ConfigurationProblem(code: .parse, key: "", message: "\(error)")])
        }
        let (configuration, problems, _) = read(root)
        guard problems.isEmpty else { throw ConfigurationError(file: file, problems: problems) }
        return configuration
    }

    /// Reads a composed document; returns the configuration, the problems, and every key path the reader
    /// knows (arrays as `[]`), for the documentation tests.
    static func read(_ root: Node?) -> (RenfangConfiguration, [ConfigurationProblem], Set<String>) {
        let context = ConfigurationContext()
        if let root, !root.isMapping {
            context.report(.type, "", "配置文件的顶层应为映射（键: 值）", at: root)
        }
        let top = MappingReader(context: context, path: "", normalizedPath: "", node: root?.isMapping == true ? root : nil)
        var c = RenfangConfiguration()
        c.applianceId = top.string("appliance_id", default: c.applianceId)
        c.dataDirectory = top.path("data_dir", default: c.dataDirectory)
        c.keyFile = top.path("key_file", default: c.keyFile, requirement: .readableIfPresent)
        c.readers = readReaders(top.section("readers"))
        let diskSection = top.section("disk")
        c.disk = readDisk(diskSection)
        c.sync = readSync(top.section("sync"), top: top, applianceId: c.applianceId, disk: c.disk, diskSection: diskSection)
        if c.applianceId.isEmpty { c.applianceId = c.sync.applianceId }
        c.watchlist = readWatchlist(top.section("watchlist"))
        c.http = readHTTP(top.section("http"))
        c.feed = readFeed(top.section("feed"))
        c.banner = readBanner(top.section("banner"))
        c.retention = readRetention(top.section("retention"))
        c.logging = readLogging(top.section("logging"))
        return (c, context.finish(), context.knownPaths)
    }

    private static func parseProblem(_ error: YamlError) -> ConfigurationProblem {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "：")
            return ConfigurationProblem(code: .parse, key: "", message: "YAML 语法错误（第 \(mark.line) 行第 \(mark.column) 列）：\(what)",
                                        line: mark.line, column: mark.column)
        case let .reader(problem, offset, _, _):
            return ConfigurationProblem(code: .parse, key: "", message: "无法读取 YAML：\(problem)" + (offset.map { "（偏移 \($0)）" } ?? ""))
        default:
            return ConfigurationProblem(code: .parse, key: "", message: "YAML 错误：\(error)")
        }
    }

    // MARK: readers

    private static func readReaders(_ r: MappingReader) -> ReadersConfiguration {
        var readers = ReadersConfiguration()
        for (index, (text, node)) in (r.stringItems("devices") ?? []).enumerated() {
            do throws(ReaderError) {
                let name = try DeviceName(parsing: text)
                if case let .serial(path) = name, !path.hasPrefix("/") {
                    r.context.report(.value, "\(r.child("devices"))[\(index)]", "串口设备必须是绝对路径：\(text)", at: node)
                    continue
                }
                readers.devices.append(name)
            } catch {
                r.context.report(.value, "\(r.child("devices"))[\(index)]",
                                 "设备名无效：\(text)（应为 serial:/dev/ttyUSB0、usb:0400:c35a、pcsc:读卡器名 或 sim:名称）", at: node)
            }
        }
        readers.serialByUdev = r.bool("serial_udev", default: readers.serialByUdev)
        for (index, (glob, node)) in (r.stringItems("tty_globs") ?? []).enumerated() {
            if r.checkPath(glob, key: "\(r.child("tty_globs"))[\(index)]", node: node, requirement: .none) { readers.ttyGlobs.append(glob) }
        }
        readers.usb = r.bool("usb", default: readers.usb)
        readers.pcsc = r.bool("pcsc", default: readers.pcsc)
        readers.pcscGlob = r.optionalString("pcsc_glob")
        if let text = r.optionalString("default_xiaoqu") {
            if let id = UUID(uuidString: text) { readers.defaultXiaoqu = id } else { r.report(.value, "default_xiaoqu", "不是 UUID：\(text)") }
        }
        for (index, (text, node)) in (r.stringItems("extra_usb_ids") ?? []).enumerated() {
            guard let entry = USBKnownReader(configuration: text) else {
                r.context.report(.value, "\(r.child("extra_usb_ids"))[\(index)]",
                                 "无法识别：\(text)（应为“VID:PID 类型 [型号]”，类型为 split-pipe、single-pipe、single-pipe:N、hid 或 serial-bridge）", at: node)
                continue
            }
            readers.extraUSB.append(entry)
        }
        readers.readFingerprints = r.bool("read_fingerprints", default: readers.readFingerprints)
        readers.readAppendedAddress = r.bool("read_appended_address", default: readers.readAppendedAddress)
        var devices: Set<String> = []
        for k in r.list("kiosks") {
            let device = k.string("device", default: "")
            if device.isEmpty {
                k.report(.missingKey, "device", "缺少 device（自助终端的名称）")
            } else if !devices.insert(device).inserted {
                k.report(.value, "device", "自助终端 \(device) 重复配置")
            }
            let reader = k.string("reader", default: "")
            if reader.isEmpty {
                k.report(.missingKey, "reader", "缺少 reader（该终端使用的读卡器设备名）")
            } else {
                do throws(ReaderError) { _ = try DeviceName(parsing: reader) } catch {
                    k.report(.value, "reader", "设备名无效：\(reader)")
                }
            }
            var xiaoqus: Set<UUID> = []
            let items = k.stringItems("xiaoqus") ?? []
            if items.isEmpty { k.report(.missingKey, "xiaoqus", "缺少 xiaoqus（该终端可登记的小区 UUID 列表）") }
            for (index, (text, node)) in items.enumerated() {
                guard let id = UUID(uuidString: text) else {
                    k.context.report(.value, "\(k.child("xiaoqus"))[\(index)]", "不是 UUID：\(text)", at: node)
                    continue
                }
                xiaoqus.insert(id)
            }
            var addresses: Set<String> = ["127.0.0.1", "::1"]
            if let items = k.stringItems("allowed_addresses") {
                addresses = []
                for (index, (text, node)) in items.enumerated() {
                    guard isIPAddress(text) else {
                        k.context.report(.value, "\(k.child("allowed_addresses"))[\(index)]", "不是 IP 地址：\(text)", at: node)
                        continue
                    }
                    addresses.insert(text)
                }
            }
            readers.kiosks.append(KioskBinding(device: device, reader: reader, xiaoqus: xiaoqus, allowedAddresses: addresses))
        }
        return readers
    }

    // MARK: sync

    private static func readSync(_ s: MappingReader, top: MappingReader, applianceId: String, disk: DiskConfiguration,
                                diskSection: MappingReader) -> SyncConfiguration {
        var sync = SyncConfiguration(applianceId: applianceId, destinations: [])
        // Sync's own documented keys (README "The sync queue") are accepted; the appliance-wide ones win
        // when they agree and are refused when they contradict.
        if let own = s.optionalString("appliance_id") {
            if !applianceId.isEmpty && own != applianceId {
                s.report(.value, "appliance_id", "与 appliance_id（\(applianceId)）不一致：\(own)")
            }
            sync.applianceId = own
        }
        sync.diskReserveBytes = disk.reserveBytes
        sync.diskFloorBytes = disk.floorBytes
        for (key, own, value) in [("disk_reserve_bytes", "reserve_bytes", disk.reserveBytes), ("disk_floor_bytes", "floor_bytes", disk.floorBytes)] {
            guard s.isPresent(key) else { continue }
            let n = Int64(s.int(key, default: Int(value), range: 0...(1 << 50), unit: " 字节"))
            if diskSection.isPresent(own) && n != value {
                s.report(.value, key, "与 disk.\(own)（\(value)）不一致：\(n)")
            }
            if key == "disk_reserve_bytes" { sync.diskReserveBytes = n } else { sync.diskFloorBytes = n }
        }
        if (s.isPresent("disk_reserve_bytes") || s.isPresent("disk_floor_bytes")) && sync.diskReserveBytes < sync.diskFloorBytes {
            s.report(.range, "disk_reserve_bytes", "不能小于 disk_floor_bytes")
        }
        sync.priorityKinds = Set(kinds(s, "priority_kinds", default: Array(sync.priorityKinds), allowAll: false))
        sync.signingKeyFile = s.optionalPath("signing_key", requirement: .file)

        let destinations = s.list("destinations")
        if !destinations.isEmpty && sync.applianceId.isEmpty {
            top.report(.missingKey, "appliance_id", "配置了上级服务器（sync.destinations）时必须填写 appliance_id")
        }
        var names: Set<String> = []
        for d in destinations {
            let name = d.string("name", default: "")
            if name.isEmpty {
                d.report(.missingKey, "name", "缺少 name（如 bureau、province）")
            } else if !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                d.report(.value, "name", "只能由字母、数字、- 和 _ 组成：\(name)")
            } else if !names.insert(name).inserted {
                d.report(.value, "name", "重复：\(name)")
            }
            let url = d.string("url", default: "")
            if url.isEmpty {
                d.report(.missingKey, "url", "缺少 url（上级服务器地址，如 https://fenju.example/renfang）")
            } else if !isURL(url, schemes: ["http", "https"]) {
                d.report(.value, "url", "不是 http(s) 地址：\(url)")
            }
            var destination = DestinationConfiguration(name: name, url: url)
            destination.kinds = kinds(d, "kinds", default: destination.kinds, allowAll: true)
            destination.batchSize = d.int("batch_size", default: destination.batchSize, range: 1...10_000)
            destination.inFlight = d.int("in_flight", default: destination.inFlight, range: 1...4)
            let t = d.section("tls")
            destination.tls.caFile = t.optionalPath("ca_file", requirement: .file)
            destination.tls.clientCertificate = t.optionalPath("client_certificate", requirement: .file)
            destination.tls.clientKey = t.optionalPath("client_key", requirement: .file)
            if t.hasText("client_certificate") != t.hasText("client_key") {
                let missing = t.hasText("client_certificate") ? "client_key" : "client_certificate"
                t.report(.missingKey, missing, "client_certificate 和 client_key 须同时配置")
            }
            if let pin = t.optionalString("pinned_public_key") {
                let ok = pin.split(separator: ";").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("sha256//") }
                if ok { destination.tls.pinnedPublicKey = pin } else { t.report(.value, "pinned_public_key", "应为 sha256//BASE64（多个以 ; 分隔）") }
            }
            if let proxy = d.optionalString("proxy") {
                if isURL(proxy, schemes: ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]) { destination.proxy = proxy }
                else { d.report(.value, "proxy", "应为 http://主机:端口 或 socks5h://主机:端口：\(proxy)") }
            }
            destination.bearerToken = d.optionalString("bearer_token")
            destination.connectTimeout = d.double("connect_timeout", default: destination.connectTimeout, range: 0.1...600, unit: " 秒")
            destination.requestTimeout = d.double("request_timeout", default: destination.requestTimeout, range: 0.1...3600, unit: " 秒")
            let r = d.section("retry")
            var retry = RetryPolicy()
            retry.initialDelay = r.double("initial_delay", default: retry.initialDelay, range: 0.001...86_400, unit: " 秒")
            retry.maximumDelay = r.double("maximum_delay", default: retry.maximumDelay, range: 0.001...86_400, unit: " 秒")
            retry.multiplier = r.double("multiplier", default: retry.multiplier, range: 1...100)
            retry.jitter = r.double("jitter", default: retry.jitter, range: 0...1)
            retry.maximumRetryAfter = r.double("maximum_retry_after", default: retry.maximumRetryAfter, range: 0...604_800, unit: " 秒")
            if retry.maximumDelay < retry.initialDelay {
                r.report(.range, "maximum_delay", "不能小于 initial_delay（\(retry.initialDelay) 秒）")
            }
            destination.retry = retry
            destination.idlePollInterval = d.double("idle_poll_interval", default: destination.idlePollInterval, range: 0.01...3600, unit: " 秒")
            destination.inboxInterval = d.double("inbox_interval", default: destination.inboxInterval, range: 0...86_400, unit: " 秒")
            destination.reconcileInterval = d.double("reconcile_interval", default: destination.reconcileInterval, range: 0...604_800, unit: " 秒")
            destination.linger = d.double("linger", default: destination.linger, range: 0...10, unit: " 秒")
            sync.destinations.append(destination)
        }
        // The Sync module's own check, as a safety net for anything above that it knows better.
        if !destinations.isEmpty, !s.context.problemsMention(prefix: "sync") && !sync.applianceId.isEmpty {
            do { try sync.validate() } catch { s.report(.value, "", "\(error)") }
        }
        return sync
    }

    private static func kinds(_ m: MappingReader, _ key: String, default fallback: [String], allowAll: Bool) -> [String] {
        guard let items = m.stringItems(key) else { return fallback }
        let known = Set(RecordKind.allCases.map(\.rawValue))
        var result: [String] = []
        for (index, (text, node)) in items.enumerated() {
            guard known.contains(text) || (allowAll && text == "*") else {
                let hint = known.min { editDistance(text, $0) < editDistance(text, $1) }.map { "（是否为 \($0)？）" } ?? ""
                m.context.report(.value, "\(m.child(key))[\(index)]", "未知的记录类型：\(text)\(hint)", at: node)
                continue
            }
            result.append(text)
        }
        return result
    }

    // MARK: the other sections

    private static func readWatchlist(_ w: MappingReader) -> WatchlistConfiguration {
        var watchlist = WatchlistConfiguration()
        watchlist.trustedKeysPath = w.path("trusted_keys", default: watchlist.trustedKeysPath, requirement: .readableIfPresent)
        watchlist.dedupeWindowSeconds = w.int("dedupe_window", default: watchlist.dedupeWindowSeconds, range: 0...86_400, unit: " 秒")
        return watchlist
    }

    private static func readHTTP(_ h: MappingReader) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        let bind = h.string("bind", default: http.bind)
        if isIPAddress(bind) || bind == "localhost" { http.bind = bind } else { h.report(.value, "bind", "应为 IP 地址（如 127.0.0.1、0.0.0.0、::）：\(bind)") }
        http.port = h.int("port", default: http.port, range: 1...65_535)
        http.tlsCertificate = h.optionalPath("tls_certificate", requirement: .file)
        http.tlsKey = h.optionalPath("tls_key", requirement: .file)
        if h.hasText("tls_certificate") != h.hasText("tls_key") {
            h.report(.missingKey, h.hasText("tls_certificate") ? "tls_key" : "tls_certificate", "tls_certificate 和 tls_key 须同时配置")
        }
        if let node = h.value("secure_cookies"), case let .scalar(s) = node, s.string.lowercased() == "auto" {
            http.secureCookies = nil
        } else if h.isPresent("secure_cookies") {
            http.secureCookies = h.bool("secure_cookies", default: false)
        }
        http.sessionIdleSeconds = h.int("session_idle", default: http.sessionIdleSeconds, range: 60...86_400, unit: " 秒")
        http.maxUploadBytes = h.int("max_upload_bytes", default: http.maxUploadBytes, range: 1024...(4 << 30), unit: " 字节")
        http.pagesDirectory = h.path("pages_dir", default: http.pagesDirectory)
        return http
    }

    private static func readFeed(_ f: MappingReader) -> FeedConfiguration {
        var feed = FeedConfiguration()
        func socket(_ s: MappingReader, _ fallback: FeedConfiguration.Socket) -> FeedConfiguration.Socket {
            var socket = fallback
            socket.path = s.path("path", default: fallback.path)
            socket.mode = s.mode("mode", default: fallback.mode)
            if s.isPresent("group") {
                let group = s.string("group", default: "")
                if group.isEmpty || group.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
                    socket.group = group.isEmpty ? nil : group
                } else {
                    s.report(.value, "group", "不是有效的组名：\(group)")
                }
            } else {
                _ = s.value("group")
            }
            return socket
        }
        let publicSection = f.section("public"), restrictedSection = f.section("restricted")
        feed.publicSocket = socket(publicSection, feed.publicSocket)
        feed.restrictedSocket = socket(restrictedSection, feed.restrictedSocket)
        if feed.publicSocket.path == feed.restrictedSocket.path {
            restrictedSection.report(.value, "path", "不能与 feed.public.path 相同：预警只能走单独的套接字")
        }
        feed.heartbeatSeconds = f.int("heartbeat", default: feed.heartbeatSeconds, range: 1...3600, unit: " 秒")
        return feed
    }

    private static func readBanner(_ b: MappingReader) -> BannerConfiguration {
        var banner = BannerConfiguration()
        banner.welcome = b.string("welcome", default: banner.welcome)
        banner.notices = b.strings("notices", default: banner.notices)
        banner.showDate = b.bool("show_date", default: banner.showDate)
        return banner
    }

    private static func readRetention(_ r: MappingReader) -> RetentionConfiguration {
        var retention = RetentionConfiguration()
        retention.acknowledgedOutboxDays = r.int("acknowledged_outbox_days", default: retention.acknowledgedOutboxDays, range: 1...3650, unit: " 天")
        retention.cardReadDays = r.int("card_read_days", default: retention.cardReadDays, range: 1...3650, unit: " 天")
        retention.sessionDays = r.int("session_days", default: retention.sessionDays, range: 1...3650, unit: " 天")
        for key in ["audit", "audit_days", "audit_log_days"] where r.entries.contains(where: { $0.key == key }) {
            r.consume(key)
            r.report(.value, key, "审计日志永不删除，没有保留期可配置")
        }
        return retention
    }

    private static func readDisk(_ d: MappingReader) -> DiskConfiguration {
        var disk = DiskConfiguration()
        disk.reserveBytes = Int64(d.int("reserve_bytes", default: Int(disk.reserveBytes), range: 0...(1 << 50), unit: " 字节"))
        disk.floorBytes = Int64(d.int("floor_bytes", default: Int(disk.floorBytes), range: 0...(1 << 50), unit: " 字节"))
        if disk.reserveBytes < disk.floorBytes {
            d.report(.range, "reserve_bytes", "不能小于 disk.floor_bytes（\(disk.floorBytes)）")
        }
        return disk
    }

    private static func readLogging(_ l: MappingReader) -> LoggingConfiguration {
        var logging = LoggingConfiguration()
        let text = l.string("level", default: logging.level.rawValue)
        if let level = Logger.Level(rawValue: text.lowercased()) { logging.level = level } else {
            l.report(.value, "level", "未知的日志级别：\(text)（trace、debug、info、notice、warning、error、critical）")
        }
        return logging
    }
}

/// Whether `text` is an IPv4 or IPv6 address literal.
func isIPAddress(_ text: String) -> Bool {
    var v4 = in_addr(), v6 = in6_addr()
    return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
}

/// Whether `text` is an absolute URL with one of `schemes` and a host.
func isURL(_ text: String, schemes: Set<String>) -> Bool {
    guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
          let host = url.host, !host.isEmpty else { return false }
    return true
}

extension ConfigurationContext {
    /// Whether a problem was already reported under `prefix`.
    func problemsMention(prefix: String) -> Bool {
        problems.contains { $0.key == prefix || $0.key.hasPrefix(prefix + ".") }
    }
}


extension RenfangConfiguration {
    /// Every key path the reader knows after reading `yaml` (arrays as `[]`; the keys of list items only
    /// when the text has an item). For the documentation tests.
    static func knownKeyPaths(yaml: String) throws -> Set<String> {
        read(try Yams.compose(yaml: yaml)).2
    }

    /// The key paths written in `yaml` (arrays as `[]`). For the documentation tests.
    static func writtenKeyPaths(yaml: String) throws -> Set<String> {
        var paths: Set<String> = []
        func walk(_ node: Node, _ path: String) {
            switch node {
            case let .mapping(mapping):
                for (key, value) in mapping {
                    let child = path.isEmpty ? key.string ?? "" : path + "." + (key.string ?? "")
                    paths.insert(child)
                    walk(value, child)
                }
            case let .sequence(sequence):
                for item in sequence { walk(item, path + "[]") }
            case .scalar:
                break
            }
        }
        if let root = try Yams.compose(yaml: yaml) { walk(root, "") }
        return paths
    }
}
