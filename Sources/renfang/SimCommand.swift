import ArgumentParser
import Foundation
import Glibc
import ReaderSimulator

/// `renfang sim`: an emulated GA 467 reader on a pty, and the client that controls it.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "模拟读卡器 / Emulated ID card reader (GA 467 SAM on a pty).",
        discussion: """
            `sim serve` runs the emulator until SIGINT/SIGTERM; the other subcommands talk to it through its \
            control socket (default \(EmulatorServer.defaultControlPath)).
            """,
        subcommands: [Serve.self, Place.self, Remove.self, Fault.self, List.self, Status.self]
    )
}

/// A failure reported by the simulator, printed as is.
struct SimFailure: Error, CustomStringConvertible {
    var description: String
}

/// The `--control PATH` option shared by the client subcommands.
struct SimControlOptions: ParsableArguments {
    @Option(name: .long, help: "The simulator's control socket (default /tmp/renfang-sim-<uid>.sock).")
    var control: String?

    var path: String { control ?? EmulatorServer.defaultControlPath }

    /// Sends `request`; prints the reply text, or throws it when it is an error.
    func send(_ request: ControlRequest) throws -> ControlReply {
        let reply = try ControlClient.send(request, to: path)
        guard reply.ok else { throw SimFailure(description: "模拟器拒绝 / simulator refused: \(reply.text)") }
        return reply
    }
}

extension SimCommand {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the emulator on a pty until SIGINT/SIGTERM.")

        @Option(help: "Where to create the symlink to the pty, e.g. /tmp/renfang-sim/ttySIM0.")
        var pty: String

        @Option(help: "A JSON deck file (default: the built-in deck).")
        var deck: String?

        @Option(help: "The control socket (default /tmp/renfang-sim-<uid>.sock).")
        var control: String?

        @Flag(help: "Do not open a control socket.")
        var noControl = false

        @Option(help: "A deck card to place at start.")
        var place: String?

        @Flag(help: "Keep answering 9F to find while the card stays (a SAM that leaves de-duplication to the host).")
        var repeatFind = false

        @Flag(help: "Log every exchange, including find and select polls.")
        var verbose = false

        func run() throws {
            let cards = try deck.map { path throws -> CardDeck in try CardDeck.load(path: path) } ?? .builtIn()

            // Block the stop signals before any thread starts, so every thread inherits the mask and this one
            // receives them in sigwait.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &signals, nil)

            let server = try EmulatorServer(
                configuration: .init(
                    linkPath: pty,
                    controlPath: noControl ? nil : (control ?? EmulatorServer.defaultControlPath),
                    deck: cards,
                    suppressRepeatFind: !repeatFind,
                    initialCard: place,
                    log: { line in FileHandle.standardError.write(Data(("sim: " + line + "\n").utf8)) },
                    logEveryExchange: verbose
                ))
            print("pty: \(server.linkPath) -> \(server.devicePath)")
            print("control: \(server.controlPath ?? "none")")
            print("cards: \(server.deck.names.joined(separator: " "))")
            fflush(nil)  // all streams (referencing `stdout` is not concurrency-safe)

            var received: Int32 = 0
            sigwait(&signals, &received)
            server.stop()
        }
    }

    struct Place: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place a deck card (or a random one) on the reader.")

        @Argument(help: "The deck card's name (see `renfang sim list`).")
        var name: String?

        @Flag(help: "Place a generated random card.")
        var random = false

        @OptionGroup var options: SimControlOptions

        func validate() throws {
            guard (name != nil) != random else { throw ValidationError("give either a card NAME or --random") }
        }

        func run() throws {
            let reply = try options.send(random || name == "random" ? .placeRandom : .place(name!))
            print(reply.text)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the card off the reader.")

        @OptionGroup var options: SimControlOptions

        func run() throws {
            print(try options.send(.remove).text)
        }
    }

    struct Fault: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inject a fault into the next answer(s), or `clear` the queue.",
            discussion: """
                KIND: garbage[:N] (N random bytes before the answer), bad-checksum, torn (half an answer), \
                status:XX (answer with SW3 XX, e.g. status:41), silence, trickle[:MS] (one byte every MS ms), \
                delay:MS, or clear.
                COMMAND: reset status samid find select read readfp address serial baud rf, or hex such as 30:01.
                """)

        @Argument(help: "The fault kind, or `clear`.")
        var kind: String

        @Option(help: "Only answers to this command (default: the next command of any kind).")
        var on: String?

        @Option(help: "How many answers (default 1).")
        var count: Int?

        @OptionGroup var options: SimControlOptions

        func validate() throws {
            _ = try request()
        }

        func run() throws {
            print(try options.send(try request()).text)
        }

        /// The request for the arguments (parsed here too, so a bad kind is reported with this command's usage).
        private func request() throws -> ControlRequest {
            if kind == "clear" { return .clearFaults }
            var words = [kind]
            if let on { words += ["--on", on] }
            if let count { words += ["--count", String(count)] }
            do {
                return .fault(try EmulatorFault(arguments: words))
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cards of the running simulator, or of a deck file.")

        @Option(help: "List this deck file (or `builtin`, the built-in deck) instead of asking the simulator.")
        var deck: String?

        @Flag(help: "With --deck: one JSON object per card with its full text (decks hold synthetic people only), for scripts such as the demo's watchlist.")
        var json = false

        @OptionGroup var options: SimControlOptions

        func run() throws {
            if let deck {
                let cards = deck == "builtin" ? CardDeck.builtIn() : try CardDeck.load(path: deck)
                for card in cards.cards {
                    if json {
                        let text = card.text.decoded
                        let object: [String: String] = [
                            "name": card.name, "cardType": text.cardType.rawValue, "holder": text.name ?? "",
                            "idNumber": text.idNumber ?? "", "birthDate": text.birthDate?.jsonValue ?? "",
                        ]
                        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                        print(String(decoding: data, as: UTF8.self))
                    } else {
                        print(card.summary)
                    }
                }
                return
            }
            for entry in try options.send(.list).listEntries {
                print(entry.name.padding(toLength: max(20, entry.name.count + 1), withPad: " ", startingAt: 0) + entry.cardType)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the simulator's state.")

        @OptionGroup var options: SimControlOptions

        func run() throws {
            print(try options.send(.status).text)
        }
    }
}
