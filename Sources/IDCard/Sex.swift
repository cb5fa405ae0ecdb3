/// Sex codes of GB/T 2261.1, as stored on every card type.
public enum Sex {
    /// All codes with their names, sorted by code.
    public static let all: [(code: String, name: String)] = [
        ("0", "未知的性别"), ("1", "男"), ("2", "女"), ("9", "未说明的性别"),
    ]

    private static let names: [String: String] = Dictionary(
        all.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first }
    )

    /// The name for a code (`"1"` → 男), or `nil` for an unknown code.
    public static func name(forCode code: String) -> String? {
        names[code]
    }
}
