"""/police: the statistics drill-down 社区 → 小区 → 楼栋 → 户 across the station, the search of people and
their history, the station's 协查 cases and notices, queue and reader health, audited exports — at 1280×800
and 1920×1080."""
import time

from selenium.webdriver.common.by import By

from harness import BrowserTest, SIZES
from staff_helpers import click, fetch_json, rows, text_of, wait_text


class PoliceTest(BrowserTest):
    def test_drill_down_search_and_health_1280x800(self):
        d = self.driver("police", size=SIZES[1], path="/police/#stats")
        self.wait_text(d, "#who", "民警")
        levels = ["社区", "小区", "楼栋", "户"]
        totals = []
        for i, level in enumerate(levels):
            self.wait(d, lambda d: text_of(d, "#stats-rows thead th") == level, f"level {level}")
            found = rows(d, "#stats-rows")
            self.assertTrue(found, level)
            totals.append((found, sum(int(r[3]) for r in found)))
            if i:
                self.assertEqual(totals[i][1], int(totals[i - 1][0][0][3]), f"the {level} rows add up to the row above")
            self.shot(d, f"stats-{i}")
            if i < len(levels) - 1:
                name = found[0][0].rstrip(" ›")
                click(self, d, "#stats-rows tbody tr")
                wait_text(self, d, "#stats-crumbs", name)
        self.assertEqual(len(totals[1][0]), 3, "the station's three 小区")
        self.assert_no_overflow(d)

        # Search across the station, and a person's history.
        self.click(d, "#tab-search")
        self.wait_visible(d, "#search-form-name").send_keys("王")
        self.click(d, "#search-form-submit")
        self.wait_visible(d, "#search-table")
        hits = rows(d, "#search-table")
        self.assertTrue(hits and all(r[0].startswith("王") for r in hits), hits)
        self.assertTrue(any(len(r[1]) == 18 and "*" not in r[1] for r in hits), "police see full numbers")
        self.shot(d, "search")
        self.click(d, "#search-table tbody tr")
        self.wait_visible(d, "#history-table")
        self.shot(d, "history")
        d.find_element(By.CSS_SELECTOR, "#person-dialog .close").click()

        # Health: the emulated reader and both upstream queues.
        self.click(d, "#tab-health")
        readers = self.wait_visible(d, "#readers-table")
        self.assertIn("serial:", readers.text)
        queue = self.wait_visible(d, "#queue-table")
        self.assertIn("分局", queue.text)
        self.assertIn("省厅", queue.text)
        self.wait_visible(d, "#watchlist-table")
        self.shot(d, "health")

        # Exports: a link to the audited export.
        self.click(d, "#tab-export")
        link = self.wait_visible(d, "#export-link")
        self.assertIn("/api/v1/exports/residents?format=xlsx", link.get_attribute("href"))
        self.assertIn("审计", self.page_text(d))
        d.set_window_size(*SIZES[0])
        self.assert_no_overflow(d)
        self.shot(d, "export")

    def test_cases_and_notices_of_the_station_1920x1080(self):
        """The station's to-do list: the demo 分局's cases (the overdue one marked) and its notices, read and
        marked read on /police."""
        d = self.driver("police", size=(1920, 1080), path="/police/#cases")
        self.wait_text(d, "#who", "民警")
        for _ in range(30):  # the box pulls its 分局 inbox every 5 s
            if "HC-DEMO-0003" in text_of(d, "#cases-table") + text_of(d, "#answered-table"):
                break
            time.sleep(1)
            d.refresh()
            self.wait_visible(d, "#cases-summary")
        self.assertIn("HC-DEMO-0003", text_of(d, "#cases-table") + text_of(d, "#answered-table"))
        self.assertIn("协查案件", text_of(d, "#cases-summary"))
        wait_text(self, d, "#notices-table", "停水通知")
        # The to-do badge in the navigation: the station's open cases plus this officer's unread notices.
        badge = lambda: d.execute_script("const b = document.getElementById('todo-badge'); return b ? b.dataset.total : null")
        counts = fetch_json(d, "/api/v1/todo/counts")
        total = counts["cases"] + counts["notices"]
        self.wait(d, lambda d: badge() == str(total), f"the badge shows {total}")
        self.assertIsNotNone(d.find_element(By.CSS_SELECTOR, "#nav #tab-cases #todo-badge"))
        unread = [b for b in d.find_elements(By.CSS_SELECTOR, "#notices-table button") if b.text == "标记已读"]
        if unread:
            unread[0].click()
            wait_text(self, d, "#status", "已标记为已读")
            # Read: one notice fewer on the badge, at once.
            self.wait(d, lambda d: badge() == str(total - 1), f"the badge drops to {total - 1}")
        self.shot(d, "cases-and-notices")
