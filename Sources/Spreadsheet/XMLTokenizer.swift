/// Receives the events of `XMLTokenizer`. The tag and text values point into the tokenizer's buffer and
/// are only valid during the call.
protocol XMLHandler {
    /// A start tag (also for an empty-element tag, which is followed at once by `endElement`).
    mutating func startElement(_ tag: XMLTag) throws
    /// An end tag, or the end of an empty-element tag; `name` is the local name.
    mutating func endElement(_ name: XMLBytes) throws
    /// Character data inside the root element (text or a CDATA section).
    mutating func text(_ text: XMLText) throws
}

/// A run of bytes in the tokenizer's buffer.
struct XMLBytes {
    let base: UnsafeBufferPointer<UInt8>
    let range: Range<Int>

    /// Whether the bytes equal an ASCII name.
    func equals(_ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let other = name.utf8Start
        var i = 0
        for j in range {
            if base[j] != other[i] { return false }
            i += 1
        }
        return true
    }

    /// The bytes as a string (no entity decoding).
    var string: String { String(decoding: UnsafeBufferPointer(rebasing: base[range]), as: UTF8.self) }
}

/// A start tag: its local name (without namespace prefix) and its attributes.
struct XMLTag {
    let base: UnsafeBufferPointer<UInt8>
    /// The local name.
    let name: XMLBytes
    let attributes: UnsafeBufferPointer<XMLTokenizer.Attribute>

    /// Whether the local name is `name`.
    func `is`(_ name: StaticString) -> Bool { self.name.equals(name) }

    /// The value (entities decoded) of the attribute with this local name, or `nil`.
    func attribute(_ name: StaticString) -> String? {
        for attribute in attributes where XMLBytes(base: base, range: attribute.name).equals(name) {
            return XMLText(base: base, range: attribute.value, isCDATA: false).string
        }
        return nil
    }

    /// The raw bytes of an attribute value (entities not decoded), for short ASCII values like cell references.
    func rawAttribute(_ name: StaticString) -> XMLBytes? {
        for attribute in attributes where XMLBytes(base: base, range: attribute.name).equals(name) {
            return XMLBytes(base: base, range: attribute.value)
        }
        return nil
    }
}

/// Character data: entity references decoded and line breaks normalised (CR LF and CR to LF) on demand.
struct XMLText {
    let base: UnsafeBufferPointer<UInt8>
    let range: Range<Int>
    let isCDATA: Bool

    /// The decoded text.
    var string: String {
        let bytes = UnsafeBufferPointer(rebasing: base[range])
        if !bytes.contains(where: { $0 == UInt8(ascii: "&") || $0 == 0x0D }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        XMLText.decode(bytes, into: &out, entities: !isCDATA)
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], entities: Bool) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0D {
                out.append(0x0A)
                i += (i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                continue
            }
            if b == UInt8(ascii: "&"), entities, let semicolon = (i + 1..<min(n, i + 12)).first(where: { bytes[$0] == UInt8(ascii: ";") }) {
                let name = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<semicolon])
                if let scalar = entity(name) {
                    out.append(contentsOf: String(Character(scalar)).utf8)
                    i = semicolon + 1
                    continue
                }
            }
            out.append(b)
            i += 1
        }
    }

    private static func entity(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        switch String(decoding: name, as: UTF8.self) {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        case let reference where reference.hasPrefix("#x") || reference.hasPrefix("#X"):
            return UInt32(reference.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        case let reference where reference.hasPrefix("#"):
            return UInt32(reference.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
        default: return nil
        }
    }
}

/// A streaming tokenizer for the XML of OOXML parts: elements, attributes, text, CDATA, comments and
/// processing instructions; no DTDs (refused), no custom entities. Bytes are pushed in chunks of any size
/// with `feed`; only an unfinished token is kept between chunks, so memory stays bounded however large
/// the part. Names are reported without their namespace prefix.
struct XMLTokenizer {
    /// Byte ranges of one attribute's local name and value.
    struct Attribute {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// Raised for XML the tokenizer cannot read; the reader wraps it with the part's name.
    struct Failure: Error {
        let detail: String
    }

    private var buffer: [UInt8] = []
    private var attributes: [Attribute] = []
    private var depth = 0
    private var sawRoot = false
    private var atStart = true

    /// Tokenizes as much of the data pushed so far as forms complete tokens.
    mutating func feed<H: XMLHandler>(_ bytes: some Sequence<UInt8>, to handler: inout H) throws {
        buffer.append(contentsOf: bytes)
        if atStart {
            guard buffer.count >= 3 else { return }
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
            if buffer.starts(with: [0xFF, 0xFE]) || buffer.starts(with: [0xFE, 0xFF]) {
                throw Failure(detail: "UTF-16 parts are not supported")
            }
            atStart = false
        }
        let consumed = try tokenize(&handler, final: false)
        buffer.removeFirst(consumed)
    }

    /// Tokenizes what is left and checks the document is complete (the root element closed).
    mutating func finish<H: XMLHandler>(_ handler: inout H) throws {
        if atStart, buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
        atStart = false
        let consumed = try tokenize(&handler, final: true)
        buffer.removeFirst(consumed)
        guard sawRoot else { throw Failure(detail: "no root element") }
        guard depth == 0 else { throw Failure(detail: "unexpected end of document") }
    }

    private mutating func tokenize<H: XMLHandler>(_ handler: inout H, final: Bool) throws -> Int {
        var attributes = self.attributes
        var depth = self.depth
        var sawRoot = self.sawRoot
        defer {
            self.attributes = attributes
            self.depth = depth
            self.sawRoot = sawRoot
        }
        return try buffer.withUnsafeBufferPointer { buf -> Int in
            let n = buf.count
            var i = 0

            func find(_ byte: UInt8, from start: Int) -> Int? {
                var j = start
                while j < n {
                    if buf[j] == byte { return j }
                    j += 1
                }
                return nil
            }
            func find(_ a: UInt8, _ b: UInt8, _ c: UInt8?, from start: Int) -> Int? {
                var j = start
                while let k = find(a, from: j) {
                    if k + 1 >= n { return nil }
                    if buf[k + 1] == b {
                        guard let c else { return k }
                        if k + 2 >= n { return nil }
                        if buf[k + 2] == c { return k }
                    }
                    j = k + 1
                }
                return nil
            }
            func starts(_ prefix: StaticString, at j: Int) -> Bool {
                let count = prefix.utf8CodeUnitCount
                guard j + count <= n else { return false }
                let p = prefix.utf8Start
                for k in 0..<count where buf[j + k] != p[k] { return false }
                return true
            }
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
            func isNameEnd(_ b: UInt8) -> Bool {
                isSpace(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=")
            }
            func localName(_ range: Range<Int>) -> Range<Int> {
                var start = range.lowerBound
                for j in range where buf[j] == UInt8(ascii: ":") { start = j + 1 }
                return start..<range.upperBound
            }

            while i < n {
                if buf[i] != UInt8(ascii: "<") {
                    guard let lt = find(UInt8(ascii: "<"), from: i) else {
                        if final {
                            if depth > 0 { try handler.text(XMLText(base: buf, range: i..<n, isCDATA: false)) }
                            else if buf[i..<n].contains(where: { !isSpace($0) }) {
                                throw Failure(detail: "text after the root element")
                            }
                            i = n
                        }
                        break
                    }
                    if depth > 0 { try handler.text(XMLText(base: buf, range: i..<lt, isCDATA: false)) }
                    i = lt
                    continue
                }
                guard i + 1 < n else {
                    if final { throw Failure(detail: "unexpected end of document") }
                    break
                }
                let next = buf[i + 1]
                if next == UInt8(ascii: "/") {
                    guard let gt = find(UInt8(ascii: ">"), from: i + 2) else {
                        if final { throw Failure(detail: "unexpected end of document") }
                        break
                    }
                    var end = gt
                    while end > i + 2, isSpace(buf[end - 1]) { end -= 1 }
                    guard depth > 0 else { throw Failure(detail: "end tag without start tag") }
                    depth -= 1
                    try handler.endElement(XMLBytes(base: buf, range: localName((i + 2)..<end)))
                    i = gt + 1
                    continue
                }
                if next == UInt8(ascii: "?") {
                    guard let end = find(UInt8(ascii: "?"), UInt8(ascii: ">"), nil, from: i + 2) else {
                        if final { throw Failure(detail: "unterminated processing instruction") }
                        break
                    }
                    i = end + 2
                    continue
                }
                if next == UInt8(ascii: "!") {
                    if starts("<!--", at: i) {
                        guard let end = find(UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: ">"), from: i + 4) else {
                            if final { throw Failure(detail: "unterminated comment") }
                            break
                        }
                        i = end + 3
                        continue
                    }
                    if starts("<![CDATA[", at: i) {
                        guard let end = find(UInt8(ascii: "]"), UInt8(ascii: "]"), UInt8(ascii: ">"), from: i + 9) else {
                            if final { throw Failure(detail: "unterminated CDATA section") }
                            break
                        }
                        if depth > 0 { try handler.text(XMLText(base: buf, range: (i + 9)..<end, isCDATA: true)) }
                        i = end + 3
                        continue
                    }
                    if n - i < 9, !final { break }
                    throw Failure(detail: "DTDs and declarations are not supported")
                }
                // A start tag: find its end, skipping quoted attribute values.
                var j = i + 1
                var quote: UInt8 = 0
                var gt: Int?
                while j < n {
                    let b = buf[j]
                    if quote != 0 {
                        if b == quote { quote = 0 }
                    } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                        quote = b
                    } else if b == UInt8(ascii: ">") {
                        gt = j
                        break
                    }
                    j += 1
                }
                guard let gt else {
                    if final { throw Failure(detail: "unexpected end of document") }
                    break
                }
                let isEmpty = buf[gt - 1] == UInt8(ascii: "/") && gt - 1 > i
                let tagEnd = isEmpty ? gt - 1 : gt
                var k = i + 1
                while k < tagEnd, !isNameEnd(buf[k]) { k += 1 }
                guard k > i + 1 else { throw Failure(detail: "element without a name") }
                let name = localName((i + 1)..<k)
                attributes.removeAll(keepingCapacity: true)
                while true {
                    while k < tagEnd, isSpace(buf[k]) { k += 1 }
                    if k >= tagEnd { break }
                    let nameStart = k
                    while k < tagEnd, !isNameEnd(buf[k]) { k += 1 }
                    let attributeName = nameStart..<k
                    while k < tagEnd, isSpace(buf[k]) { k += 1 }
                    guard k < tagEnd, buf[k] == UInt8(ascii: "="), !attributeName.isEmpty else {
                        throw Failure(detail: "malformed attribute")
                    }
                    k += 1
                    while k < tagEnd, isSpace(buf[k]) { k += 1 }
                    guard k < tagEnd, buf[k] == UInt8(ascii: "\"") || buf[k] == UInt8(ascii: "'") else {
                        throw Failure(detail: "unquoted attribute value")
                    }
                    let q = buf[k]
                    let valueStart = k + 1
                    k = valueStart
                    while k < tagEnd, buf[k] != q { k += 1 }
                    guard k < tagEnd else { throw Failure(detail: "unterminated attribute value") }
                    attributes.append(Attribute(name: localName(attributeName), value: valueStart..<k))
                    k += 1
                }
                if depth == 0 {
                    if sawRoot { throw Failure(detail: "more than one root element") }
                    sawRoot = true
                }
                try attributes.withUnsafeBufferPointer { attrs in
                    try handler.startElement(XMLTag(base: buf, name: XMLBytes(base: buf, range: name), attributes: attrs))
                }
                if isEmpty {
                    try handler.endElement(XMLBytes(base: buf, range: name))
                } else {
                    depth += 1
                }
                i = gt + 1
            }
            return i
        }
    }
}
