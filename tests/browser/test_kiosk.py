"""/kiosk: a card on the emulated reader → the holder's masked data → the declaration with big pick lists
→ the receipt → the idle timeout clears everything; a missing field is refused in Chinese, naming it."""
from selenium.webdriver.common.by import By

from harness import BrowserTest, SIZES


class KioskTest(BrowserTest):
    def open_kiosk(self, size, idle):
        d = self.kiosk_driver(size=size, idle=idle)
        self.wait(d, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", "kiosk ready")
        self.wait_text(d, "#prompt", "请放置身份证")
        self.assert_no_overflow(d)
        self.shot(d, "waiting")
        return d

    def present(self, d, card_name):
        """Places the deck card and waits for the form; checks that only masked data is shown."""
        holder = self.stack.card(card_name)
        self.stack.place(card_name)
        self.wait_visible(d, "#form", timeout=20)
        masked = self.wait_text(d, "#holder-name", holder["holder"][0] + "*").text
        self.assertEqual(masked, holder["holder"][0] + "*" * (len(masked) - 1))
        holder = dict(holder, masked=masked)
        text = self.page_text(d)
        self.assertNotIn(holder["holder"], text, "the full name is never shown")
        self.assertNotIn(holder["idNumber"], text, "the full ID number is never shown")
        self.assertIn(holder["idNumber"][:4], d.find_element(By.ID, "holder-id").text)
        self.assertIn("*", d.find_element(By.ID, "holder-id").text)
        self.assertIn(d.find_element(By.ID, "holder-photo").text, ["已读取", "未读取到照片"])
        self.shot(d, "card-read")
        return holder

    def pick_house(self, d):
        self.click(d, "#buildings .choice")
        if not d.find_elements(By.CSS_SELECTOR, "#units .choice.chosen"):
            self.click(d, "#units .choice")
        self.click(d, "#rooms .choice")
        return self.wait_text(d, "#house-address", "已选择：").text.removeprefix("已选择：")

    def fill(self, d, skip=()):
        choices = {"relation": "承租人", "residenceReason": "务工", "housingType": "租赁房屋", "plannedStay": "一年",
                   "applyResidencePermit": "暂不申领", "hasEmployer": "无工作单位"}
        for field, label in choices.items():
            if field not in skip:
                self.click(d, f"#{field} .choice", label)
                self.wait(d, lambda d: d.find_element(By.CSS_SELECTOR, f"#{field} .choice.chosen").text == label, f"{field} chosen")
        for digit in "13912345678":
            self.click(d, f'#keypad .key[data-key="{digit}"]')
        self.wait_text(d, "#phone-display", "139 1234 5678")

    def flow(self, size, card_name):
        d = self.open_kiosk(size, idle=5)
        holder = self.present(d, card_name)
        address = self.pick_house(d)
        self.fill(d)
        self.shot(d, "filled")
        self.click(d, "#submit")
        self.wait_visible(d, "#receipt")
        self.wait_text(d, "#receipt h2", "回执")
        self.assertEqual(d.find_element(By.ID, "receipt-name").text, holder["masked"])
        self.assertEqual(d.find_element(By.ID, "receipt-address").text, address)
        self.assertRegex(d.find_element(By.ID, "receipt-date").text, r"^\d{4}年\d{1,2}月\d{1,2}日$")
        self.assertNotIn(holder["idNumber"], self.page_text(d))
        self.assert_no_overflow(d)
        self.shot(d, "receipt")
        # Left alone, the kiosk clears everything and waits for the next card.
        self.wait_visible(d, "#wait", timeout=15)
        self.wait_text(d, "#prompt", "请放置身份证")
        for element_id in ["holder-name", "holder-id", "receipt-name", "receipt-address", "house-address"]:
            self.assertEqual(d.find_element(By.ID, element_id).get_attribute("textContent"), "", element_id)
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, ".choice.chosen"), [])
        self.shot(d, "cleared")
        self.stack.remove()

    def test_card_to_receipt_1920x1080(self):
        self.flow(SIZES[0], "resident-elder")

    def test_card_to_receipt_1280x800(self):
        self.flow(SIZES[1], "resident-addr")

    def test_idle_timeout_clears_a_half_filled_form(self):
        d = self.open_kiosk(SIZES[1], idle=3)
        self.present(d, "taiwan")
        self.pick_house(d)
        self.click(d, "#relation .choice", "承租人")
        self.wait_visible(d, "#wait", timeout=10)
        self.assertEqual(d.find_element(By.ID, "holder-name").get_attribute("textContent"), "")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, ".choice.chosen"), [])
        # The same card (still on the board) is not shown again; a new read is.
        import time
        time.sleep(2)
        self.assertTrue(d.find_element(By.ID, "wait").is_displayed())
        self.shot(d, "cleared")
        self.stack.remove()

    def test_missing_field_is_named_in_chinese(self):
        d = self.open_kiosk(SIZES[1], idle=60)
        self.allow_http_errors(d, 400)
        self.present(d, "resident-addr4")
        self.pick_house(d)
        self.fill(d, skip={"residenceReason"})
        self.click(d, "#submit")
        error = self.wait_text(d, "#form-error", "居住事由")
        self.assertIn("不能为空", error.text)
        field_error = self.wait_text(d, '[data-error-for="residenceReason"]', "居住事由")
        self.assertTrue(field_error.is_displayed())
        self.assertIn("has-error", d.find_element(By.CSS_SELECTOR, '.kiosk-step[data-field="residenceReason"]').get_attribute("class"))
        self.shot(d, "missing-field")
        # Corrected, the same card goes through: the refused attempt wrote nothing.
        self.click(d, "#residenceReason .choice", "务工")
        self.assertFalse(field_error.is_displayed())
        self.click(d, "#submit")
        self.wait_text(d, "#receipt h2", "回执")
        self.shot(d, "receipt")
        self.stack.remove()
