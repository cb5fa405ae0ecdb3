"""/desk 协查核查: the demo stack's 分局 issued three cases (scripts/demo-stack). The desk sees them in its to-do
list with counts and the overdue one marked; the case for somebody in no register can only be answered 查无此人
and 迁出 without the destination is refused naming both fields; the paired case is confirmed; each feedback
reaches the 分局's renfang-upstream exactly once — at 1920×1080 and 1280×800."""
import subprocess
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import BrowserTest, bin_dir
from staff_helpers import text_of, wait_text


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

    def test_answer_cases_and_feedback_reaches_the_bureau_once_1920x1080(self):
        d = self.open_cases((1920, 1080))
        self.allow_http_errors(d, 400)
        summary = text_of(d, "#cases-summary")
        self.assertIn("逾期 1 件", summary)
        self.assertIn("未配对 1 件", summary)
        wait_text(self, d, "#cases-table", "逾期 1 天")
        self.assertIn("停水通知", text_of(d, "#notices-table"))
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

        # The case paired by ID number: confirmed.
        self.answer_dialog(d, "HC-DEMO-0001")
        self.assertIn("已配对", text_of(d, "#case-candidates"))
        Select(d.find_element(By.ID, "case-answer-outcome")).select_by_value("consistent")
        self.click(d, "#case-answer-submit")
        wait_text(self, d, "#answered-table", "HC-DEMO-0001")
        self.assertNotIn("HC-DEMO-0001", text_of(d, "#cases-table"))
        self.shot(d, "answered")

        # Both feedback records reach the 分局, once each.
        deadline = time.time() + 60
        lines = []
        while time.time() < deadline:
            lines = self.feedback_lines()
            if sum("case=HC-DEMO-0001" in l for l in lines) and sum("case=HC-DEMO-0003" in l for l in lines):
                break
            time.sleep(1)
        self.assertEqual(sum("case=HC-DEMO-0001 outcome=consistent" in l for l in lines), 1, lines)
        self.assertEqual(sum("case=HC-DEMO-0003 outcome=notFound reason=迁出" in l for l in lines), 1, lines)

    def test_progress_table_1280x800(self):
        d = self.open_cases((1280, 800))
        self.wait_visible(d, "#progress-form")
        self.click(d, "#progress-form-submit")
        wait_text(self, d, "#progress-table", "合计")
        self.assertIn("演示市公安局演示分局", text_of(d, "#progress-table"))
        self.assertTrue(d.find_element(By.ID, "progress-xlsx").get_attribute("href").endswith("format=xlsx"))
        self.assert_no_overflow(d)
        self.shot(d, "progress")
