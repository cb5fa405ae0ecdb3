"""/desk 协查核查: the demo stack's 分局 issued three cases (scripts/demo-stack). The desk sees them in its to-do
list with counts and the overdue one marked, and the to-do badge in the navigation; the case for somebody in no
register can only be answered 查无此人 and 迁出 without the destination is refused naming both fields; the paired
case (a 常住 resident) is offered the 常住 outcomes and is confirmed only with 常驻人口信息员确认 ticked; the badge
drops with each answer; each feedback reaches the 分局's renfang-upstream exactly once. A case issued while the
page is open raises the badge without a reload; registering that person pairs it by itself (no 重新配对) and it is
answered 流动·地址一致 — at 1920×1080 and 1280×800."""
import json
import subprocess
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import BrowserTest, bin_dir
from staff_helpers import fetch_json, synthetic_id, text_of, wait_text


def badge_total(d) -> int | None:
    """The to-do badge's count (None while the page has none)."""
    value = d.execute_script("const b = document.getElementById('todo-badge'); return b ? b.dataset.total : null")
    return None if value is None else int(value)


def api_total(d) -> int:
    """Cases awaiting an answer plus unread notices, from the API the badge polls."""
    counts = fetch_json(d, "/api/v1/todo/counts")
    return counts["cases"] + counts["notices"]


class CasesTest(BrowserTest):
    def feedback_lines(self) -> list[str]:
        db = Path(self.stack.info["dir"]) / "bureau.sqlite"
        result = subprocess.run([str(Path(bin_dir()) / "renfang-upstream"), "case", "feedback", "--db", str(db)],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [line for line in result.stdout.splitlines() if line.strip()]

    def open_cases(self, size):
        d = self.driver("desk", size=size, path="/desk/#cases")
        self.wait_text(d, "#who", "物业")
        # The box pulls its 分局 inbox every 5 s: wait until the three demo cases are in.
        for _ in range(30):
            if "HC-DEMO-0003" in text_of(d, "#cases-table") or "HC-DEMO-0003" in text_of(d, "#answered-table"):
                break
            time.sleep(1)
            d.refresh()
            self.wait_visible(d, "#cases-summary")
        return d

    def answer_dialog(self, d, case_no):
        self.click(d, "#cases-table tbody tr", case_no)
        self.wait_visible(d, "#case-dialog")
        return d.find_element(By.ID, "case-dialog")

    def paired_dialog(self, d, case_no: str, source: str) -> list[str]:
        """Opens a paired case: its candidates say 已配对, its facts the records (流动人口/常住人口) the person is
        found in; returns the outcomes the answer form offers."""
        self.answer_dialog(d, case_no)
        self.assertIn("已配对", text_of(d, "#case-candidates"))
        self.assertIn(source, text_of(d, "#case-dialog .facts"))
        return [o.get_attribute("value") for o in Select(d.find_element(By.ID, "case-answer-outcome")).options]

    def wait_badge(self, d, total: int):
        self.wait(d, lambda d: badge_total(d) == total, f"the to-do badge shows {total} (now {badge_total(d)})", timeout=40)

    def test_answer_cases_and_feedback_reaches_the_bureau_once_1920x1080(self):
        d = self.open_cases((1920, 1080))
        self.allow_http_errors(d, 400)
        summary = text_of(d, "#cases-summary")
        self.assertIn("逾期 1 件", summary)
        self.assertIn("未配对 1 件", summary)
        wait_text(self, d, "#cases-table", "逾期 1 天")
        self.assertIn("停水通知", text_of(d, "#notices-table"))
        # The badge on the 协查核查 tab: cases awaiting an answer + unread notices, the overdue one highlighted.
        total = api_total(d)
        self.assertGreaterEqual(total, 3)
        self.wait_badge(d, total)
        badge = d.find_element(By.ID, "todo-badge")
        self.assertTrue(badge.is_displayed())
        self.assertIn(str(total), badge.text)
        self.assertIn("逾期 1", badge.text)
        self.assertIn("overdue", badge.get_attribute("class"))
        self.assertIn("逾期 1 件", badge.get_attribute("title"))
        self.assertIsNotNone(d.find_element(By.CSS_SELECTOR, "#nav #tab-cases #todo-badge"))
        self.shot(d, "todo")

        # The case for nobody: only 查无此人 is offered; 迁出 without a destination is refused, both fields named.
        self.answer_dialog(d, "HC-DEMO-0003")
        outcomes = [o.get_attribute("value") for o in Select(d.find_element(By.ID, "case-answer-outcome")).options]
        self.assertEqual(outcomes, ["", "notFound"])
        self.assertIn("登记库中没有找到此人", text_of(d, "#case-candidates"))
        Select(d.find_element(By.ID, "case-answer-outcome")).select_by_value("notFound")
        Select(d.find_element(By.ID, "case-answer-reason")).select_by_value("迁出")
        self.click(d, "#case-answer-submit")
        wait_text(self, d, "#case-answer-errors", "婚出地/迁出地乡镇（街道）")
        self.assertIn("婚出地/迁出地行政区划", text_of(d, "#case-answer-errors"))
        self.assertEqual(d.find_element(By.ID, "case-answer-destinationTownship").get_attribute("aria-invalid"), "true")
        self.shot(d, "refused")
        d.find_element(By.ID, "case-answer-destinationRegion").send_keys("440305")
        d.find_element(By.ID, "case-answer-destinationTownship").send_keys("蛇口街道")
        self.click(d, "#case-answer-submit")
        wait_text(self, d, "#answered-table", "HC-DEMO-0003")
        # Answered: the badge drops by one at once, and the overdue mark goes with the overdue case.
        self.wait_badge(d, total - 1)
        self.assertNotIn("overdue", d.find_element(By.ID, "todo-badge").get_attribute("class"))

        # The case paired by ID number: a 常住 resident of the demo (户籍 here), so the 常住 outcomes are offered;
        # without 常驻人口信息员确认 it is refused, the field named.
        outcomes = self.paired_dialog(d, "HC-DEMO-0001", "常住人口")
        self.assertEqual(outcomes, ["", "notFound", "residentConsistent", "residentReRegistered"])
        Select(d.find_element(By.ID, "case-answer-outcome")).select_by_value("residentConsistent")
        self.click(d, "#case-answer-submit")
        wait_text(self, d, "#case-answer-errors", "常驻人口信息员确认")
        self.assertEqual(d.find_element(By.ID, "case-answer-residentOfficerConfirmed").get_attribute("aria-invalid"), "true")
        self.shot(d, "confirmation-required")
        d.find_element(By.ID, "case-answer-residentOfficerConfirmed").click()
        self.click(d, "#case-answer-submit")
        wait_text(self, d, "#answered-table", "HC-DEMO-0001")
        self.assertNotIn("HC-DEMO-0001", text_of(d, "#cases-table"))
        self.wait_badge(d, total - 2)
        self.shot(d, "answered")

        # Both feedback records reach the 分局, once each.
        deadline = time.time() + 60
        lines = []
        while time.time() < deadline:
            lines = self.feedback_lines()
            if sum("case=HC-DEMO-0001" in l for l in lines) and sum("case=HC-DEMO-0003" in l for l in lines):
                break
            time.sleep(1)
        self.assertEqual(sum("case=HC-DEMO-0001 outcome=residentConsistent" in l for l in lines), 1, lines)
        self.assertEqual(sum("case=HC-DEMO-0003 outcome=notFound reason=迁出" in l for l in lines), 1, lines)

    def test_registration_pairs_a_waiting_case_and_the_badge_follows_1280x800(self):
        d = self.open_cases((1280, 800))
        total = api_total(d)
        self.wait_badge(d, total)
        # The 分局 issues a case for somebody from another city, in no register yet, while the page is open.
        number = synthetic_id(region="410102", birth="19910304")
        sex = "1" if int(number[16]) % 2 else "2"
        db = Path(self.stack.info["dir"]) / "bureau.sqlite"
        issued = subprocess.run([str(Path(bin_dir()) / "renfang-upstream"), "case", "create", "--db", str(db), "--case-id", "XC-BROWSER-1",
                                 "--type", "协查", "--id-number", number, "--name", "测新人", "--sex", sex, "--birth-date", "1991-03-04",
                                 "--address", "北京市朝阳区演示路1号1号楼1单元101", "--deadline", "+3", "--unit", "外省某县公安局流管大队"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(issued.returncode, 0, issued.stderr)
        # The box pulls it (every 5 s); the badge polls: it rises without a reload.
        self.wait_badge(d, total + 1)
        d.refresh()
        self.wait_visible(d, "#cases-summary")
        self.answer_dialog(d, "XC-BROWSER-1")
        self.assertIn("登记库中没有找到此人", text_of(d, "#case-candidates"))
        d.find_element(By.CSS_SELECTOR, "#case-dialog .close").click()

        # 人来登记 of that person (the desk's API, in this session): the case pairs in the same transaction.
        xiaoqu = fetch_json(d, "/api/v1/auth/me")["scope"]["xiaoqus"][0]
        house = fetch_json(d, f"/api/v1/xiaoqus/{xiaoqu}/houses")[0]["uuid"]
        answer = d.execute_async_script("""
            const [body, done] = arguments;
            fetch('/api/v1/auth/me').then(r => r.json()).then(me => fetch('/api/v1/registrations', {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken}, body: JSON.stringify(body)}))
              .then(r => r.json().then(b => done({status: r.status, body: b}))).catch(e => done({status: 0, body: String(e)}));
        """, {"house": house, "name": "测新人", "idNumber": number, "sex": sex, "relation": "99", "arrivalDate": "2025-01-10",
              "residenceReason": "01", "housingType": "02"})
        self.assertEqual(answer["status"], 201, json.dumps(answer, ensure_ascii=False))

        # No 重新配对: the case is paired and offers the 流动 outcomes; confirmed with the officer's tick.
        d.refresh()
        self.wait_visible(d, "#cases-summary")
        outcomes = self.paired_dialog(d, "XC-BROWSER-1", "流动人口")
        self.assertEqual(outcomes, ["", "notFound", "consistent", "reRegistered"])
        Select(d.find_element(By.ID, "case-answer-outcome")).select_by_value("consistent")
        d.find_element(By.ID, "case-answer-residentOfficerConfirmed").click()
        self.click(d, "#case-answer-submit")
        wait_text(self, d, "#answered-table", "XC-BROWSER-1")
        self.wait_badge(d, total)
        self.assert_no_overflow(d)
        self.shot(d, "auto-paired-answered")

    def test_progress_table_1280x800(self):
        d = self.open_cases((1280, 800))
        self.wait_visible(d, "#progress-form")
        self.click(d, "#progress-form-submit")
        wait_text(self, d, "#progress-table", "合计")
        self.assertIn("演示市公安局演示分局", text_of(d, "#progress-table"))
        self.assertTrue(d.find_element(By.ID, "progress-xlsx").get_attribute("href").endswith("format=xlsx"))
        self.assert_no_overflow(d)
        self.shot(d, "progress")
