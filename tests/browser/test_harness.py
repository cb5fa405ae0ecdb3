"""The harness itself: the stack is up, pages are served under the CSP, console errors are caught,
the demo accounts log in, cards (also a listed one) can be placed on the emulated reader."""
import json
import urllib.request

from harness import BrowserTest, SIZES


class HarnessTest(BrowserTest):
    def test_pages_served_with_security_headers(self):
        with urllib.request.urlopen(self.stack.url + "/screen/") as answer:
            self.assertEqual(answer.headers["Content-Type"], "text/html; charset=utf-8")
            self.assertTrue(answer.headers["Content-Security-Policy"].startswith("default-src 'self'"))
        with urllib.request.urlopen(self.stack.url + "/common/api.js") as answer:
            self.assertEqual(answer.headers["Content-Type"], "text/javascript; charset=utf-8")

    def test_console_errors_are_caught(self):
        d = self.driver(None, size=SIZES[1], path="/screen/")
        d.execute_script("console.error('harness-probe'); setTimeout(() => { throw new Error('thrown-probe'); }, 0);")
        self.wait(d, lambda _: True)
        import time; time.sleep(0.3)
        errors = self.console_errors(d)
        self.assertTrue(any("harness-probe" in e for e in errors), errors)
        self.assertTrue(any("thrown-probe" in e for e in errors), errors)
        # An inline script is refused by the CSP, and that is an error too.
        d.execute_script("const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s);")
        time.sleep(0.3)
        self.assertTrue(any("Content Security Policy" in e for e in self.console_errors(d)))

    def test_roles_log_in(self):
        for role in ["admin", "police", "desk"]:
            d = self.driver(role, size=SIZES[0])
            me = d.execute_async_script("fetch('/api/v1/auth/me').then(r => r.json()).then(arguments[0])")
            self.assertEqual(me["role"], role)

    def test_cards_placed_on_the_reader(self):
        listed = self.stack.listed
        self.assertEqual(len(listed), 2)
        self.stack.place(listed[0])
        d = self.driver(None, size=SIZES[1], path="/api/v1/health")
        card = self.wait(d, lambda d: (lambda c: c if c.get("present") else None)(d.execute_async_script(
            f"fetch('/api/v1/kiosk/{self.stack.kiosk}/card').then(r => r.json()).then(arguments[0])")), "card on the kiosk reader")
        holder = self.stack.card(listed[0])
        self.assertEqual(card["maskedIdNumber"][:4], holder["idNumber"][:4])
        self.assertNotIn(holder["idNumber"], json.dumps(card))
        self.stack.remove()
