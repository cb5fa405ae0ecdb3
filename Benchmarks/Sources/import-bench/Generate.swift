import Foundation
import IDCard
import Registry
import Spreadsheet

/// A deterministic generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The synthetic data set: 5 小区 × 20 楼栋 × 4 单元 × 25 户 = 10,000 houses, and people with valid
/// GB 11643 numbers (made up: region + birth date + sequence, the check character computed), ten per
/// house.
enum DataSet {
    static let community = "安慧里社区"
    static let xiaoqus = ["阳光花园", "翠微小区", "丹心苑", "安苑北里", "慧忠里"]
    static let regions = ["110105", "310104", "440305", "320102", "510104", "370102", "420106", "330106", "350102", "610113"]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国红云飞海波宁欣怡晨浩宇轩子涵梓琪")
    static let reasons = ["务工", "经商", "学习培训", "投亲靠友", "随迁"]
    static let housing = ["租赁房屋", "自购房屋", "单位宿舍", "借住"]
    static let relations = ["承租人", "户主", "配偶", "子", "非亲属"]

    /// The place of house `h` (0..<10,000): 小区, 楼栋, 单元, 房号.
    static func house(_ h: Int) -> (xiaoqu: String, building: String, unit: String, room: String) {
        let room = h % 25, unit = (h / 25) % 4, building = (h / 100) % 20, xiaoqu = h / 2000
        return (xiaoqus[xiaoqu], "\(building + 1)号楼", "\(unit + 1)单元", "\(room / 5 + 1)0\(room % 5 + 1)")
    }

    static let houseHeader = ["社区", "小区", "楼栋", "单元", "楼层", "房号", "房屋用途", "出租状态"]

    static func houseRow(_ h: Int) -> [String] {
        let p = house(h)
        return [community, p.xiaoqu, p.building, p.unit, String(p.room.prefix(1)), p.room, "自住", "未出租"]
    }

    static let residentHeader = SheetKind.residents.layout.headers()

    /// Resident `i` (0..<100,000) in house `i / 10`.
    static func residentRow(_ i: Int) -> [String] {
        var rng = SplitMix(state: UInt64(i) &* 0x2545_F491_4F6C_DD1D &+ 17)
        let region = regions[i % 10]
        let rest = i / 10
        let base = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"),
                                  year: 1960, month: 1, day: 1).date!
        let birth = base.addingTimeInterval(Double((rest / 1000) * 1500 + Int.random(in: 0..<1000, using: &rng)) * 86_400)
        let birthText = Self.dateText(birth)
        let first17 = region + birthText.replacingOccurrences(of: "-", with: "") + Self.pad(rest % 1000, 3)
        let id = first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
        let name = String(surnames[Int.random(in: 0..<surnames.count, using: &rng)])
            + String(given[Int.random(in: 0..<given.count, using: &rng)]) + String(given[Int.random(in: 0..<given.count, using: &rng)])
        let arrival = Date(timeIntervalSince1970: 1_577_836_800 + Double(Int.random(in: 0..<1800, using: &rng)) * 86_400)
        let p = house(i / 10)
        let sex = (Int(String(Array(first17)[16]))! % 2 == 1) ? "男" : "女"
        return [name, id, "居民身份证", sex, "汉族", birthText, "北京市朝阳区某街道\(i % 97)号", "13\(Self.pad(i, 9))",
                community, p.xiaoqu, p.building, p.unit, p.room, relations[i % relations.count], dateText(arrival),
                "一年", reasons[i % reasons.count], housing[i % housing.count], "", ""]
    }

    static func dateText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(c.year!)-\(pad(c.month!, 2))-\(pad(c.day!, 2))"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Writes the houses and residents files (.xlsx with the module's streaming writer, and .csv).
    static func write(to folder: URL, people: Int) throws -> (houses: URL, xlsx: URL, csv: URL) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let houses = folder.appendingPathComponent("houses.xlsx")
        let houseCount = (people + 9) / 10
        let h = try XLSXWriter()
        try h.beginSheet(named: "房屋", header: houseHeader)
        for i in 0..<houseCount { try h.appendRow(houseRow(i)) }
        try h.write(to: houses)
        let xlsx = folder.appendingPathComponent("residents.xlsx")
        let w = try XLSXWriter()
        try w.beginSheet(named: "住户", header: residentHeader)
        for i in 0..<people { try w.appendRow(residentRow(i)) }
        try w.write(to: xlsx)
        let csv = folder.appendingPathComponent("residents.csv")
        try CSVWriter().write(rows: [residentHeader] + (0..<people).lazy.map(residentRow), to: csv)
        return (houses, xlsx, csv)
    }
}
