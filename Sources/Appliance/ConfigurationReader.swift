import Foundation
import Yams

// The reader behind RenfangConfiguration: walks the YAML node tree (Yams.compose) key by key, records
// every key it asks for (so the unknown ones can be named, with the closest known one), and collects
// every problem instead of stopping at the first. It only reads the file and looks at the files the
// configuration names (stat/access): it never opens, creates or changes stored data.

/// What a path value must be on disk.
enum PathRequirement {
    /// Only absolute.
    case none
    /// An existing, readable regular file.
    case file
    /// An existing directory.
    case directory
    /// Absolute; when it exists, a readable file or directory.
    case readableIfPresent
}

/// Collects problems and known keys over the whole file.
final class ConfigurationContext {
    private(set) var problems: [ConfigurationProblem] = []
    /// Every key path asked for, arrays normalised (`sync.destinations[].url`).
    private(set) var knownPaths: Set<String> = []
    private var mappings: [MappingReader] = []

    func report(_ code: ConfigurationProblem.Code, _ key: String, _ message: String, at node: Node? = nil) {
        problems.append(ConfigurationProblem(code: code, key: key, message: message, line: node?.mark?.line, column: node?.mark?.column))
    }

    func register(_ normalizedPath: String) { knownPaths.insert(normalizedPath) }

    func register(_ mapping: MappingReader) { mappings.append(mapping) }

    /// Names every key nobody asked for, with the closest known key; then sorts the problems by position.
    func finish() -> [ConfigurationProblem] {
        for mapping in mappings {
            for entry in mapping.entries where !mapping.known.contains(entry.key) {
                let path = mapping.child(entry.key)
                var message = "未知的配置项 \(entry.key)"
                if let hint = suggestion(for: entry.key, in: mapping) { message += "（是否应为 \(hint)？）" }
                report(.unknownKey, path, message, at: entry.keyNode)
            }
        }
        // File order: problems with a position first by position, then those without (derived checks).
        let indexed = problems.enumerated().map { ($0.offset, $0.element) }
        return indexed.sorted { a, b in
            switch (a.1.line, b.1.line) {
            case let (l?, r?): return (l, a.1.column ?? 0, a.0) < (r, b.1.column ?? 0, b.0)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.0 < b.0
            }
        }.map(\.1)
    }

    /// The closest key of the same mapping, else the same key known somewhere else in the file.
    private func suggestion(for key: String, in mapping: MappingReader) -> String? {
        // An abbreviation of a known key (`client_cert` for `client_certificate`) before edit distance.
        if key.count >= 4, let prefixed = mapping.known.filter({ $0.hasPrefix(key.lowercased()) }).min(by: { $0.count < $1.count }) {
            return mapping.child(prefixed)
        }
        let local = mapping.known.filter { isLikelyTypo(key, of: $0) }
            .map { ($0, editDistance(key.lowercased(), $0)) }
            .min { ($0.1, $0.0) < ($1.1, $1.0) }
        if let local { return mapping.child(local.0) }
        let elsewhere = knownPaths.filter { path in
            let last = path.split(separator: ".").last.map(String.init) ?? path
            return last == key || (key.count > 3 && isLikelyTypo(key, of: last))
        }.sorted()
        return elsewhere.first
    }
}

/// The edit distance of two strings (by Unicode scalar), a swap of neighbours counting as one edit.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// Whether `key` looks like a misspelling of `known`: a few edits, or a shortening of it.
func isLikelyTypo(_ key: String, of known: String) -> Bool {
    let key = key.lowercased()
    if key.count >= 4 && known.hasPrefix(key) { return true }
    return editDistance(key, known) <= max(1, min(3, known.count / 3))
}

/// One YAML mapping being read: hands out typed values with defaults and remembers which keys exist.
final class MappingReader {
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    let context: ConfigurationContext
    /// The key path of this mapping as written (`sync.destinations[0]`); empty at the top.
    let path: String
    /// The same with array indexes dropped (`sync.destinations[]`).
    let normalizedPath: String
    /// The mapping's node (nil when the section is absent).
    let node: Node?
    private(set) var entries: [Entry] = []
    private(set) var known: Set<String> = []

    init(context: ConfigurationContext, path: String, normalizedPath: String, node: Node?) {
        self.context = context
        self.path = path
        self.normalizedPath = normalizedPath
        self.node = node
        if case let .mapping(mapping)? = node {
            var seen: Set<String> = []
            for (keyNode, value) in mapping {
                guard case let .scalar(scalar) = keyNode else {
                    context.report(.type, path, "配置项的名称必须是文字", at: keyNode)
                    continue
                }
                guard seen.insert(scalar.string).inserted else {
                    context.report(.duplicateKey, child(scalar.string), "配置项重复出现", at: keyNode)
                    continue
                }
                entries.append(Entry(key: scalar.string, keyNode: keyNode, value: value))
            }
        }
        context.register(self)
    }

    func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
    private func normalizedChild(_ key: String) -> String { normalizedPath.isEmpty ? key : normalizedPath + "." + key }

    /// The value of `key`, registering the key as known; nil when absent or null (`key:` / `key: ~`).
    func value(_ key: String) -> Node? {
        known.insert(key)
        context.register(normalizedChild(key))
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case let .scalar(s) = entry.value, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return nil }
        return entry.value
    }

    /// Marks `key` as handled without making it a documented key (a key refused with its own message).
    func consume(_ key: String) { known.insert(key) }

    /// Whether `key` is written with a non-empty scalar value.
    func hasText(_ key: String) -> Bool {
        if case let .scalar(s)? = value(key) { return !s.string.isEmpty }
        return false
    }

    /// Whether `key` is written in the file with a non-null value.
    func isPresent(_ key: String) -> Bool { value(key) != nil }

    /// The node of `key` for positions in messages (the value, else the mapping).
    func position(_ key: String) -> Node? { entries.first { $0.key == key }?.value ?? node }

    // MARK: Scalars

    private func scalar(_ key: String, _ what: String) -> (String, Node)? {
        guard let node = value(key) else { return nil }
        guard case let .scalar(s) = node else {
            context.report(.type, child(key), "应为\(what)，而不是\(node.isMapping ? "映射" : "列表")", at: node)
            return nil
        }
        return (s.string, node)
    }

    func string(_ key: String, default fallback: String) -> String {
        scalar(key, "文字")?.0 ?? fallback
    }

    func optionalString(_ key: String) -> String? {
        guard let text = scalar(key, "文字")?.0, !text.isEmpty else { return nil }
        return text
    }

    func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let (text, node) = scalar(key, "true 或 false") else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            context.report(.type, child(key), "应为 true 或 false，而不是 \(text)", at: node)
            return fallback
        }
    }

    func int(_ key: String, default fallback: Int, range: ClosedRange<Int>, unit: String = "") -> Int {
        guard let (text, node) = scalar(key, "整数") else { return fallback }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            context.report(.type, child(key), "应为整数，而不是 \(text)", at: node)
            return fallback
        }
        guard range.contains(value) else {
            context.report(.range, child(key), "\(value) 超出范围，应在 \(range.lowerBound)\(unit) 到 \(range.upperBound)\(unit) 之间", at: node)
            return fallback
        }
        return value
    }

    func double(_ key: String, default fallback: Double, range: ClosedRange<Double>, unit: String = "") -> Double {
        guard let (text, node) = scalar(key, "数字") else { return fallback }
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite else {
            context.report(.type, child(key), "应为数字，而不是 \(text)", at: node)
            return fallback
        }
        guard range.contains(value) else {
            context.report(.range, child(key), "\(format(value)) 超出范围，应在 \(format(range.lowerBound))\(unit) 到 \(format(range.upperBound))\(unit) 之间", at: node)
            return fallback
        }
        return value
    }

    /// A file mode written in octal (`0660`, `"0660"`, `660`).
    func mode(_ key: String, default fallback: mode_t) -> mode_t {
        guard let (text, node) = scalar(key, "八进制权限") else { return fallback }
        var digits = Substring(text)
        if digits.hasPrefix("0o") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ ("0"..."7").contains($0) }), let value = mode_t(digits, radix: 8) else {
            context.report(.type, child(key), "应为八进制权限（如 0660），而不是 \(text)", at: node)
            return fallback
        }
        guard value <= 0o777 else {
            context.report(.range, child(key), "\(text) 超出范围，应在 0000 到 0777 之间", at: node)
            return fallback
        }
        return value
    }

    /// An absolute path, checked on disk as `requirement` says.
    func path(_ key: String, default fallback: String, requirement: PathRequirement = .none) -> String {
        optionalPath(key, requirement: requirement) ?? fallback
    }

    func optionalPath(_ key: String, requirement: PathRequirement = .none) -> String? {
        guard let (text, node) = scalar(key, "路径"), !text.isEmpty else { return nil }
        return checkPath(text, key: child(key), node: node, requirement: requirement) ? text : nil
    }

    /// Checks an absolute path against `requirement`; reports and returns false when it fails.
    func checkPath(_ text: String, key: String, node: Node?, requirement: PathRequirement) -> Bool {
        guard text.hasPrefix("/") else {
            context.report(.value, key, "路径必须是绝对路径（以 / 开头）：\(text)", at: node)
            return false
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory)
        switch requirement {
        case .none:
            return true
        case .file:
            guard exists else { context.report(.missingFile, key, "文件不存在：\(text)", at: node); return false }
            guard !isDirectory.boolValue else { context.report(.missingFile, key, "应为文件，而这是目录：\(text)", at: node); return false }
        case .directory:
            guard exists else { context.report(.missingFile, key, "目录不存在：\(text)", at: node); return false }
            guard isDirectory.boolValue else { context.report(.missingFile, key, "应为目录，而这是文件：\(text)", at: node); return false }
        case .readableIfPresent:
            guard exists else { return true }
        }
        guard access(text, R_OK) == 0 else {
            context.report(.missingFile, key, "无法读取（权限不足）：\(text)", at: node)
            return false
        }
        return true
    }

    // MARK: Collections

    /// A list of scalars (a single scalar is taken as a one-element list).
    func strings(_ key: String, default fallback: [String]) -> [String] {
        stringItems(key)?.map(\.0) ?? fallback
    }

    /// The scalars of a list with their nodes, for per-item checks; nil when absent.
    func stringItems(_ key: String) -> [(String, Node)]? {
        guard let node = value(key) else { return nil }
        switch node {
        case let .scalar(s): return [(s.string, node)]
        case .mapping:
            context.report(.type, child(key), "应为列表，而不是映射", at: node)
            return nil
        case let .sequence(sequence):
            var items: [(String, Node)] = []
            for (index, item) in sequence.enumerated() {
                guard case let .scalar(s) = item else {
                    context.report(.type, "\(child(key))[\(index)]", "应为文字，而不是\(item.isMapping ? "映射" : "列表")", at: item)
                    continue
                }
                items.append((s.string, item))
            }
            return items
        }
    }

    /// A sub-section; an empty reader when absent (every key then takes its default).
    func section(_ key: String) -> MappingReader {
        let node = value(key)
        if let node, !node.isMapping {
            context.report(.type, child(key), "应为映射（缩进的“键: 值”），而不是\(node.isSequence ? "列表" : "单个值")", at: node)
            return MappingReader(context: context, path: child(key), normalizedPath: normalizedChild(key), node: nil)
        }
        return MappingReader(context: context, path: child(key), normalizedPath: normalizedChild(key), node: node)
    }

    /// A list of mappings (`- name: …`); empty when absent.
    func list(_ key: String) -> [MappingReader] {
        guard let node = value(key) else {
            // Register the element path so the keys of an empty list's elements are still known.
            return []
        }
        guard case let .sequence(sequence) = node else {
            context.report(.type, child(key), "应为列表（以 - 开头的项），而不是\(node.isMapping ? "映射" : "单个值")", at: node)
            return []
        }
        var readers: [MappingReader] = []
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(child(key))[\(index)]"
            guard item.isMapping else {
                context.report(.type, itemPath, "列表项应为映射（键: 值），而不是\(item.isSequence ? "列表" : "单个值")", at: item)
                continue
            }
            readers.append(MappingReader(context: context, path: itemPath, normalizedPath: normalizedChild(key) + "[]", node: item))
        }
        return readers
    }

    /// Reports a problem about `key` of this mapping, at its position.
    func report(_ code: ConfigurationProblem.Code, _ key: String, _ message: String) {
        context.report(code, key.isEmpty ? path : child(key), message, at: key.isEmpty ? node : position(key))
    }
}

private func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}

extension Node {
    var isMapping: Bool { if case .mapping = self { true } else { false } }
    var isSequence: Bool { if case .sequence = self { true } else { false } }
}
