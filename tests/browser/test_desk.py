"""/desk: registering a tenant by hand (a wrong field refused, naming it; then right), keyboard use, 续期 and 迁移,
the statistics drill-down 小区 → 楼栋 → 户 with SVG charts, and an import with bad rows showing the
row-by-row report — at 1920×1080 and 1280×800."""
import datetime
import os
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import BrowserTest, SIZES
from staff_helpers import synthetic_id, pick, set_value, rows, fetch_json, text_of, wait_text, click


class DeskTest(BrowserTest):
    def open_desk(self, size, tab):
        d = self.driver("desk", size=size, path=f"/desk/#{tab}")
        self.wait_text(d, "#who", "物业")
        return d

    def register_by_hand(self, size, name):
        d = self.open_desk(size, "register")
        self.allow_http_errors(d, 400)
        self.wait_visible(d, "#reg-form")
        house = self.wait(d, lambda d: len(Select(d.find_element(By.ID, "reg-house-house")).options) > 1, "houses listed")
        Select(d.find_element(By.ID, "reg-house-house")).select_by_index(1)
        house = d.find_element(By.ID, "reg-house-house").get_attribute("value")
        number = synthetic_id()
        d.find_element(By.ID, "reg-form-idNumber").send_keys(number)
        # Keyboard: Tab goes on to the next field in reading order.
        d.find_element(By.ID, "reg-form-idNumber").send_keys(Keys.TAB)
        self.assertEqual(d.switch_to.active_element.get_attribute("id"), "reg-form-name")
        d.switch_to.active_element.send_keys(name)
        # Dictionary fields complete from a code, pinyin initials or characters.
        pick(self, d, "reg-form-sex", "1", "1 男")
        pick(self, d, "reg-form-nation", "hz", "01 汉族")
        pick(self, d, "reg-form-housingType", "租赁", "02 租赁房屋")
        # Required 与户主关系 left out: refused here, naming the field (Enter submits).
        d.find_element(By.ID, "reg-form-name").send_keys(Keys.ENTER)
        self.wait_text(d, "#reg-form-relation-error", "与户主关系")
        self.assertIn("与户主关系", d.find_element(By.ID, "reg-form-errors").text)
        self.assertEqual(d.switch_to.active_element.get_attribute("id"), "reg-form-relation", "focus on the field at fault")
        pick(self, d, "reg-form-relation", "czr", "91 承租人")
        # A wrong field: an arrival date in the future is refused by the register, naming the field.
        set_value(d, "reg-form-arrivalDate", "2099-01-01")
        self.click(d, "#reg-form-submit")
        error = self.wait_text(d, "#reg-form-arrivalDate-error", "到达本地日期")
        self.assertIn("到达本地日期", d.find_element(By.ID, "reg-form-errors").text)
        self.assertEqual(d.find_element(By.ID, "reg-form-arrivalDate").get_attribute("aria-invalid"), "true")
        self.assertIn("到达本地日期", d.find_element(By.ID, "status").text)
        self.shot(d, "wrong-field")
        self.assertFalse(any(r["person"]["name"] == name for r in fetch_json(d, f"/api/v1/houses/{house}/residents")),
                         "nothing written by the refused attempt")
        # Corrected: registered.
        today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date().isoformat()
        set_value(d, "reg-form-arrivalDate", today)
        d.find_element(By.ID, "reg-form-phone").send_keys("13900000000" + Keys.ENTER)
        ok = self.wait_text(d, "#reg-ok", "登记成功")
        self.assertIn(name, ok.text)
        self.assertIn(number[:4], ok.text)
        self.assertNotIn(number, self.page_text(d), "the full ID number is not shown back")
        self.assertEqual(error.text, "", "the error is gone")
        self.assert_no_overflow(d)
        self.shot(d, "registered")
        residents = fetch_json(d, f"/api/v1/houses/{house}/residents")
        hit = [r for r in residents if r["person"]["name"] == name]
        self.assertEqual(len(hit), 1)
        self.assertEqual(hit[0]["stay"]["relation"], "91")
        self.assertEqual(hit[0]["stay"]["housingType"], "02")
        self.assertEqual(hit[0]["person"]["nation"], "01")
        # The tree shows the new resident at the house.
        d.get(self.stack.url + f"/desk/#tree/{house}")
        self.wait_text(d, "#residents", name)
        self.wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, f"#node-{house}.current"), "tree opened down to the house")
        self.shot(d, "tree-house")

    def test_register_tenant_by_hand_1920x1080(self):
        self.register_by_hand(SIZES[0], "测试甲")

    def test_register_tenant_by_hand_1280x800(self):
        self.register_by_hand(SIZES[1], "测试乙")

    def test_register_tenant_from_the_reader_1280x800(self):
        d = self.open_desk(SIZES[1], "register")
        self.click(d, "#reg-mode-card")
        self.wait_text(d, "#reg-card", "请将身份证放在读卡器上")
        holder = self.stack.card("resident-fp1")
        self.stack.place("resident-fp1")
        try:
            line = wait_text(self, d, "#reg-card", "最近读取：" + holder["holder"][0] + "*")
            self.assertNotIn(holder["holder"], text_of(d, "#reg-card"), "the card event is masked")
            self.assertIn("居民身份证", text_of(d, "#reg-card"))
            self.wait(d, lambda d: len(Select(d.find_element(By.ID, "reg-house-house")).options) > 2, "houses listed")
            Select(d.find_element(By.ID, "reg-house-house")).select_by_index(2)
            pick(self, d, "reg-card-form-relation", "承租", "91 承租人")
            d.find_element(By.ID, "reg-card-form-phone").send_keys("13900000002" + Keys.ENTER)
            ok = self.wait_text(d, "#reg-ok", "登记成功")
            self.assertIn(holder["holder"], ok.text)
            self.assertIn(holder["idNumber"][:4], ok.text)
            self.assertNotIn(holder["idNumber"], self.page_text(d))
            self.shot(d, "from-reader")
        finally:
            self.stack.remove()

    def test_tree_with_occupancy_by_keyboard_and_check_out_1920x1080(self):
        d = self.open_desk(SIZES[0], "tree")
        first = self.wait_visible(d, "#place-tree .node-label")
        first.click()  # 社区 opens
        first.send_keys(Keys.ARROW_DOWN)
        self.assertEqual(d.switch_to.active_element.get_attribute("data-kind"), "xiaoqu")
        d.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)  # 小区 opens
        self.wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".node-building .node-label"), "buildings shown")
        # The number living at each level adds up: 小区 = Σ 楼栋.
        count = lambda css: [int(t.split()[1]) for t in d.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css)]
        self.assertEqual(count(".node-xiaoqu > .node-label .count")[0], sum(count(".node-building > .node-label .count")))
        stats = fetch_json(d, "/api/v1/statistics/occupancy?groupBy=xiaoqu&breakdowns=false")
        self.assertEqual(count(".node-xiaoqu > .node-label .count")[0], stats["total"]["living"])
        # A house with residents, and 人走注销 of one of them (Enter submits the dialog's form).
        house = next(r["uuid"] for r in fetch_json(d, "/api/v1/statistics/occupancy?groupBy=house&breakdowns=false")["rows"]
                     if r["counts"]["living"] > 0)
        d.get(self.stack.url + f"/desk/#tree/{house}")
        self.wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, f"#node-{house}.current"), "tree opened down to the house")
        before = rows(d, "#residents")
        self.shot(d, "house")
        self.click(d, "#residents button", "人走注销")
        self.wait_visible(d, "#checkout-form")
        pick(self, d, "checkout-form-departureReason", "tz", "退租")
        d.find_element(By.ID, "checkout-form-departureDate").send_keys(Keys.ENTER)
        wait_text(self, d, "#status", "已注销")
        self.wait(d, lambda d: len(rows(d, "#residents")) == len(before) - 1 or "暂无在住" in text_of(d, "#residents"), "one resident fewer")
        self.shot(d, "checked-out")

    def resident_button(self, d, name, label):
        """Clicks `label` in the row of resident `name`, found in the page itself, so a table re-rendered
        after the last change (the house view refreshes after each dialog) is never clicked stale."""
        script = """
            const row = [...document.querySelectorAll('#residents tbody tr')].find(r => r.textContent.includes(arguments[0]));
            const button = row && [...row.querySelectorAll('button')].find(b => b.textContent.trim() === arguments[1]);
            if (!button) return false;
            button.click();
            return true;"""
        self.wait(d, lambda d: d.execute_script(script, name, label), f"{label} of {name} clicked")

    def test_extension_and_transfer_1280x800(self):
        """续期 and 迁移 of a resident from the house view: the register holds the longer planned stay, then
        the person lives in the other house and no longer in the first."""
        d = self.open_desk(SIZES[1], "tree")
        houses = [r["uuid"] for r in fetch_json(d, "/api/v1/statistics/occupancy?groupBy=house&breakdowns=false")["rows"]]
        # A resident whose planned stay can still grow to three years, in a house with others living in it.
        occupied = [h for h in houses if fetch_json(d, f"/api/v1/houses/{h}/residents")]
        house, resident = next((h, r) for h in occupied for r in fetch_json(d, f"/api/v1/houses/{h}/residents")
                               if r["stay"].get("plannedStay") in (None, "1", "2", "3", "4", "5"))
        person, name = resident["person"]["uuid"], resident["person"]["name"]
        d.get(self.stack.url + f"/desk/#tree/{house}")
        self.wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, f"#node-{house}.current"), "the house opened")
        # 续期 to three years.
        self.resident_button(d, name, "续期")
        self.wait_visible(d, "#extend-form")
        pick(self, d, "extend-form-plannedStay", "三年", "三年")
        self.click(d, "#extend-form button[type=submit]")
        wait_text(self, d, "#status", "已续期")
        stay = next(r for r in fetch_json(d, f"/api/v1/houses/{house}/residents") if r["person"]["uuid"] == person)["stay"]
        self.assertEqual(stay["plannedStay"], "6", f"three years stored: {stay}")
        self.shot(d, "extended")
        # 迁移 to another house of the 小区.
        target = next(h for h in occupied if h != house)  # occupied: certainly not 注销
        self.resident_button(d, name, "迁移")
        self.wait_visible(d, "#transfer-form")
        self.wait(d, lambda d: any(o.get_attribute("value") == target
                                   for o in Select(d.find_element(By.ID, "transfer-house-house")).options), "the target house offered")
        Select(d.find_element(By.ID, "transfer-house-house")).select_by_value(target)
        self.shot(d, "transfer-form")
        # 与户主关系 in the new house is required: refused naming it, then given.
        self.allow_http_errors(d, 400)
        self.click(d, "#transfer-form button[type=submit]")
        wait_text(self, d, "#status", "与户主关系")
        pick(self, d, "transfer-form-relation", "czr", "91 承租人")
        self.click(d, "#transfer-form button[type=submit]")
        wait_text(self, d, "#status", "已迁移")
        self.assertFalse(any(r["person"]["uuid"] == person for r in fetch_json(d, f"/api/v1/houses/{house}/residents")),
                         "no longer living in the first house")
        self.assertTrue(any(r["person"]["uuid"] == person for r in fetch_json(d, f"/api/v1/houses/{target}/residents")),
                        "living in the other house")
        self.shot(d, "transferred")

    def test_login_form_and_logout_1280x800(self):
        d = self.driver(None, size=SIZES[1], path="/desk/")
        self.allow_http_errors(d, 401)
        user = self.wait_visible(d, "#login-user")
        self.assertEqual(d.switch_to.active_element.get_attribute("id"), "login-user")
        user.send_keys("desk")
        d.find_element(By.ID, "login-password").send_keys("not-the-password" + Keys.ENTER)
        self.wait_text(d, "#login-errors", "用户名或密码错误")
        self.shot(d, "refused")
        d.find_element(By.ID, "login-password").clear()
        d.find_element(By.ID, "login-password").send_keys(self.stack.password("desk") + Keys.ENTER)
        self.wait_text(d, "#who", "物业")
        self.wait_visible(d, "#place-tree")
        self.shot(d, "logged-in")
        self.click(d, "#logout")
        self.wait_text(d, ".login-box", "已退出登录")
        self.assertEqual(fetch_json(d, "/api/v1/auth/me")["error"]["code"], "auth.required")
        # The police page refuses a desk account, naming the role.
        d.get(self.stack.url + "/police/")
        self.wait_visible(d, "#login-user").send_keys("desk")
        d.find_element(By.ID, "login-password").send_keys(self.stack.password("desk") + Keys.ENTER)
        self.wait_text(d, "#login-errors", "民警")
        self.shot(d, "wrong-role")

    def drill_down(self, size):
        d = self.open_desk(size, "stats")
        self.wait_visible(d, "#stats-rows")
        first = rows(d, "#stats-rows")
        self.assertEqual(text_of(d, "#stats-rows thead th"), "小区")
        self.assertEqual(len(first), 1, "the desk sees only its own 小区")
        xiaoqu, living = first[0][0].rstrip(" ›"), int(first[0][3])
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "#stats-chart svg rect.chart-bar"), "an SVG bar chart")
        self.shot(d, "xiaoqu")
        click(self, d, "#stats-rows tbody tr")
        wait_text(self, d, "#stats-crumbs", "小区：" + xiaoqu)
        self.wait(d, lambda d: text_of(d, "#stats-rows thead th") == "楼栋", "building level")
        buildings = rows(d, "#stats-rows")
        self.assertTrue(all("号楼" in r[0] for r in buildings), buildings)
        self.assertEqual(sum(int(r[3]) for r in buildings), living, "the buildings add up to the 小区")
        self.shot(d, "buildings")
        building = buildings[0][0].rstrip(" ›")
        self.wait_visible(d, "#stats-rows tbody tr").send_keys(Keys.ENTER)  # rows work with Enter too
        wait_text(self, d, "#stats-crumbs", "楼栋：" + building)
        self.wait(d, lambda d: text_of(d, "#stats-rows thead th") == "户", "house level")
        houses = rows(d, "#stats-rows")
        self.assertEqual(sum(int(r[3]) for r in houses), int(buildings[0][3]), "the houses add up to the building")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "#stats-breakdowns svg") or int(buildings[0][3]) == 0)
        self.assert_no_overflow(d)
        self.shot(d, "houses")
        self.click(d, "#crumb-0")
        self.wait(d, lambda d: text_of(d, "#stats-rows thead th") == "小区", "back to the top")

    def test_statistics_drill_down_1920x1080(self):
        self.drill_down(SIZES[0])

    def test_statistics_drill_down_1280x800(self):
        self.drill_down(SIZES[1])

    def test_import_with_bad_rows_shows_the_row_by_row_report(self):
        header = ["姓名", "身份号码", "证件类型", "性别", "民族", "出生日期", "户籍地址", "联系电话", "社区", "小区", "楼栋",
                  "单元", "房号", "与户主关系", "到达日期", "拟居住期限", "居住事由", "住所类别", "离开日期", "离开原因"]
        place = ["演示社区", "和平里小区", "2号楼", "1单元", "102", "承租人"]
        good = synthetic_id(birth="19880506")
        lines = [header,
                 ["测试导入", good, "居民身份证", "男", "汉族", "1988-05-06", "北京市朝阳区演示路100号", "13900000001", *place, "2026-01-05", "一年", "务工", "租赁房屋", "", ""],
                 ["测试坏性别", synthetic_id(birth="19900101"), "居民身份证", "不详细", "汉族", "1990-01-01", "", "", *place, "2026-01-05", "一年", "务工", "租赁房屋", "", ""],
                 ["测试未来", synthetic_id(birth="19910202"), "居民身份证", "女", "汉族", "1991-02-02", "", "", *place, "2099-01-01", "一年", "务工", "租赁房屋", "", ""],
                 ["", synthetic_id(birth="19920303"), "居民身份证", "女", "汉族", "1992-03-03", "", "", *place, "2026-01-05", "一年", "务工", "租赁房屋", "", ""]]
        folder = tempfile.mkdtemp(prefix="desk-import-")
        path = os.path.join(folder, "居住登记.csv")
        with open(path, "w", encoding="utf-8-sig") as f:
            f.write("\n".join(",".join(line) for line in lines) + "\n")
        d = self.open_desk(SIZES[0], "import")
        self.wait_visible(d, "#import-form")
        Select(d.find_element(By.ID, "import-form-kind")).select_by_value("residents")
        d.find_element(By.ID, "import-form-file").send_keys(path)
        self.click(d, "#import-form-submit")
        summary = self.wait_text(d, "#import-summary", "导入完成")
        self.assertIn("共 4 行", summary.text)
        self.assertIn("有误 3 行", summary.text)
        problems = rows(d, "#import-problems")
        by_row = {int(r[0]): r for r in problems}
        self.assertEqual(sorted(by_row), [3, 4, 5], problems)
        self.assertIn("性别", by_row[3][1] + by_row[3][2])
        self.assertIn("到达", by_row[4][1] + by_row[4][2])
        self.assertIn("姓名", by_row[5][1] + by_row[5][2])
        self.shot(d, "report")
        d.set_window_size(*SIZES[1])
        time.sleep(0.3)
        self.assert_no_overflow(d)
        self.shot(d, "report")
        # The good row is in the register; the export link is there (the API audits the download).
        hits = fetch_json(d, "/api/v1/search/stays?name=" + "测试导入")["hits"]
        self.assertEqual([h["name"] for h in hits], ["测试导入"])
        self.assertIn("/api/v1/exports/residents?", d.find_element(By.ID, "export-link").get_attribute("href"))
