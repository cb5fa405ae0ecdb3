/// Collects the field errors of one input, then throws them all at once (``finish()``).
struct Checker {
    private(set) var errors: [FieldError] = []
    let codes: any CodeValidator
    let today: RegisterDate
    /// Prefix for fields of list rows (`minors[0]`).
    var path: String?

    init(codes: any CodeValidator, today: RegisterDate, path: String? = nil) {
        self.codes = codes
        self.today = today
        self.path = path
    }

    mutating func add(_ error: FieldError) {
        errors.append(error)
    }

    mutating func add(contentsOf other: Checker) {
        errors += other.errors
    }

    /// Trimmed text, `nil` if absent or blank; too-long text is an error.
    mutating func optional(_ value: String?, _ field: Field, max: Int = 200) -> String? {
        guard let trimmed = value?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        if trimmed.count > max { add(.tooLong(field, max: max, path: path)) }
        return trimmed
    }

    /// Trimmed text; absent or blank is `field.required`.
    mutating func required(_ value: String?, _ field: Field, max: Int = 200) -> String? {
        let text = optional(value, field, max: max)
        if text == nil { add(.required(field, path: path)) }
        return text
    }

    /// A code from `table`: blank is `nil` (or `field.required` when `required`), an unknown code is
    /// `field.badCode`.
    mutating func code(_ value: String?, _ table: CodeTable, _ field: Field, required: Bool) -> String? {
        guard let code = optional(value, field, max: 20) else {
            if required { add(.required(field, path: path)) }
            return nil
        }
        guard codes.contains(code, in: table) else {
            add(.badCode(field, code, path: path))
            return nil
        }
        return code
    }

    /// A date: absent is `field.required` when `required`; after today is `date.future` when
    /// `notFuture`.
    mutating func date(_ value: RegisterDate?, _ field: Field, required: Bool, notFuture: Bool = true) -> RegisterDate? {
        guard let value else {
            if required { add(.required(field, path: path)) }
            return nil
        }
        if notFuture, value > today { add(.future(field, path: path)) }
        return value
    }

    /// `later` must not be before `earlier`: `date.order` on `field`.
    mutating func order(_ later: RegisterDate?, notBefore earlier: RegisterDate?, _ field: Field, earlierName: String) {
        if let later, let earlier, later < earlier {
            add(.dateOrder(field, notBefore: earlierName, path: path))
        }
    }

    /// Throws ``RegistryError/Code/validationFailed`` with every error collected, if any.
    func finish() throws {
        if !errors.isEmpty { throw RegistryError.validation(errors) }
    }
}

extension String {
    /// Without leading and trailing whitespace (including the ideographic space U+3000).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
