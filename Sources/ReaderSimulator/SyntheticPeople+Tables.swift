import IDCard

/// The word lists the generator draws from. Combinations are synthetic; any resemblance of a generated
/// record to a real person is chance.
extension SyntheticPeople {
    static let surnames: [String] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
        "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
        "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔",
        "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦",
        "欧阳", "司马", "上官", "诸葛",
    ]

    static let givenNameCharacters: [String] = [
        "伟", "芳", "娜", "秀", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
        "兰", "霞", "平", "刚", "桂", "文", "华", "建", "国", "红", "志", "玉", "春", "海", "德", "晓", "燕", "欣",
        "宇", "浩", "然", "子", "涵", "梓", "轩", "雨", "萱", "思", "博", "嘉", "怡", "佳", "琪", "鑫", "婷", "晨",
        "阳", "瑶", "俊", "凯", "悦", "彤", "昊", "泽", "雪", "梅", "松", "林", "峰", "辉", "宁", "安", "和", "清",
    ]

    static let streets: [String] = [
        "人民路", "解放路", "建设路", "中山路", "和平路", "新华路", "胜利路", "文化路", "青年路", "光明街", "朝阳街",
        "团结路", "幸福街", "健康路", "民主路", "长江路", "黄河路", "东风路", "红旗街", "迎宾大道", "学府路", "滨河路",
        "公园路", "车站路", "北环路", "南环路", "工业路", "育才路", "振兴街", "丰收路",
    ]

    static let estates: [String] = [
        "阳光小区", "和谐家园", "锦绣花园", "幸福里", "翠苑", "金色家园", "春晓苑", "绿地新城", "书香苑", "康乐小区",
        "滨江花园", "紫荆园", "桂花苑", "望湖小区", "长青小区", "枫林苑",
    ]

    /// (English, Chinese, sex code) given names for foreigners' cards.
    static let foreignGivenNames: [(english: String, chinese: String, sex: String)] = [
        ("JOHN", "约翰", "1"), ("MARY", "玛丽", "2"), ("DAVID", "戴维", "1"), ("ANNA", "安娜", "2"),
        ("PETER", "彼得", "1"), ("MARIA", "玛丽亚", "2"), ("JAMES", "詹姆斯", "1"), ("SOPHIE", "索菲", "2"),
        ("THOMAS", "托马斯", "1"), ("ELENA", "叶莲娜", "2"), ("MICHAEL", "迈克尔", "1"), ("LAURA", "劳拉", "2"),
        ("ROBERT", "罗伯特", "1"), ("EMMA", "埃玛", "2"), ("HANS", "汉斯", "1"), ("YUKI", "由纪", "2"),
        ("ALEXANDER", "亚历山大", "1"), ("CHRISTINA", "克里斯蒂娜", "2"), ("OLIVIER", "奥利维耶", "1"),
        ("KATARINA", "卡塔丽娜", "2"),
    ]

    /// (English, Chinese) surnames for foreigners' cards.
    static let foreignSurnames: [(english: String, chinese: String)] = [
        ("SMITH", "史密斯"), ("MUELLER", "米勒"), ("MARTIN", "马丁"), ("BROWN", "布朗"), ("ROSSI", "罗西"),
        ("GARCIA", "加西亚"), ("IVANOV", "伊万诺夫"), ("KIM", "金"), ("TANAKA", "田中"), ("NGUYEN", "阮"),
        ("SILVA", "席尔瓦"), ("JOHNSON", "约翰逊"), ("DUBOIS", "迪布瓦"), ("SCHNEIDER", "施奈德"),
        ("MONTGOMERY", "蒙哥马利"), ("VANDERBERG", "范德伯格"), ("HERNANDEZ", "埃尔南德斯"), ("KOWALSKI", "科瓦尔斯基"),
    ]

    /// Long middle names, used to make 'Y' English names spill into part 2.
    static let foreignMiddleNames: [String] = [
        "ALEXANDRA", "CHRISTOPHER", "ELIZABETH", "MAXIMILIAN", "BARTHOLOMEW", "GWENDOLYN", "FREDERICK", "JOSEPHINE",
    ]

    /// (ISO 3166 alpha-3, ISO 3166 numeric) of the nationalities used on foreigners' cards.
    static let nationalities: [(alpha3: String, numeric: String)] = [
        ("USA", "840"), ("GBR", "826"), ("DEU", "276"), ("FRA", "250"), ("JPN", "392"), ("KOR", "410"),
        ("RUS", "643"), ("CAN", "124"), ("AUS", "036"), ("ITA", "380"), ("ESP", "724"), ("BRA", "076"),
        ("VNM", "704"), ("THA", "764"), ("SGP", "702"), ("NGA", "566"), ("POL", "616"), ("NLD", "528"),
    ]

    /// Region names that stand for a grouping, not a place.
    static let placeholderRegionNames: Set<String> = [
        "市辖区", "县", "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位",
    ]

    /// County-level codes usable on generated resident cards: real GB/T 2260 codes not ending in "00",
    /// outside Taiwan/Hong Kong/Macao, whose name is a real district, county, city or banner.
    static let countyRegions: [(code: String, name: String)] = Regions.all.filter { entry in
        !entry.code.hasSuffix("00")
            && !["71", "81", "82", "83"].contains(String(entry.code.prefix(2)))
            && !placeholderRegionNames.contains(entry.name)
            && ["区", "县", "市", "旗"].contains(where: { entry.name.hasSuffix($0) })
            && Regions.fullName(forCode: entry.code) != nil
    }

    /// Province-level codes (two digits) for foreigners' cards, outside Taiwan/Hong Kong/Macao.
    static let provinceCodes: [String] = Regions.all.compactMap { entry in
        let prefix = String(entry.code.prefix(2))
        guard entry.code.hasSuffix("0000"), !["71", "81", "82", "83"].contains(prefix) else { return nil }
        return prefix
    }
}
