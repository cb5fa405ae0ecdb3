/// The parts of a workbook that describe its sheets: relationships, workbook, styles, shared strings.
struct XLSXWorkbook {
    struct Sheet {
        var name: String
        var path: String
    }

    var sheets: [Sheet] = []
    var date1904 = false
    var sharedStringsPath: String?
    var stylesPath: String?

    static let relationshipPrefixes = [
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/",
    ]

    init(package: XLSXPackage) throws {
        // The workbook part: from the package relationships, else the usual place.
        var workbookPath = "xl/workbook.xml"
        if package.entry("_rels/.rels") != nil {
            var rels = RelationshipsHandler(base: "")
            try package.parse("_rels/.rels", into: &rels, limit: 1 << 24)
            if let target = rels.target(ofType: "officeDocument") { workbookPath = target }
        }
        guard package.entry(workbookPath) != nil else { throw SpreadsheetError.notXLSX }

        var workbook = WorkbookHandler()
        try package.parse(workbookPath, into: &workbook, limit: 1 << 26)
        date1904 = workbook.date1904

        var rels = RelationshipsHandler(base: XLSXPackage.folder(of: workbookPath))
        let relsPath = XLSXPackage.relationshipsPath(of: workbookPath)
        if package.entry(relsPath) != nil {
            try package.parse(relsPath, into: &rels, limit: 1 << 24)
        }
        for sheet in workbook.sheets {
            // A sheet whose relationship is missing falls back to the conventional name.
            let path = rels.targets[sheet.relationshipID]?.path ?? "xl/worksheets/sheet\(sheets.count + 1).xml"
            if rels.targets[sheet.relationshipID]?.type.hasSuffix("/chartsheet") == true { continue }
            sheets.append(Sheet(name: sheet.name, path: path))
        }
        sharedStringsPath = rels.target(ofType: "sharedStrings")
            ?? (package.entry("xl/sharedStrings.xml") != nil ? "xl/sharedStrings.xml" : nil)
        stylesPath = rels.target(ofType: "styles")
    }

    /// The sheet of this name (exact, then ignoring case and outer spaces), or the first sheet for `nil`.
    func sheet(named name: String?) throws -> Sheet {
        guard let first = sheets.first else { throw SpreadsheetError.noSheets }
        guard let name else { return first }
        if let sheet = sheets.first(where: { $0.name == name }) { return sheet }
        let wanted = name.trimmingWhitespace.lowercased()
        if let sheet = sheets.first(where: { $0.name.trimmingWhitespace.lowercased() == wanted }) { return sheet }
        throw SpreadsheetError.sheetNotFound(name: name, available: sheets.map(\.name))
    }
}

/// `<Relationship Id= Type= Target=/>` of a .rels part.
struct RelationshipsHandler: XMLHandler {
    let base: String
    var targets: [String: (type: String, path: String)] = [:]
    var order: [String] = []

    init(base: String) { self.base = base }

    func target(ofType suffix: String) -> String? {
        for id in order {
            guard let target = targets[id] else { continue }
            if XLSXWorkbook.relationshipPrefixes.contains(where: { target.type == $0 + suffix }) { return target.path }
        }
        return nil
    }

    mutating func startElement(_ tag: XMLTag) throws {
        guard tag.is("Relationship"), let id = tag.attribute("Id"), let target = tag.attribute("Target") else { return }
        if tag.attribute("TargetMode") == "External" { return }
        targets[id] = (tag.attribute("Type") ?? "", XLSXPackage.resolve(target, base: base))
        order.append(id)
    }

    mutating func endElement(_ name: XMLBytes) throws {}
    mutating func text(_ text: XMLText) throws {}
}

/// `<sheet name= r:id=/>` and `<workbookPr date1904=/>` of workbook.xml.
struct WorkbookHandler: XMLHandler {
    var sheets: [(name: String, relationshipID: String)] = []
    var date1904 = false

    mutating func startElement(_ tag: XMLTag) throws {
        if tag.is("sheet"), let name = tag.attribute("name") {
            sheets.append((name, tag.attribute("id") ?? ""))
        } else if tag.is("workbookPr"), let value = tag.attribute("date1904") {
            date1904 = value == "1" || value.lowercased() == "true"
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {}
    mutating func text(_ text: XMLText) throws {}
}

/// The number format of each cell style (`<cellXfs><xf numFmtId=/>`), classified for dates.
struct StylesHandler: XMLHandler {
    var customFormats: [Int: String] = [:]
    var styleFormatIDs: [Int] = []
    private var inCellXfs = false

    /// The display kind of each cell style index.
    var kinds: [XLSXCellFormat] {
        styleFormatIDs.map { id in
            if let code = customFormats[id] { return XLSXCellFormat(formatCode: code) }
            return XLSXCellFormat(builtinID: id)
        }
    }

    mutating func startElement(_ tag: XMLTag) throws {
        if tag.is("numFmt"), let id = tag.attribute("numFmtId").flatMap({ Int($0) }) {
            customFormats[id] = tag.attribute("formatCode") ?? ""
        } else if tag.is("cellXfs") {
            inCellXfs = true
        } else if inCellXfs, tag.is("xf") {
            styleFormatIDs.append(tag.attribute("numFmtId").flatMap { Int($0) } ?? 0)
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name.equals("cellXfs") { inCellXfs = false }
    }

    mutating func text(_ text: XMLText) throws {}
}

/// The `<si>` items of sharedStrings.xml: the text of every `<t>` outside phonetic runs (`<rPh>`).
struct SharedStringsHandler: XMLHandler {
    var strings: [String] = []
    private var current = ""
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    mutating func startElement(_ tag: XMLTag) throws {
        if tag.is("si") {
            inItem = true
            current = ""
        } else if tag.is("t") {
            inText = inItem && phoneticDepth == 0
        } else if tag.is("rPh") {
            phoneticDepth += 1
        } else if tag.is("sst"), let count = tag.attribute("uniqueCount").flatMap({ Int($0) }) {
            strings.reserveCapacity(min(count, 1 << 22))
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name.equals("si") {
            strings.append(XLSXEscapes.decode(current))
            inItem = false
        } else if name.equals("t") {
            inText = false
        } else if name.equals("rPh") {
            phoneticDepth -= 1
        }
    }

    mutating func text(_ text: XMLText) throws {
        if inText { current += text.string }
    }
}
