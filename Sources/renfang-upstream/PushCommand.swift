import ArgumentParser
import Foundation
import SyncProtocol
import UpstreamServer

/// `renfang-upstream push FILE | --notice TEXT`: queues inbox messages.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Queue inbox messages for appliances.",
        discussion: """
            FILE holds a JSON object {"kind": KIND, "body": {…}} or an array of them; with --kind, the whole \
            file is the body of one message of that kind. --notice TEXT queues a notice. Prints the cursor \
            of each message queued.
            """
    )

    @OptionGroup var database: DatabaseOption
    @Argument(help: "A JSON file of messages.") var file: String?
    @Option(name: .long, help: "Kind of the message when FILE is a bare body (e.g. verification.case).") var kind: String?
    @Option(name: .long, help: "Queue a notice with this text.") var notice: String?
    @Option(name: .long, help: "Title of the notice.") var title = "通知"
    @Option(name: .long, help: "Level of the notice: info, warning, urgent.") var level = "info"
    @Flag(name: .long, help: "The notice is public: shown in the banner of the big screen.") var `public` = false
    @Option(name: .long, help: "Only for this appliance (default: every appliance).") var appliance: String?

    func validate() throws {
        guard (file == nil) != (notice == nil) else { throw ValidationError("give either FILE or --notice") }
        guard ["info", "warning", "urgent"].contains(level) else { throw ValidationError("--level is info, warning or urgent") }
    }

    func run() throws {
        do {
            let store = try UpstreamStore(path: database.db)
            var messages: [(InboxMessage.Kind, JSONValue)] = []
            if let notice {
                messages.append((.notice, try CanonicalJSON.value(of: NoticeBody(title: title, text: notice, level: level, isPublic: `public` ? true : nil))))
            } else if let file {
                let value = try CanonicalJSON.parse(try Data(contentsOf: URL(fileURLWithPath: file)))
                if let kind {
                    messages.append((.init(rawValue: kind), value))
                } else {
                    let items: [JSONValue] = if case let .array(items) = value { items } else { [value] }
                    for item in items {
                        guard let kind = item["kind"]?.stringValue, let body = item["body"], case .object = body else {
                            throw UpstreamError("upstream.config", "each message needs a \"kind\" and an object \"body\"")
                        }
                        messages.append((.init(rawValue: kind), body))
                    }
                }
            }
            for (kind, body) in messages {
                guard case .object = body else { throw UpstreamError("upstream.config", "a message body must be a JSON object") }
                print(try store.push(kind: kind, body: body, applianceId: appliance))
            }
        } catch {
            throw fail(error)
        }
    }
}
