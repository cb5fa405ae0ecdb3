import ArgumentParser
import Dictionaries
import Registry
import Sync

/// The options every register command shares: where the database and its data key are. Every write
/// through the store it opens is queued for the upstream servers as the daemon's routing says.
struct RegisterOptions: ParsableArguments {
    @Option(name: .long, help: "The register database (SQLite).")
    var database: String = "/var/lib/renfang/register.sqlite"

    @Option(name: .long, help: "The data key file (mode 0600, created on first start).")
    var key: String = "/etc/renfang/keys/data.key"

    /// Opens the register; with `create` false a missing database is an error instead of a new one.
    func open(create: Bool) throws -> RegisterStore {
        var options = RegisterStore.Options()
        options.createIfMissing = create
        // Names are stored with their pinyin initials (the most common reading) for "dx" → 丹心… searches.
        options.pinyinInitials = { Pinyin.initials(of: $0).first }
        // Records written here reach the upstream servers like the daemon's: queued with the routing the
        // daemon stored in the database (nothing when it has no destination).
        options.changeSink = StoredRoutingSink()
        return try RegisterStore.open(path: database, keyFile: key, options: options)
    }

    /// Opens an existing register for a command (never creates one); exit status 2 when it cannot be
    /// opened, with the reason on stderr.
    func openExisting() throws -> RegisterStore {
        do {
            return try open(create: false)
        } catch let error as RegistryError {
            printError("无法打开登记数据库 / cannot open the register: \(error.code): \(error.message)")
            throw ExitCode(2)
        }
    }
}
