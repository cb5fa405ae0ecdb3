#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the process on a broken invariant, after printing what broke and the input as hex, so that
/// libFuzzer records the input as a crash (the trap is a SIGILL it catches).
public func fuzzFailure(_ message: String, input: [UInt8], file: StaticString = #fileID, line: UInt = #line) -> Never {
    var text = "\n==== renfang fuzz invariant broken: \(message)\n"
    text += "==== input (\(input.count) bytes): \(hexString(input.prefix(4096)))\(input.count > 4096 ? " …" : "")\n"
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { break }
        offset += n
    }
    fatalError(message, file: file, line: line)
}

/// `AA AA AA 96 69`.
public func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789ABCDEF")
    var s = ""
    s.reserveCapacity(bytes.count * 3)
    for (i, b) in bytes.enumerated() {
        if i > 0 { s.append(" ") }
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0xF)])
    }
    return s
}
