#!/usr/bin/env python3
"""Writes a synthetic demo register as import files (houses.csv, residents.csv) and a demo watchlist
(watchlist.csv) — only invented people: names from a small syllable table, ID numbers built from a region
code, a birth date and a sequence number with their GB 11643 check character.

usage: demo-data.py OUTDIR DECK_JSONL  (DECK_JSONL: `renfang sim list --deck builtin --json`)
"""
import csv
import datetime, json, random, sys, os

out, deck_path = sys.argv[1], sys.argv[2]
rng = random.Random(467)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"

def id_number(region, birth, seq):
    body = f"{region}{birth}{seq:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
REGION = "110105"
# Tenants come from elsewhere (流动人口: their 户籍地, the ID number's region, is not the 社区's county); owners
# and their families are 常住人口 (户籍 here). Picked by sequence, not by the random generator, so the rest of
# the demo data stays as it was.
TENANT_REGIONS = ["410102", "130102", "510104"]
STREET = "安贞街道"
COMMUNITY = "演示社区"
XIAOQUS = [("阳光花园", "北京市朝阳区演示路1号"), ("和平里小区", "北京市朝阳区演示路9号"), ("青年公寓", "北京市朝阳区演示路21号")]
RELATIONS = ["户主", "承租人", "配偶", "子女", "其他"]

houses_header = ["社区", "小区", "楼栋", "单元", "楼层", "房号", "房屋详址", "建筑面积", "房屋用途", "出租状态", "出租用途",
                 "出租间数", "出租面积", "房东姓名", "房东身份号码", "房东电话", "治安责任人", "治安责任人身份号码",
                 "治安责任人电话", "租赁备案证号", "行政区划", "街道", "小区地址"]
residents_header = ["姓名", "身份号码", "证件类型", "性别", "民族", "出生日期", "户籍地址", "联系电话", "社区", "小区", "楼栋",
                    "单元", "房号", "与户主关系", "到达日期", "拟居住期限", "居住事由", "住所类别", "离开日期", "离开原因",
                    "行政区划", "街道", "小区地址"]
# Arrivals within the last ten months, so a one-year planned stay is still running (renfangd's daily
# automatic cancellation ends stays whose planned period ran out more than 30 days ago).
TODAY = datetime.date.today()
def arrival():
    return (TODAY - datetime.timedelta(days=rng.randint(1, 300))).isoformat()

seq = 0
def person(region=REGION):
    global seq
    seq += 1
    year, month, day = rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28)
    sex_odd = rng.random() < 0.5
    s = (seq * 2 + (1 if sex_odd else 0)) % 1000
    number = id_number(region, f"{year}{month:02d}{day:02d}", s)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return name, number, "男" if sex_odd else "女", f"{year}-{month:02d}-{day:02d}"

os.makedirs(out, exist_ok=True)
with open(f"{out}/houses.csv", "w", newline="", encoding="utf-8-sig") as hf, \
     open(f"{out}/residents.csv", "w", newline="", encoding="utf-8-sig") as rf:
    houses, residents = csv.writer(hf), csv.writer(rf)
    houses.writerow(houses_header)
    residents.writerow(residents_header)
    for xname, xaddr in XIAOQUS:
        for b in range(1, 4):
            for u in range(1, 3):
                for floor in range(1, 4):
                    for door in (1, 2):
                        room = f"{floor}0{door}"
                        rented = rng.random() < 0.4
                        owner = person()
                        houses.writerow([COMMUNITY, xname, f"{b}号楼", f"{u}单元", floor, room, "", rng.choice([56, 72.5, 89, 103]),
                                         "出租" if rented else "自住", "出租" if rented else "未出租", "住房" if rented else "", 1 if rented else "",
                                         40 if rented else "", owner[0], owner[1], "13800000000", owner[0], owner[1],
                                         "13800000000", f"演示备{b}{u}{room}" if rented else "", REGION, STREET, xaddr])
                        for i in range(rng.randint(0, 3)):
                            name, number, sex, birth = person(TENANT_REGIONS[seq % 3] if rented else REGION)
                            residents.writerow([name, number, "居民身份证", sex, "汉族", birth, "北京市朝阳区演示路100号",
                                                f"139{rng.randint(10000000, 99999999)}", COMMUNITY, xname, f"{b}号楼",
                                                f"{u}单元", room, RELATIONS[i] if not rented else "承租人",
                                                arrival(), "一年",
                                                "务工" if rented else "其他", "租赁房屋" if rented else "自购房屋", "", "",
                                                REGION, STREET, xaddr])

# The demo watchlist: two residents of the emulator's deck (so `renfang sim place NAME` raises an alert)
# and a few invented people.
deck = [json.loads(line) for line in open(deck_path, encoding="utf-8") if line.strip()]
listed = [c for c in deck if c["cardType"] == "resident" and c["idNumber"]][:2]
with open(f"{out}/watchlist.csv", "w", newline="", encoding="utf-8-sig") as wf:
    w = csv.writer(wf)
    w.writerow(["身份证号", "姓名", "出生日期", "类别", "级别", "处置要求", "有效期至"])
    for c in listed:
        w.writerow([c["idNumber"], c["holder"], "", "稳控人员", 1, "演示：发现后立即报告社区民警，不得当面告知本人", ""])
    for i in range(5):
        name, number, _, _ = person()
        w.writerow([number, name, "", "可疑人员", 2, "演示：核实身份并记录去向", ""])
print(" ".join(c["name"] for c in listed))
