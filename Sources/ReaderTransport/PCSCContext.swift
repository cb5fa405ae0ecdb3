import CPCSCLite
import Foundation

/// One pcsc-lite context (`SCardEstablishContext`) and the few calls renfang needs on it.
///
/// Used by one thread at a time (the monitor's); only ``cancel()`` may be called from another thread,
/// as pcsc-lite allows for `SCardCancel`. The context is released by ``release()`` (not in `deinit`, so the
/// owner decides when the daemon is told).
final class PCSCContext: @unchecked Sendable {
    /// The name pcsc-lite uses for "the list of readers changed" in `SCardGetStatusChange`.
    static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    let handle: SCARDCONTEXT
    private var released = false

    private init(handle: SCARDCONTEXT) {
        self.handle = handle
    }

    /// Connects to the PC/SC service.
    static func establish() throws(PCSCError) -> PCSCContext {
        var handle: SCARDCONTEXT = 0
        let rv = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &handle)
        guard rv == PCSCError.success else { throw PCSCError(function: "SCardEstablishContext", code: Int(rv)) }
        return PCSCContext(handle: handle)
    }

    /// Tells the service the context is no longer used. Errors (a daemon that already went away) are ignored.
    func release() {
        guard !released else { return }
        released = true
        _ = SCardReleaseContext(handle)
    }

    /// Makes a blocking ``waitForChange(_:timeoutMilliseconds:)`` return `SCARD_E_CANCELLED` now.
    @discardableResult
    func cancel() -> Int {
        Int(SCardCancel(handle))
    }

    /// The names of all readers the service knows, in its order; empty when there is none.
    func listReaders() throws(PCSCError) -> [String] {
        var attempt = 0
        while true {
            attempt += 1
            var length: DWORD = 0
            var rv = SCardListReaders(handle, nil, nil, &length)
            if rv == PCSCError.noReadersAvailable { return [] }
            guard rv == PCSCError.success else { throw PCSCError(function: "SCardListReaders", code: Int(rv)) }
            var buffer = [CChar](repeating: 0, count: Int(length))
            rv = SCardListReaders(handle, nil, &buffer, &length)
            if rv == PCSCError.noReadersAvailable { return [] }
            // A reader plugged in between the two calls: ask again for the size.
            if rv == PCSCError.insufficientBuffer, attempt < 3 { continue }
            guard rv == PCSCError.success else { throw PCSCError(function: "SCardListReaders", code: Int(rv)) }
            return Self.splitMultiString(buffer.prefix(Int(length)))
        }
    }

    /// Splits a NUL-separated, double-NUL-terminated multi-string.
    static func splitMultiString<C: Collection>(_ chars: C) -> [String] where C.Element == CChar {
        var names: [String] = []
        var current: [UInt8] = []
        for c in chars {
            if c == 0 {
                if current.isEmpty { break }
                names.append(String(decoding: current, as: UTF8.self))
                current.removeAll()
            } else {
                current.append(UInt8(bitPattern: c))
            }
        }
        if !current.isEmpty { names.append(String(decoding: current, as: UTF8.self)) }
        return names
    }

    /// One entry of `SCardGetStatusChange`: a reader name, the state the caller knows (`dwCurrentState`,
    /// including pcsc-lite's event counter in the high 16 bits) and, after the call, the new state.
    struct ReaderState: Sendable, Hashable {
        var reader: String
        var currentState: UInt
        var eventState: UInt = 0
        var atr: [UInt8] = []
    }

    /// `SCardGetStatusChange`: waits until one of `states` differs from its `currentState`, or the timeout.
    /// Returns normally with the new event states filled in; throws `SCARD_E_TIMEOUT`, `SCARD_E_CANCELLED`, …
    func waitForChange(_ states: inout [ReaderState], timeoutMilliseconds: UInt) throws(PCSCError) {
        guard !states.isEmpty else { return }
        // The names must stay valid C strings during the call.
        let names = states.map { strdup($0.reader) }
        defer { names.forEach { free($0) } }
        var raw = [SCARD_READERSTATE](repeating: SCARD_READERSTATE(), count: states.count)
        for i in states.indices {
            raw[i].szReader = UnsafePointer(names[i])
            raw[i].dwCurrentState = DWORD(states[i].currentState)
        }
        let rv = SCardGetStatusChange(handle, DWORD(timeoutMilliseconds), &raw, DWORD(raw.count))
        guard rv == PCSCError.success else { throw PCSCError(function: "SCardGetStatusChange", code: Int(rv)) }
        for i in states.indices {
            states[i].eventState = UInt(raw[i].dwEventState)
            let count = min(Int(raw[i].cbAtr), Int(MAX_ATR_SIZE))
            states[i].atr = withUnsafeBytes(of: raw[i].rgbAtr) { Array($0.prefix(count)) }
        }
    }

    /// Connects to the card in `reader` (shared, T=0 or T=1), sends one APDU, disconnects leaving the card
    /// as it is, and returns the response APDU (data + SW1 SW2).
    func transmitOnce(reader: String, apdu: [UInt8]) throws(PCSCError) -> [UInt8] {
        var card: SCARDHANDLE = 0
        var proto: DWORD = 0
        var rv = SCardConnect(
            handle, reader, DWORD(SCARD_SHARE_SHARED), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &card, &proto)
        guard rv == PCSCError.success else { throw PCSCError(function: "SCardConnect", code: Int(rv)) }
        defer { _ = SCardDisconnect(card, DWORD(SCARD_LEAVE_CARD)) }
        var response = [UInt8](repeating: 0, count: 258)
        var length = DWORD(response.count)
        let pci = proto == DWORD(SCARD_PROTOCOL_T1) ? cpcsc_pci_t1() : cpcsc_pci_t0()
        rv = SCardTransmit(card, pci, apdu, DWORD(apdu.count), nil, &response, &length)
        guard rv == PCSCError.success else { throw PCSCError(function: "SCardTransmit", code: Int(rv)) }
        return Array(response.prefix(Int(length)))
    }
}
