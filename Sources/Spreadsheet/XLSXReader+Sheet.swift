/// Assembles the rows of a worksheet part from tokenizer events and hands each finished row on.
struct SheetRowsHandler: XMLHandler {
    static let maxRow = 1_048_576
    static let maxColumn = 16_384

    private enum CellType {
        case number, sharedString, inlineString, boolean, error, formulaString, isoDate
    }

    let sharedStrings: [String]
    let formats: [XLSXCellFormat]
    let date1904: Bool
    let emit: (SpreadsheetRow) throws -> Void

    private var inSheetData = false
    private var rowNumber = 0
    private var cells: [String] = []
    private var inRow = false

    private var column = -1
    private var cellType = CellType.number
    private var cellStyle = 0
    private var value = ""
    private var collecting = false
    private var inInline = false
    private var phoneticDepth = 0

    init(sharedStrings: [String], formats: [XLSXCellFormat], date1904: Bool, emit: @escaping (SpreadsheetRow) throws -> Void) {
        self.sharedStrings = sharedStrings
        self.formats = formats
        self.date1904 = date1904
        self.emit = emit
    }

    mutating func startElement(_ tag: XMLTag) throws {
        if !inSheetData {
            if tag.is("sheetData") { inSheetData = true }
            return
        }
        if tag.is("c") {
            startCell(tag)
            try checkColumn()
        } else if tag.is("v") {
            collecting = phoneticDepth == 0
        } else if tag.is("t") {
            collecting = inInline && phoneticDepth == 0
        } else if tag.is("is") {
            inInline = true
        } else if tag.is("rPh") {
            phoneticDepth += 1
        } else if tag.is("row") {
            let next = tag.rawAttribute("r").flatMap(Self.integer) ?? rowNumber + 1
            guard next >= 1, next <= Self.maxRow else {
                throw XMLTokenizer.Failure(detail: "row number \(next) out of range")
            }
            rowNumber = next
            cells.removeAll(keepingCapacity: true)
            column = -1
            inRow = true
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        guard inSheetData else { return }
        if name.equals("c") {
            try finishCell()
        } else if name.equals("v") || name.equals("t") {
            collecting = false
        } else if name.equals("is") {
            inInline = false
        } else if name.equals("rPh") {
            phoneticDepth -= 1
        } else if name.equals("row") {
            while cells.last?.isEmpty == true { cells.removeLast() }
            inRow = false
            let row = SpreadsheetRow(number: rowNumber, cells: cells)
            do { try emit(row) } catch { throw XLSXPackage.PassThrough(error: error) }
        } else if name.equals("sheetData") {
            inSheetData = false
        }
    }

    mutating func text(_ text: XMLText) throws {
        if collecting { value += text.string }
    }

    private mutating func startCell(_ tag: XMLTag) {
        if !inRow {  // a cell outside <row>: treat as the next row
            rowNumber += 1
            cells.removeAll(keepingCapacity: true)
            column = -1
            inRow = true
        }
        if let reference = tag.rawAttribute("r"), let parsed = Self.column(of: reference) {
            column = parsed
        } else {
            column += 1
        }
        cellType = .number
        if let type = tag.rawAttribute("t") {
            if type.equals("s") { cellType = .sharedString }
            else if type.equals("inlineStr") { cellType = .inlineString }
            else if type.equals("b") { cellType = .boolean }
            else if type.equals("e") { cellType = .error }
            else if type.equals("str") { cellType = .formulaString }
            else if type.equals("d") { cellType = .isoDate }
        }
        cellStyle = tag.rawAttribute("s").flatMap(Self.integer) ?? 0
        value = ""
        collecting = false
        inInline = false
    }

    private func checkColumn() throws {
        guard column < Self.maxColumn else { throw XMLTokenizer.Failure(detail: "column \(column + 1) out of range") }
    }

    private mutating func finishCell() throws {
        let text: String
        switch cellType {
        case .sharedString:
            guard let index = Int(value.trimmingWhitespace), sharedStrings.indices.contains(index) else {
                throw XMLTokenizer.Failure(detail: "shared string \(value) does not exist")
            }
            text = sharedStrings[index]
        case .inlineString: text = XLSXEscapes.decode(value)
        case .boolean: text = value == "1" || value.lowercased() == "true" ? "TRUE" : (value.isEmpty ? "" : "FALSE")
        case .error: text = value
        case .formulaString: text = XLSXEscapes.decode(value)
        case .isoDate: text = XLSXCellFormat.isoDateText(value)
        case .number:
            if value.isEmpty {
                text = ""
            } else {
                let format = formats.indices.contains(cellStyle) ? formats[cellStyle] : .general
                text = format.text(ofNumber: value, date1904: date1904)
            }
        }
        if column >= cells.count {
            if text.isEmpty { return }
            cells.append(contentsOf: repeatElement("", count: column - cells.count + 1))
        }
        cells[column] = text
        collecting = false
    }

    /// A non-negative decimal integer (at most 9 digits), or `nil`.
    static func integer(_ bytes: XMLBytes) -> Int? {
        guard !bytes.range.isEmpty, bytes.range.count <= 9 else { return nil }
        var value = 0
        for i in bytes.range {
            let b = bytes.base[i]
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    /// The 0-based column of a cell reference (`"A1"` → 0, `"AB12"` → 27, `"$C$3"` → 2), or `nil`.
    static func column(of reference: XMLBytes) -> Int? {
        var column = 0
        var letters = 0
        for i in reference.range {
            let b = reference.base[i]
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): column = column * 26 + Int(b - UInt8(ascii: "A") + 1)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): column = column * 26 + Int(b - UInt8(ascii: "a") + 1)
            case UInt8(ascii: "$"): continue
            default:
                return letters == 0 ? nil : column - 1
            }
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : column - 1
    }
}
