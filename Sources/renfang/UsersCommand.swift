import Accounts
import ArgumentParser
import Foundation
import Registry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `renfang users add|passwd|lock|unlock|list`: the operator accounts, run on the box as the security
/// officer (actor `local-security`). Passwords come from a prompt without echo or from `--password-stdin`,
/// never from the command line. Every change is audited in the register.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "操作员账户 / Operator accounts: add, passwd, lock, unlock, list.",
        discussion: """
            Exit status: 0 done, 1 refused (the reason's code and text on stderr, e.g. auth.passwordWeak), \
            2 the register cannot be opened.
            """,
        subcommands: [Add.self, Passwd.self, Lock.self, Unlock.self, SetRole.self, List.self]
    )

    /// The actor of the command line: the security officer at the box.
    static let actor = Actor(userId: "local-security", role: .securityOfficer)
}

/// The password options shared by add and passwd.
struct PasswordInputOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the password from the first line of standard input (for scripts).")
    var passwordStdin = false

    /// The password: stdin's first line, or asked twice on the terminal without echo.
    func read() throws -> String {
        if passwordStdin {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            var text = String(decoding: data, as: UTF8.self)
            if let newline = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                text = String(text[..<newline])
            }
            guard !text.isEmpty else {
                printError("标准输入中没有密码 / no password on standard input")
                throw ExitCode(1)
            }
            return text
        }
        guard let first = TerminalPassword.prompt("新密码 / new password: ") else {
            printError("没有终端可输入密码，请使用 --password-stdin / no terminal: use --password-stdin")
            throw ExitCode(1)
        }
        guard let second = TerminalPassword.prompt("再输入一次 / again: "), second == first else {
            printError("两次输入的密码不一致 / the passwords differ")
            throw ExitCode(1)
        }
        return first
    }
}

/// Reads a line from /dev/tty with echo off.
enum TerminalPassword {
    static func prompt(_ text: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { return nil }
        defer { _ = tcsetattr(fd, TCSAFLUSH, &saved) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == 0x0A || byte == 0x0D { break }
            bytes.append(byte)
            if bytes.count > 4096 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UsersCommand {
    /// Opens the register and the accounts over it (exit 2 when either cannot be opened).
    static func open(_ options: RegisterOptions, _ log: LogOptions) throws -> (RegisterStore, AccountStore) {
        log.bootstrap()
        let register = try options.openExisting()
        do {
            return (register, try AccountStore(register: register))
        } catch let error as AccountError {
            try? register.close()
            printError("无法打开账户表 / cannot open the accounts: \(error.code): \(error.message)")
            throw ExitCode(2)
        }
    }

    /// The shape of every command that changes one existing user: open, check the user exists (exit 1
    /// before anything is asked), `prepare` (read a password, resolve a role), then `apply`, whose answer is
    /// printed; a refusal is printed as `code: message` with exit 1.
    static func change<T>(_ name: String, _ register: RegisterOptions, _ log: LogOptions,
                          prepare: (RegisterStore) throws -> T, apply: (AccountStore, T) throws -> String) throws {
        let (store, accounts) = try open(register, log)
        defer { try? store.close() }
        guard try existing(accounts, name) else { return }
        let prepared = try prepare(store)
        try run { print(try apply(accounts, prepared)) }
    }

    /// Runs `body`, printing an accounts refusal as `code: message` and exiting 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as AccountError {
            printError("\(error.code): \(error.message)")
            throw ExitCode(1)
        }
    }

    /// `renfang users add NAME --display-name 张三 --role police --station UUID|CODE`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user.",
            discussion: """
                Roles: admin, securityOfficer, auditor (no scope), police (--station: the station's UUID or its \
                code), desk (--xiaoqu UUID, repeatable). The password is asked twice without echo, or read \
                from the first line of standard input with --password-stdin; at least 10 characters, not the \
                login name.
                """
        )

        @Argument(help: "The login name (2–32 characters: a–z first, then a–z 0–9 . _ -).")
        var name: String

        @Option(name: .long, help: "The operator's name as shown in the pages.")
        var displayName: String

        @OptionGroup var scope: RoleOptions

        @Flag(name: .long, help: "The user must choose a new password at first login.")
        var mustChange = false

        @OptionGroup var password: PasswordInputOptions
        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        func run() throws {
            let (store, accounts) = try UsersCommand.open(register, log)
            defer { try? store.close() }
            let role = try scope.resolve(store)
            let secret = try password.read()
            try UsersCommand.run {
                let user = try accounts.addUser(UserDraft(name: name, displayName: displayName, role: role,
                                                          mustChangePassword: mustChange),
                                                password: secret, by: UsersCommand.actor)
                print("已创建用户 / added: \(user.name) (\(user.role.name))")
            }
        }
    }

    /// `renfang users passwd NAME`: sets the password and ends the user's sessions.
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (ends the user's sessions).")

        @Argument(help: "The login name.")
        var name: String

        @Flag(name: .long, help: "The user must choose a new password at next login.")
        var mustChange = false

        @OptionGroup var password: PasswordInputOptions
        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        func run() throws {
            try UsersCommand.change(name, register, log, prepare: { _ in try password.read() }) { accounts, secret in
                try accounts.setPassword(user: name, password: secret, mustChange: mustChange, by: UsersCommand.actor)
                return "密码已设置 / password set: \(LoginName.normalized(name))"
            }
        }
    }

    /// `renfang users lock NAME`.
    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lock a user (no logins, sessions ended).")

        @Argument(help: "The login name.")
        var name: String

        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        func run() throws {
            try UsersCommand.change(name, register, log, prepare: { _ in }) { accounts, _ in
                try accounts.lock(user: name, by: UsersCommand.actor)
                return "已锁定 / locked: \(LoginName.normalized(name))"
            }
        }
    }

    /// `renfang users unlock NAME`.
    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unlock a user.")

        @Argument(help: "The login name.")
        var name: String

        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        func run() throws {
            try UsersCommand.change(name, register, log, prepare: { _ in }) { accounts, _ in
                try accounts.unlock(user: name, by: UsersCommand.actor)
                return "已解锁 / unlocked: \(LoginName.normalized(name))"
            }
        }
    }

    /// `renfang users role NAME --role desk --xiaoqu UUID…`: another role or scope; ends the user's sessions.
    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "role",
            abstract: "Change a user's role or scope (ends the user's sessions).",
            discussion: "The same role options as `users add`. Audited as account.role with the old and new scope."
        )

        @Argument(help: "The login name.")
        var name: String

        @OptionGroup var scope: RoleOptions
        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        func run() throws {
            try UsersCommand.change(name, register, log, prepare: scope.resolve) { accounts, role in
                try accounts.setRole(user: name, role: role, by: UsersCommand.actor)
                return "角色已修改 / role set: \(LoginName.normalized(name)) (\(role.name))"
            }
        }
    }

    /// `renfang users list [--json]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users: role, scope, state, last login.")

        @Flag(name: .long, help: "Print JSON (one array).")
        var json = false

        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        struct Row: Encodable {
            var name: String
            var displayName: String
            var role: String
            var station: UUID?
            var xiaoqus: [UUID]?
            var locked: Bool
            var mustChangePassword: Bool
            var lastLoginAt: Date?
            var sessions: Int
        }

        func run() throws {
            let (store, accounts) = try UsersCommand.open(register, log)
            defer { try? store.close() }
            var rows: [Row] = []
            try UsersCommand.run {
                for user in try accounts.users() {
                    var row = Row(name: user.name, displayName: user.displayName, role: user.role.name, locked: user.isLocked,
                                  mustChangePassword: user.mustChangePassword, lastLoginAt: user.lastLoginAt,
                                  sessions: try accounts.sessionCount(user: user.name))
                    if case .police(let station) = user.role { row.station = station }
                    if case .desk(let xiaoqus) = user.role { row.xiaoqus = xiaoqus.sorted { $0.uuidString < $1.uuidString } }
                    rows.append(row)
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            if rows.isEmpty { print("（没有用户 / no users）") }
            let formatter = ISO8601DateFormatter()
            for row in rows {
                let scope = row.station.map { "station=\($0.uuidString.lowercased())" }
                    ?? row.xiaoqus.map { "xiaoqus=" + $0.map { $0.uuidString.lowercased() }.joined(separator: ",") } ?? "-"
                let state = row.locked ? "locked" : (row.mustChangePassword ? "mustChange" : "active")
                let last = row.lastLoginAt.map(formatter.string(from:)) ?? "never"
                print([row.name, row.role, scope, state, "lastLogin=\(last)", "sessions=\(row.sessions)", row.displayName]
                    .joined(separator: "\t"))
            }
        }
    }

    /// Whether the user exists; prints the refusal (exit 1) before any password is asked.
    static func existing(_ accounts: AccountStore, _ name: String) throws -> Bool {
        var found = false
        try run {
            guard try accounts.user(named: name) != nil else { throw AccountError(.userNotFound, "用户不存在", field: "user") }
            found = true
        }
        return found
    }
}

/// The role and scope options of `users add` and `users role`.
struct RoleOptions: ParsableArguments {
    @Option(name: .long, help: "admin, securityOfficer, auditor, police or desk.")
    var role: String

    @Option(name: .long, help: "For police: the station (派出所), by UUID or code.")
    var station: String?

    @Option(name: .long, help: "For desk: a 小区 UUID (repeat for several).")
    var xiaoqu: [String] = []

    /// The role with its scope, resolved against the register (a station may be given by its code).
    func resolve(_ store: RegisterStore) throws -> Role {
        func usage(_ message: String) -> ExitCode {
            printError(message)
            return ExitCode(64)
        }
        if role != "police", station != nil { throw usage("--station 只用于 police 角色 / --station is for --role police") }
        if role != "desk", !xiaoqu.isEmpty { throw usage("--xiaoqu 只用于 desk 角色 / --xiaoqu is for --role desk") }
        switch role {
        case "admin": return .admin
        case "securityOfficer", "security-officer": return .securityOfficer
        case "auditor": return .auditor
        case "police":
            guard let station else { throw usage("police 角色须指定 --station / --role police needs --station") }
            if let uuid = UUID(uuidString: station) { return .police(station: uuid) }
            let admin = Actor(userId: "local-security", role: .admin)
            let stations = try blockingAwait { try await store.stations(for: admin) }
            guard let found = stations.first(where: { $0.code == station }) else {
                printError("account.invalid: 所属派出所不存在（\(station)）")
                throw ExitCode(1)
            }
            return .police(station: found.uuid)
        case "desk":
            guard !xiaoqu.isEmpty else { throw usage("desk 角色须指定至少一个 --xiaoqu / --role desk needs --xiaoqu") }
            var ids = Set<UUID>()
            for text in xiaoqu {
                guard let uuid = UUID(uuidString: text) else { throw usage("--xiaoqu 须为小区的 UUID：\(text)") }
                ids.insert(uuid)
            }
            return .desk(xiaoqus: ids)
        case "kiosk":
            throw usage("自助终端不是登录角色（在 renfang.yaml 的 kiosks 中配置）/ kiosks do not log in")
        default:
            throw usage("未知角色 / unknown role: \(role) (admin, securityOfficer, auditor, police, desk)")
        }
    }
}
