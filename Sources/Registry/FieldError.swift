/// One thing wrong with one field of an input: a stable code, the field, and a Chinese message that
/// names the field (`"到达本地日期"不能早于出生日期`).
public struct FieldError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable dotted code, e.g. `field.required`, `field.badCode`, `date.order`, `stay.duplicateActive`.
    public var code: String
    /// The field's API key (``Field/rawValue``), prefixed with the index for rows of a list
    /// (`minors[1].birthDate`).
    public var field: String
    /// The field's Chinese label (``Field/label``).
    public var label: String
    /// Operator text (Chinese), naming the field.
    public var message: String

    /// An error for `field` with this code and message.
    public init(code: String, field: Field, message: String, path: String? = nil) {
        self.code = code
        self.field = path.map { "\($0).\(field.rawValue)" } ?? field.rawValue
        self.label = field.label
        self.message = message
    }

    /// `field: message (code)`.
    public var description: String { "\(field): \(message) (\(code))" }
}

extension FieldError {
    /// `field.required`: `"姓名"不能为空`.
    static func required(_ field: Field, path: String? = nil) -> FieldError {
        FieldError(code: "field.required", field: field, message: "\"\(field.label)\"不能为空", path: path)
    }

    /// `field.badCode`: `"居住事由"代码"77"不在代码表中`.
    static func badCode(_ field: Field, _ code: String, path: String? = nil) -> FieldError {
        FieldError(code: "field.badCode", field: field,
                   message: "\"\(field.label)\"代码\"\(code)\"不在代码表中", path: path)
    }

    /// `field.invalid`: `"建筑面积"不正确：必须大于0`.
    static func invalid(_ field: Field, _ why: String, path: String? = nil) -> FieldError {
        FieldError(code: "field.invalid", field: field, message: "\"\(field.label)\"不正确：\(why)", path: path)
    }

    /// `field.tooLong`: `"姓名"超过100个字符`.
    static func tooLong(_ field: Field, max: Int, path: String? = nil) -> FieldError {
        FieldError(code: "field.tooLong", field: field, message: "\"\(field.label)\"超过\(max)个字符", path: path)
    }

    /// `date.order`: `"到达本地日期"不能早于出生日期`.
    static func dateOrder(_ field: Field, notBefore other: String, path: String? = nil) -> FieldError {
        FieldError(code: "date.order", field: field, message: "\"\(field.label)\"不能早于\(other)", path: path)
    }

    /// `date.future`: `"到达本地日期"不能晚于今天`.
    static func future(_ field: Field, path: String? = nil) -> FieldError {
        FieldError(code: "date.future", field: field, message: "\"\(field.label)\"不能晚于今天", path: path)
    }
}
