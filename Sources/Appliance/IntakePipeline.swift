import Dispatch
import Feed
import Foundation
import IDCard
import Logging
import Registry
import Watchlist
import WebAPI

/// What the box knows about a reader's place: the register actor its reads are recorded as, and the
/// 小区 its alerts are raised in.
public struct ReaderPlacement: Sendable, Hashable {
    /// The actor of the reads (`kiosk:NAME` for kiosks, `reader:DEVICE` otherwise).
    public var actor: Actor
    /// The 小区 of the reader's alerts, when known.
    public var xiaoqu: UUID?

    /// A placement.
    public init(actor: Actor, xiaoqu: UUID?) {
        self.actor = actor
        self.xiaoqu = xiaoqu
    }
}

/// How a card read went through the pipeline, for logs, tests and benchmarks.
public struct IntakeOutcome: Sendable, Hashable {
    /// The card-read record, when the register stored it.
    public var recordedRead: UUID?
    /// Alerts opened or updated.
    public var alerts: [AlertReceipt]
    /// Hits found (also when the register could not store them: they still reached the alert socket).
    public var hitCount: Int
    /// The register's error code when storing failed.
    public var storageError: String?
    /// Time spent in the watchlist's scrypt step and in the rest.
    public var watchlistSeconds: Double
    /// Time from the read to the last event published.
    public var totalSeconds: Double
}

/// The intake pipeline of design.md: card read → watchlist check → register (one transaction: the read,
/// the alerts of the hits, their outbox rows and audit entries) → card board and event bus.
///
/// The public `card.read` event, the kiosk's card board and everything else a scanned person can see
/// are produced the same way whether the person is on a list or not; alerts travel only as `alert.*`
/// events on the restricted audience.
public final class IntakePipeline: Sendable {
    let register: RegisterStore
    let checker: WatchlistChecker?
    let bus: EventBus
    let cards: CardBoard
    let placement: @Sendable (String) async -> ReaderPlacement
    let alertWindow: TimeInterval
    let clock: @Sendable () -> Date
    let logger: Logger
    /// The scrypt step runs here, off the cooperative pool (tens of milliseconds of CPU per read).
    private let hashing = DispatchQueue(label: "renfang.intake.watchlist", qos: .userInitiated, attributes: .concurrent)

    /// A pipeline. `placement` tells, per reader device name, who records the read and where.
    public init(register: RegisterStore, checker: WatchlistChecker?, bus: EventBus, cards: CardBoard,
                alertWindow: TimeInterval = RegisterStore.defaultAlertWindow,
                clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "renfang.intake"),
                placement: @escaping @Sendable (String) async -> ReaderPlacement) {
        self.register = register
        self.checker = checker
        self.bus = bus
        self.cards = cards
        self.placement = placement
        self.alertWindow = alertWindow
        self.clock = clock
        self.logger = logger
    }

    /// Runs one read through the pipeline. Never throws: a failure to store is logged (masked) and
    /// counted, and hits still reach the alert audience.
    @discardableResult
    public func process(_ card: CardRead, device: String) async -> IntakeOutcome {
        let started = ContinuousClock.now
        let readAt = clock()
        var card = card
        if card.reader == nil { card.reader = device }
        let place = await placement(device)
        let masked = card.text.idNumber.map { IDNumber.mask(IDNumber.normalize($0)) } ?? "-"

        // 1. Watchlist: every identity read costs the same scrypt step, hit or not.
        let checkStarted = ContinuousClock.now
        var hits: [WatchlistHit] = []
        if let checker, card.text.cardType != .physicalOnly {
            let identity = WatchlistIdentity(idNumber: card.text.idNumber, name: card.text.name,
                                             birthDate: card.text.birthDate?.jsonValue)
            do {
                hits = try await withCheckedThrowingContinuation { continuation in
                    hashing.async { continuation.resume(with: Result { try checker.check(identity, now: readAt) }) }
                }
            } catch {
                logger.error("watchlist check failed", metadata: ["device": "\(device)", "id": "\(masked)", "error": "\(error)"])
            }
        }
        let watchlistSeconds = (ContinuousClock.now - checkStarted).seconds

        // 2. The register: the read and the alerts in one transaction.
        let drafts = hits.map { hit in
            AlertDraft(listId: hit.listId, listVersion: Int64(hit.listVersion), entryRef: hit.details.entryRef,
                       level: Int(hit.details.level.rawValue), category: hit.details.category,
                       instructions: hit.details.instructions, matchedBy: hit.matchedBy.rawValue,
                       idNumber: card.text.idNumber, name: card.text.name, device: device,
                       xiaoqu: place.xiaoqu ?? UUID(), house: nil)
        }
        var receipt: CardReadReceipt?
        var storageError: String?
        let storeStarted = ContinuousClock.now
        if card.text.cardType != .physicalOnly {
            do {
                receipt = try await register.recordCardRead(
                    CardReadIntake(card: card, device: device, xiaoqu: place.xiaoqu, readAt: readAt,
                                   alerts: place.xiaoqu == nil ? [] : drafts),
                    window: alertWindow, by: place.actor)
            } catch let error as RegistryError {
                storageError = error.code.rawValue
                logger.error("card read not stored", metadata: ["device": "\(device)", "id": "\(masked)", "code": "\(error.code)"])
            } catch {
                storageError = "internal"
                logger.error("card read not stored", metadata: ["device": "\(device)", "id": "\(masked)", "error": "\(type(of: error))"])
            }
            if !hits.isEmpty, place.xiaoqu == nil {
                logger.critical("watchlist hit on a reader without a 小区: alert sent to the alert socket only",
                                metadata: ["device": "\(device)"])
            }
        }

        let storeSeconds = (ContinuousClock.now - storeStarted).seconds

        // 3. What everyone may see: the card board and the public, masked event.
        cards.post(card, at: readAt)
        if let event = try? FeedEvent(topic: .card, type: "card.read", time: readAt,
                                      data: PublicCardData(name: PublicCardData.mask(card.text.name ?? ""),
                                                           kind: card.text.cardType.rawValue, device: device)) {
            bus.publish(event)
        }

        // 4. Alerts: restricted audience only.
        for (index, hit) in hits.enumerated() {
            let alert = receipt.flatMap { index < $0.alerts.count ? $0.alerts[index] : nil }
            let data = AlertEventData(
                alertId: alert?.uuid, isNew: alert?.isNew ?? true, scanCount: alert?.scanCount ?? 1,
                level: Int(hit.details.level.rawValue), category: hit.details.category,
                instructions: hit.details.instructions, listId: hit.listId, listVersion: hit.listVersion,
                matchedBy: hit.matchedBy.rawValue, nameConfirmed: hit.nameConfirmed,
                maskedIdNumber: card.text.idNumber.map(Alert.maskIdNumber), maskedName: card.text.name.map(Alert.maskName),
                device: device, xiaoqu: place.xiaoqu, seenAt: readAt, stored: alert != nil)
            if let event = try? FeedEvent(topic: .alert, type: (alert?.isNew ?? true) ? "alert.opened" : "alert.updated",
                                          time: readAt, data: data) {
                bus.publish(event)
            }
            logger.notice("watchlist alert", metadata: [
                "device": "\(device)", "list": "\(hit.listId)", "level": "\(hit.details.level.rawValue)",
                "alert": "\(alert?.uuid.uuidString.lowercased() ?? "not stored")",
            ])
        }
        let totalSeconds = (ContinuousClock.now - started).seconds
        logger.info("card read", metadata: [
            "device": "\(device)", "id": "\(masked)", "type": "\(card.text.cardType.rawValue)",
            "check_ms": "\(Self.milliseconds(watchlistSeconds))", "store_ms": "\(Self.milliseconds(storeSeconds))",
            "ms": "\(Self.milliseconds(totalSeconds))",
        ])
        return IntakeOutcome(recordedRead: receipt?.uuid, alerts: receipt?.alerts ?? [], hitCount: hits.count,
                             storageError: storageError, watchlistSeconds: watchlistSeconds,
                             totalSeconds: totalSeconds)
    }
}

extension IntakePipeline {
    /// `seconds` in milliseconds with two decimals, for the log.
    static func milliseconds(_ seconds: Double) -> String {
        String(format: "%.2f", seconds * 1000)
    }
}

/// Data of `alert.opened` / `alert.updated` events (restricted audience only): masked identity, never
/// a full ID number or name.
public struct AlertEventData: Codable, Sendable, Hashable {
    /// The stored alert (nil when it could not be stored).
    public var alertId: UUID?
    public var isNew: Bool
    public var scanCount: Int
    public var level: Int
    public var category: String
    public var instructions: String
    public var listId: String
    public var listVersion: UInt64
    public var matchedBy: String
    public var nameConfirmed: Bool?
    public var maskedIdNumber: String?
    public var maskedName: String?
    public var device: String
    public var xiaoqu: UUID?
    public var seenAt: Date
    /// Whether the register stored the alert (false: storage failed or the reader has no 小区).
    public var stored: Bool
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
