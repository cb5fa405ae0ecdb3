import Logging

/// The sync module's logger (`renfang.sync`): one line per event, keys not prose, never a record's
/// content.
enum SyncLog {
    static let logger = Logger(label: "renfang.sync")
}
