import Synchronization

/// The fault-injection switches of the reference server, changed at run time (control endpoint, `fault`
/// command) and read by every connection and request.
public final class FaultSwitches: Sendable {
    private let state = Mutex(State())

    /// A snapshot of the switches.
    public struct State: Sendable, Hashable, Codable {
        /// Accept connections and close them at once (with a reset).
        public var refuse = false
        /// Answer `500 server.internal`.
        public var error500 = false
        /// Answer `429 server.overloaded` with this Retry-After (seconds).
        public var overloaded: Int?
        /// Answer `503 server.unavailable` with this Retry-After (seconds).
        public var unavailable: Int?
        /// Read requests and never answer them while on.
        public var hang = false
        /// Send the headers and part of the body, then reset the connection.
        public var reset = false
        /// Process and commit, then close the connection without answering.
        public var drop = false
        /// Kinds rejected permanently (`record.kindRefused`).
        public var rejectKinds: Set<String> = []

        /// The switches that are on, as `fault` commands (`none` if none).
        public var summary: String {
            var on: [String] = []
            if refuse { on.append("refuse") }
            if error500 { on.append("error500") }
            if let overloaded { on.append("overloaded=\(overloaded)") }
            if let unavailable { on.append("unavailable=\(unavailable)") }
            if hang { on.append("hang") }
            if reset { on.append("reset") }
            if drop { on.append("drop") }
            on += rejectKinds.sorted().map { "reject-kind=\($0)" }
            return on.isEmpty ? "none" : on.joined(separator: " ")
        }
    }

    /// All switches off.
    public init() {}

    /// The current switches.
    public var current: State { state.withLock { $0 } }

    /// Applies one command: `none`, `refuse`, `error500`, `overloaded[=S]`, `unavailable[=S]`, `hang`,
    /// `reset`, `drop`, `reject-kind=KIND`, or `off NAME[=VALUE]` to turn one off (`off reject-kind` clears
    /// every kind). Throws `upstream.config` for anything else.
    @discardableResult
    public func apply(_ command: String) throws -> State {
        var words = command.split(separator: " ").map(String.init)
        let off = words.first == "off"
        if off { words.removeFirst() }
        guard words.count == 1 else { throw UpstreamError("upstream.config", "fault command is one switch: \(command)") }
        let parts = words[0].split(separator: "=", maxSplits: 1).map(String.init)
        let name = parts[0]
        let value = parts.count > 1 ? parts[1] : nil
        func seconds() throws -> Int {
            guard let value else { return 2 }
            guard let number = Int(value), number >= 0 else { throw UpstreamError("upstream.config", "\(name) takes seconds: \(value)") }
            return number
        }
        let on = !off
        return try state.withLock { state in
            switch name {
            case "none": state = State()
            case "refuse": state.refuse = on
            case "error500": state.error500 = on
            case "overloaded": state.overloaded = on ? try seconds() : nil
            case "unavailable": state.unavailable = on ? try seconds() : nil
            case "hang": state.hang = on
            case "reset": state.reset = on
            case "drop": state.drop = on
            case "reject-kind":
                if on {
                    guard let value, !value.isEmpty else { throw UpstreamError("upstream.config", "reject-kind needs =KIND") }
                    state.rejectKinds.insert(value)
                } else if let value {
                    state.rejectKinds.remove(value)
                } else {
                    state.rejectKinds = []
                }
            default: throw UpstreamError("upstream.config", "unknown fault \(name)")
            }
            return state
        }
    }
}
