extension CardWarning {
    /// Every code this module knows, in a stable order (the order of the table in ``message``).
    public static let known: [CardWarning] = messages.map(\.0)

    /// The one place that maps codes to operator text (Chinese).
    private static let messages: [(CardWarning, String)] = [
        (.textBlockLength, "卡片文字信息长度不是256字节，已截断或补齐后解析"),
        (.cardTypeUnknownMarker, "证件类型标识无法识别，已按居民身份证解析"),
        (.textUnpairedSurrogate, "文字信息含无法解码的字符，已替换为�"),
        (.textControlCharacter, "文字信息含控制字符，已替换为�"),
        (.textOddPadding, "文字信息中间含空字符（填充异常），已替换为�"),
        (.textOddLength, "文字信息字节数为奇数，末字节已忽略"),
        (.idNumberMissing, "证件上没有证件号码"),
        (.idNumberMalformed, "证件号码格式不符合该类证件的规定"),
        (.idNumberCheckCharacter, "证件号码校验位不正确"),
        (.idNumberUnknownRegion, "证件号码的行政区划代码不在区划代码表中"),
        (.idNumberNotPermitRegion, "港澳台居民居住证号码的地址码不是810000、820000或830000"),
        (.idNumberInvalidBirthDate, "证件号码中的出生日期不是有效日期"),
        (.idNumberBirthDateMismatch, "证件号码中的出生日期与证件上的出生日期不一致"),
        (.idNumberNationalityMismatch, "证件号码中的国籍代码与证件上的国籍不一致"),
        (.birthDateInvalid, "出生日期不是有效日期"),
        (.validFromInvalid, "签发日期（有效期起始）不是有效日期"),
        (.validToInvalid, "有效期截止不是有效日期，也不是“长期”"),
        (.validToBeforeValidFrom, "有效期截止早于起始日期"),
        (.sexUnknownCode, "性别代码不在GB/T 2261.1代码表中"),
        (.nationUnknownCode, "民族代码不在GB/T 3304代码表中"),
        (.photoBadHeader, "照片数据格式异常（不是1024字节的WLT数据）"),
        (.fingerprintBadLength, "指纹数据长度异常（不是512字节的整数倍）"),
        (.appendedAddressMalformed, "追加住址数据格式异常，未能读出追加住址"),
        (.appendedAddressReadFailed, "读取追加住址失败"),
        (.appendedAddressText, "追加住址信息含无法解码的文字"),
    ]

    private static let messageByCode: [String: String] = Dictionary(
        messages.map { ($0.0.rawValue, $0.1) }, uniquingKeysWith: { first, _ in first }
    )

    /// Operator text (Chinese) for a known code; `nil` for a code this module does not know.
    public var knownMessage: String? { Self.messageByCode[rawValue] }

    /// Operator text (Chinese): the known message, or `未知提示（code）` for an unknown code.
    public var message: String { knownMessage ?? "未知提示（\(rawValue)）" }

    /// The code prefixes that belong to the text block's vocabulary (the warnings ``TextBlock/decode(_:)``
    /// and ``CardText/validationWarnings()`` can produce). Decoding card JSON puts these codes into
    /// `CardRead.text.warnings` and every other code into `CardRead.extraWarnings`.
    static let textBlockPrefixes: [String] = [
        "textBlock.", "text.", "cardType.", "idNumber.", "name.", "englishName.", "sex.", "nation.",
        "birthDate.", "address.", "issuer.", "validFrom.", "validTo.", "passNumber.", "issueCount.",
        "nationality.", "cardVersion.", "authorityCode.", "renewalCount.", "previousCardLink.",
    ]

    /// Whether the code belongs to the text block's vocabulary (see ``CardRead``'s JSON decoding).
    public var isTextBlockWarning: Bool {
        Self.textBlockPrefixes.contains { rawValue.hasPrefix($0) }
    }
}
