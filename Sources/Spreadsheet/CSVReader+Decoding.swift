import Foundation

extension CSVReader {
    /// GB18030 (a superset of GBK and GB2312), as Foundation names it (kCFStringEncodingGB_18030_2000).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The text of a CSV file as UTF-8 bytes, without a byte-order mark: UTF-8 (with or without BOM),
    /// UTF-16 with a BOM (Excel's "Unicode text"), or else GB18030/GBK (Excel's "CSV" on Chinese Windows).
    static func utf8Text(of data: Data) throws -> String {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = data.dropFirst(3)
            if body.contains(0) { throw SpreadsheetError.notText }
            guard let text = String(validating: body, as: UTF8.self) else { throw SpreadsheetError.notUTF8 }
            return text
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = data.first == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            guard let text = String(data: Data(data.dropFirst(2)), encoding: encoding) else { throw SpreadsheetError.notText }
            guard !text.utf8.contains(0) else { throw SpreadsheetError.notText }
            return text
        }
        if data.contains(0) { throw SpreadsheetError.notText }
        if let text = String(validating: data, as: UTF8.self) { return text }
        // Not UTF-8: GB18030 if this Foundation has it, else a clear message instead of garbage.
        guard let text = String(data: data, encoding: gb18030) else { throw SpreadsheetError.notUTF8 }
        return text
    }
}
