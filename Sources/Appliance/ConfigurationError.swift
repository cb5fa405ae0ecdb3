/// One thing wrong with the configuration file, naming the key.
///
/// `description` reads like `renfang.yaml:14:5: sync.destinations[0].tls.client_certificate: 文件不存在：/etc/…
/// [config.missingFile]`.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// Stable codes: tests, the daemon's exit message and the operator's documentation rely on them.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file is not valid YAML (line and column given).
        case parse = "config.parse"
        /// A key the configuration does not have (a typo is never silently ignored).
        case unknownKey = "config.unknownKey"
        /// The same key twice in one mapping.
        case duplicateKey = "config.duplicateKey"
        /// A required key is missing.
        case missingKey = "config.missingKey"
        /// A value of the wrong type (a word where a number belongs, a list where a mapping belongs…).
        case type = "config.type"
        /// A number outside its allowed range.
        case range = "config.range"
        /// A file or directory that must exist does not, or cannot be read.
        case missingFile = "config.missingFile"
        /// A value of the right type that is still wrong: a relative path, a bad URL, a bad device name,
        /// two keys that contradict each other.
        case value = "config.value"
    }

    /// What kind of problem.
    public var code: Code
    /// The key path: `http.port`, `sync.destinations[0].url`, `readers.kiosks[1].xiaoqus[0]`;
    /// empty for the file as a whole.
    public var key: String
    /// Chinese operator text (without the key).
    public var message: String
    /// Line of the offending node (1-based), when known.
    public var line: Int?
    /// Column of the offending node (1-based), when known.
    public var column: Int?

    /// A problem.
    public init(code: Code, key: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.key = key
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = ""
        if let line { text += "\(line):\(column ?? 1): " }
        if !key.isEmpty { text += key + ": " }
        return text + message + " [\(code.rawValue)]"
    }
}

/// The configuration was refused: every problem found, in file order. Nothing was started and no stored
/// data was touched.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file.
    public var file: String
    /// All problems found (at least one).
    public var problems: [ConfigurationProblem]

    /// An error.
    public init(file: String, problems: [ConfigurationProblem]) {
        self.file = file
        self.problems = problems
    }

    /// The codes of the problems, in order.
    public var codes: [ConfigurationProblem.Code] { problems.map(\.code) }

    /// The problem about `key`, if any.
    public func problem(at key: String) -> ConfigurationProblem? { problems.first { $0.key == key } }

    public var description: String {
        let name = file.isEmpty ? "renfang.yaml" : file
        let header = "配置文件 \(name) 有 \(problems.count) 处错误，renfangd 未启动："
        return ([header] + problems.map { "  \(name):\($0)" }).joined(separator: "\n")
    }
}
