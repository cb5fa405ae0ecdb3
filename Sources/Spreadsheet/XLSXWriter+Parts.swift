import Foundation

/// The fixed XML parts of a written workbook and the escaping of cell text.
enum XLSXParts {
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// Cell style indexes in `styles`: 0 default, 1 bold text (header), 2 text.
    static let headerStyle = 1
    static let textStyle = 2

    static func contentTypes(sheetCount: Int, sharedStrings: Bool) -> String {
        var parts = declaration
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
            + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        for i in 1...sheetCount {
            parts += "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        if sharedStrings {
            parts += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        }
        return parts + "</Types>"
    }

    static let packageRelationships = declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        + "<Relationship Id=\"rId3\" Type=\"\(relationshipNamespace)/extended-properties\" Target=\"docProps/app.xml\"/>"
        + "</Relationships>"

    static let appProperties = declaration
        + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
        + "<Application>renfang</Application></Properties>"

    static func coreProperties(date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let stamp = formatter.string(from: date)
        return declaration
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
            + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<dc:creator>renfang</dc:creator>"
            + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(stamp)</dcterms:created>"
            + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(stamp)</dcterms:modified>"
            + "</cp:coreProperties>"
    }

    static func workbook(sheetNames: [String]) -> String {
        var xml = declaration
            + "<workbook xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationshipNamespace)\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (i, name) in sheetNames.enumerated() {
            xml += "<sheet name=\"\(escape(name, attribute: true))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return xml + "</sheets></workbook>"
    }

    static func workbookRelationships(sheetCount: Int, sharedStrings: Bool) -> String {
        var xml = declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for i in 1...sheetCount {
            xml += "<Relationship Id=\"rId\(i)\" Type=\"\(relationshipNamespace)/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheetCount + 1)\" Type=\"\(relationshipNamespace)/styles\" Target=\"styles.xml\"/>"
        if sharedStrings {
            xml += "<Relationship Id=\"rId\(sheetCount + 2)\" Type=\"\(relationshipNamespace)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        return xml + "</Relationships>"
    }

    /// Fonts: 0 regular, 1 bold (宋体 11, the Chinese default); cell styles: 0 default, 1 bold text, 2 text (@).
    static let styles = declaration
        + "<styleSheet xmlns=\"\(mainNamespace)\">"
        + "<fonts count=\"2\">"
        + "<font><sz val=\"11\"/><name val=\"宋体\"/><family val=\"3\"/><charset val=\"134\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"宋体\"/><family val=\"3\"/><charset val=\"134\"/></font>"
        + "</fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"3\">"
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"49\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "</cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"

    static func worksheetStart(frozenHeader: Bool, widths: [Double], selected: Bool) -> String {
        var xml = declaration + "<worksheet xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationshipNamespace)\">"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>"
        if frozenHeader {
            xml += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
                + "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
        }
        xml += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
        if !widths.isEmpty {
            xml += "<cols>"
            for (i, width) in widths.enumerated() {
                xml += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width)\" style=\"\(textStyle)\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        return xml + "<sheetData>"
    }

    static let worksheetEnd = "</sheetData></worksheet>"

    /// Writes sharedStrings.xml: the header with the counts, the `<si>` items streamed from `items`, the end.
    static func writeSharedStrings(to file: URL, items: URL?, uniqueCount: Int, count: Int) throws {
        let out = try XMLFileStream(file: file)
        try out.write(declaration + "<sst xmlns=\"\(mainNamespace)\" count=\"\(count)\" uniqueCount=\"\(uniqueCount)\">")
        if let items {
            try out.flush()
            let input = try FileHandle(forReadingFrom: items)
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
                try out.write(bytes: [UInt8](chunk))
            }
        }
        try out.write("</sst>")
        try out.close()
    }

    /// `A`, `B`, … `Z`, `AA`, … for a 0-based column index.
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [UInt8] = []
        while n > 0 {
            let remainder = (n - 1) % 26
            letters.append(UInt8(ascii: "A") + UInt8(remainder))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// A `<t>` element for cell text: XML-escaped, `xml:space="preserve"` when spaces or line breaks at the
    /// ends would otherwise be lost, CR kept as `&#13;`, characters XML cannot carry as `_xHHHH_`.
    static func textElement(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendTextElement(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the `<t>` element of `textElement` as UTF-8.
    static func appendTextElement(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            let preserve = utf8.first.map(isSpace) == true || utf8.last.map(isSpace) == true
            out.append(contentsOf: (preserve ? "<t xml:space=\"preserve\">" : "<t>").utf8)
            appendEscaped(utf8, to: &out)
            out.append(contentsOf: "</t>".utf8)
        }
    }

    /// Element-text escaping on UTF-8 bytes (see `escape(_:attribute:)`).
    static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let n = utf8.count
        var i = 0
        func hex(_ b: UInt8) -> Bool {
            (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b)
        }
        while i < n {
            let b = utf8[i]
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case 0x0D: out.append(contentsOf: "&#13;".utf8)
            case 0x09, 0x0A: out.append(b)
            case 0x00..<0x20: out.append(contentsOf: String(format: "_x%04X_", b).utf8)
            case UInt8(ascii: "_") where i + 6 < n && utf8[i + 1] == UInt8(ascii: "x") && utf8[i + 6] == UInt8(ascii: "_")
                && (i + 2..<i + 6).allSatisfy({ hex(utf8[$0]) }):
                out.append(contentsOf: "_x005F_".utf8)
            case 0xEF where i + 2 < n && utf8[i + 1] == 0xBF && (utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF):
                // U+FFFE and U+FFFF are not XML characters.
                out.append(contentsOf: (utf8[i + 2] == 0xBE ? "_xFFFE_" : "_xFFFF_").utf8)
                i += 3
                continue
            default: out.append(b)
            }
            i += 1
        }
    }

    /// XML escaping for element text or attribute values, with OOXML's `_xHHHH_` for control characters and
    /// `_x005F_` protecting a literal `_x` that would read as an escape.
    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "_" where i + 6 < scalars.count && scalars[i + 1] == "x" && scalars[i + 6] == "_"
                && scalars[(i + 2)..<(i + 6)].allSatisfy({ $0.properties.isASCIIHexDigit }):
                out += "_x005F_"
            default:
                if XLSXEscapes.isXMLCharacter(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += String(format: "_x%04X_", scalar.value & 0xFFFF)
                }
            }
        }
        return out
    }
}
