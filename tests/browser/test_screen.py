"""/screen: the public big screen follows card reads and registrations live, draws its charts, and never
shows personal data."""
import re

from selenium.webdriver.common.by import By

from harness import BrowserTest, SIZES


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or "-1")


class ScreenTest(BrowserTest):
    def open_screen(self, size):
        d = self.driver(None, size=size, path="/screen/")
        self.wait(d, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", "screen ready")
        self.wait_text(d, "#link-state", "实时更新中")
        self.wait(d, lambda d: number(d.find_element(By.ID, "card-reads").text) >= 0, "counts shown")
        return d

    def tiles(self, d):
        return {key: number(d.find_element(By.ID, key).text) for key in ["total-living", "total-arrivals", "total-departures", "card-reads"]}

    def assert_no_personal_data(self, d, holder):
        masked_id = holder["idNumber"][:4]
        for text in [self.page_text(d), d.page_source]:
            self.assertNotIn(holder["holder"], text)
            self.assertNotIn(holder["idNumber"], text)
            self.assertNotIn(holder["idNumber"][-4:] + "<", text)
            self.assertNotIn(holder["holder"][0] + "*", text, "not even a masked name")
        self.assertNotIn(masked_id + "*", self.page_text(d), "not even a masked ID number")

    def test_follows_card_reads_and_registrations_1920x1080(self):
        d = self.open_screen(SIZES[0])
        self.shot(d, "before")
        # A big screen never scrolls: everything fits the 1920×1080 window.
        overflow = d.execute_script("return document.documentElement.scrollHeight - window.innerHeight")
        self.assertLessEqual(overflow, 0, f"the page is {overflow} px taller than the window")
        before = self.tiles(d)
        holder = self.stack.card("hk")
        self.stack.place("hk")
        self.wait(d, lambda d: number(d.find_element(By.ID, "card-reads").text) == before["card-reads"] + 1,
                  "the card read is counted on the screen")
        self.shot(d, "card-read")
        self.assert_no_personal_data(d, holder)

        # A registration (the kiosk's declaration for that card) moves 在住 and 今日来, live.
        api = self.driver(None, size=SIZES[1], path="/api/v1/health")
        answer = api.execute_async_script("""
            const [kiosk, done] = arguments;
            (async () => {
              const card = await (await fetch(`/api/v1/kiosk/${kiosk}/card`)).json();
              const places = await (await fetch(`/api/v1/kiosk/${kiosk}/places`)).json();
              const body = {token: card.token, house: places.houses[places.houses.length - 1].uuid, relation: '91',
                            residenceReason: '01', housingType: '02', plannedStay: '4', applyResidencePermit: false,
                            hasEmployer: false, phone: '13912345670'};
              const r = await fetch(`/api/v1/kiosk/${kiosk}/declaration`, {method: 'POST',
                            headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
              done({status: r.status, body: await r.text()});
            })().catch(e => done({status: 0, body: String(e)}));
        """, self.stack.kiosk)
        self.assertEqual(answer["status"], 201, answer)
        self.wait(d, lambda d: self.tiles(d)["total-living"] == before["total-living"] + 1
                  and self.tiles(d)["total-arrivals"] == before["total-arrivals"] + 1, "the registration is on the screen")
        today = d.find_elements(By.CSS_SELECTOR, "#days-chart .chart-dot.series-1")[-1]
        self.assertGreaterEqual(int(today.get_attribute("data-value")), 1, "today's arrivals in the 7-day chart")
        self.assert_no_personal_data(d, holder)
        self.assert_no_overflow(d)
        self.shot(d, "registered")
        self.stack.remove()

    def test_charts_banner_and_live_count_1280x800(self):
        d = self.open_screen(SIZES[1])
        self.wait_text(d, "#welcome", "欢迎来到演示社区")
        self.assertRegex(d.find_element(By.ID, "banner-date").text, r"^\d{4}年\d{1,2}月\d{1,2}日")
        self.assertIn("出租房屋请及时办理居住登记", d.find_element(By.ID, "notices").get_attribute("textContent"))
        xiaoqus = d.find_elements(By.CSS_SELECTOR, "#xiaoqus article.xiaoqu")
        self.assertEqual(len(xiaoqus), 3, "the demo register's three 小区")
        for article in xiaoqus:
            bars = article.find_elements(By.CSS_SELECTOR, "svg rect.chart-bar")
            self.assertEqual(len(bars), 3, "three 楼栋 per 小区")
            living = number(article.find_element(By.CSS_SELECTOR, ".xiaoqu-living").text)
            self.assertEqual(sum(int(b.get_attribute("data-value")) for b in bars), living, "the 楼栋 add up to the 小区")
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#xiaoqu-chart svg rect.chart-bar")), 9)
        for series in ["series-1", "series-2"]:
            self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, f"#days-chart svg circle.chart-dot.{series}")), 7)
        labels = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#days-chart .chart-label")]
        self.assertTrue(all(re.fullmatch(r"\d{1,2}月\d{1,2}日", label) for label in labels), labels)
        self.assert_no_overflow(d)
        self.shot(d, "charts")
        before = self.tiles(d)["card-reads"]
        self.stack.place()  # a random generated card
        self.wait(d, lambda d: self.tiles(d)["card-reads"] == before + 1, "the card read is counted")
        self.shot(d, "card-read")
        self.stack.remove()
