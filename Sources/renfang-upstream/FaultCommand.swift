import ArgumentParser
import Foundation
import UpstreamServer
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `renfang-upstream fault COMMAND…`: switches faults of a running server through its control endpoint.
struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Switch fault injection of a running server (none: print the switches that are on).",
        discussion: """
            Commands: none, refuse, error500, overloaded[=SECONDS], unavailable[=SECONDS], hang, reset, drop, \
            reject-kind=KIND; `off NAME` turns one off. Several may be given: they apply in order.
            """
    )

    @Option(name: .long, help: "The server's control port on 127.0.0.1.") var controlPort = 8444
    @Argument(help: "Fault commands (e.g. `overloaded=5`, `reject-kind=read`, `off drop`, `none`).") var commands: [String] = []

    func run() async throws {
        let url = URL(string: "http://127.0.0.1:\(controlPort)/faults")!
        var requests: [URLRequest] = []
        var index = 0
        while index < commands.count {
            var command = commands[index]
            if command == "off", index + 1 < commands.count {
                index += 1
                command += " " + commands[index]
            }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.httpBody = Data(command.utf8)
            requests.append(request)
            index += 1
        }
        if requests.isEmpty { requests.append(URLRequest(url: url)) }
        for request in requests {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let text = String(decoding: data, as: UTF8.self)
                guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw fail(UpstreamError("upstream.control", text.trimmingCharacters(in: .newlines))) }
                print(text, terminator: "")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw fail(UpstreamError("upstream.control", "cannot reach the control endpoint at 127.0.0.1:\(controlPort): \(error)"))
            }
        }
    }
}
