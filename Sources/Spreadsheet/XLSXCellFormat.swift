import Foundation

/// How a numeric cell is shown, decided by its number format: dates and times become text the way the
/// register needs them (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, `HH:MM:SS`), everything else a plain number.
enum XLSXCellFormat: Sendable, Equatable {
    case general
    case date
    case dateTime
    case time

    /// The kind of a built-in number format (ECMA-376 §18.8.30, with the zh-CN ids 27–36 and 50–58).
    init(builtinID id: Int) {
        switch id {
        case 14...17, 27...31, 36, 50...54, 57, 58: self = .date
        case 18...21, 32...35, 45...47, 55, 56: self = .time
        case 22: self = .dateTime
        default: self = .general
        }
    }

    /// The kind of a custom format code such as `yyyy-mm-dd`, `yyyy"年"m"月"d"日"` or `h:mm:ss`.
    init(formatCode: String) {
        var cleaned: [Character] = []
        var hasElapsedTime = false
        var iterator = Array(formatCode).makeIterator()
        var inQuote = false
        while let c = iterator.next() {
            if inQuote {
                if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "\\", "_", "*": _ = iterator.next()  // an escaped, spacing or fill character
            case "[":
                var content = ""
                while let d = iterator.next(), d != "]" { content.append(d) }
                let lower = content.lowercased()
                if ["h", "hh", "m", "mm", "s", "ss"].contains(lower) { hasElapsedTime = true }
            case ";": // only the first section decides
                while iterator.next() != nil {}
            default: cleaned.append(contentsOf: c.lowercased())
            }
        }
        let text = String(cleaned).replacingOccurrences(of: "general", with: "")
        let hasDate = text.contains("y") || text.contains("d")
        let hasTime = hasElapsedTime || text.contains("h") || text.contains("s") || text.contains("am/pm")
            || text.contains("上午/下午")
        switch (hasDate, hasTime) {
        case (true, true): self = .dateTime
        case (true, false): self = .date
        case (false, true): self = .time
        case (false, false): self = text.contains("m") && !text.contains("0") && !text.contains("#") ? .date : .general
        }
    }

    /// The text of a numeric cell's stored value under this format.
    func text(ofNumber raw: String, date1904: Bool) -> String {
        guard let value = Double(raw), value.isFinite else { return raw }
        switch self {
        case .general: return Self.numberText(value)
        case .date, .dateTime, .time:
            return Self.dateText(serial: value, kind: self, date1904: date1904) ?? Self.numberText(value)
        }
    }

    /// A number as Excel's General format shows it: integers in full up to 15 digits, else 15 significant digits.
    static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.15g", value).replacingOccurrences(of: "e", with: "E")
    }

    /// A date serial as text (1900 or 1904 date system), or `nil` outside years 1900–9999.
    static func dateText(serial: Double, kind: XLSXCellFormat, date1904: Bool) -> String? {
        guard serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 {
            days += 1
            seconds -= 86_400
        }
        let base: Int
        if date1904 {
            base = daysFromCivil(1904, 1, 1)
        } else {
            // Excel counts the non-existent 1900-02-29 as serial 60.
            base = days >= 61 ? daysFromCivil(1899, 12, 30) : daysFromCivil(1899, 12, 31)
        }
        let (y, m, d) = civilFromDays(base + days)
        let date = String(format: "%04d-%02d-%02d", y, m, d)
        let time = String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        switch kind {
        case .date, .general: return date
        case .dateTime: return seconds == 0 ? date : date + " " + time
        case .time: return time  // as Excel shows it: the time of day only
        }
    }

    /// An ISO 8601 value of a `t="d"` cell: the date, with the time when it is not midnight.
    static func isoDateText(_ raw: String) -> String {
        let parts = raw.split(separator: "T", maxSplits: 1)
        guard parts.count == 2 else { return raw }
        let time = parts[1].prefix(8)
        return time == "00:00:00" || time == "00:00" ? String(parts[0]) : "\(parts[0]) \(time)"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The `_xHHHH_` escapes of OOXML strings (ECMA-376 ST_Xstring), for characters XML 1.0 cannot carry.
enum XLSXEscapes {
    /// The text with every `_xHHHH_` replaced by its character.
    static func decode(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
               let value = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16),
               let scalar = Unicode.Scalar(value) {
                out.append(scalar)
                i += 7
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// Whether XML 1.0 can carry the scalar as a character (tab, LF and CR can; other C0 controls,
    /// U+FFFE and U+FFFF cannot).
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v == 0x09 || v == 0x0A || v == 0x0D || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
            || v >= 0x10000
    }
}
