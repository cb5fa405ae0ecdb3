"""The browser-test harness of the pages (/kiosk, /desk, /police, /screen).

Runs a real stack — scripts/demo-stack: two renfang-upstream, the demo register, the demo watchlist,
demo accounts, the reader emulator on a pty and renfangd serving web/ — on free ports in a temporary
folder, once per run (all test files share it), and drives headless Chromium through Selenium
(Debian's python3-selenium and chromium-driver: run with /usr/bin/python3; tests/browser/run does).

In a test (a subclass of BrowserTest):

    stack = self.stack                       # the running Stack: .url, .place(...), .remove(), .deck, .listed
    d = self.kiosk_driver(size=(1280, 800), idle=3)   # /kiosk/?device=lobby&idle=3
    d = self.driver("police", size=(1920, 1080))      # logged in as the demo police account
    d = self.driver(None)                             # no login
    self.shot(d, "after-card")              # .build/browser-screenshots/<test>/<n>-after-card.png
    self.wait_text(d, "#state", "请放置身份证")
    self.allow_http_errors(d, 400, 409)     # API answers the test provokes (logged by Chrome as errors)

Every driver's console is read when the test ends: any JavaScript error, CSP violation or failed load
fails the test (HTTP 4xx answers only when the test allowed that status for that driver).
"""
from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", ROOT / ".build" / "browser-screenshots"))
SIZES = [(1920, 1080), (1280, 800)]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT = float(os.environ.get("BROWSER_WAIT", "15"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bin_dir() -> str:
    if os.environ.get("RENFANG_BINDIR"):
        return os.environ["RENFANG_BINDIR"]
    return subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


class Stack:
    """scripts/demo-stack on free ports in a temporary folder."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="renfang-browser-"))
        self.process: subprocess.Popen | None = None
        self.info: dict = {}
        self.accounts: dict = {}
        self.deck: list[dict] = []

    def start(self, timeout: float = 180) -> "Stack":
        env = dict(os.environ)
        env.update({
            "DEMO_DIR": str(self.dir / "stack"), "DEMO_HTTP_PORT": str(free_port()),
            "DEMO_BUREAU_PORT": str(free_port()), "DEMO_PROVINCE_PORT": str(free_port()),
            "DEMO_PAGES_DIR": str(ROOT / "web"), "DEMO_QUIET": "1", "RENFANG_BINDIR": bin_dir(),
        })
        self.log = open(self.dir / "demo-stack.log", "w")
        started = time.monotonic()
        self.process = subprocess.Popen([str(ROOT / "scripts" / "demo-stack")], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        info = self.dir / "stack" / "stack.json"
        while not info.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"demo-stack exited ({self.process.returncode}):\n{self.tail()}")
            if time.monotonic() - started > timeout:
                self.stop()
                raise RuntimeError(f"demo-stack not ready after {timeout} s:\n{self.tail()}")
            time.sleep(0.1)
        self.info = json.loads(info.read_text(encoding="utf-8"))
        self.accounts = json.loads(Path(self.info["accounts"]).read_text(encoding="utf-8"))
        self.deck = [json.loads(line) for line in Path(self.info["deck"]).read_text(encoding="utf-8").splitlines() if line.strip()]
        self.started_in = time.monotonic() - started
        return self

    def tail(self, lines: int = 40) -> str:
        out = []
        for name in ["demo-stack.log", "stack/renfangd.log"]:
            path = self.dir / name
            if path.exists():
                out.append(f"--- {name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(out)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # demo-stack stops every process it started
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what we started
                self.process.wait()
        self.process = None
        if os.environ.get("BROWSER_KEEP_STACK"):
            print(f"stack kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- what tests use -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.info["http"]

    @property
    def kiosk(self) -> str:
        return self.info["kiosk"]

    @property
    def listed(self) -> list[str]:
        """Deck cards on the demo watchlist (`renfang sim place NAME` raises an alert)."""
        return list(self.info["listed"])

    def card(self, name: str) -> dict:
        """A deck card: {name, holder, idNumber, birthDate, cardType}."""
        return next(c for c in self.deck if c["name"] == name)

    def sim(self, *args: str) -> str:
        result = subprocess.run([self.info["renfang"], "sim", *args, "--control", self.info["control"]],
                                capture_output=True, text=True, timeout=20)
        if result.returncode != 0:
            raise RuntimeError(f"renfang sim {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def place(self, name: str | None = None) -> str:
        """Puts a deck card (or, without a name, a random generated card) on the emulated reader."""
        return self.sim("place", name) if name else self.sim("place", "--random")

    def remove(self) -> str:
        """Takes the card off the reader."""
        return self.sim("remove")

    def password(self, user: str) -> str:
        return self.accounts[user]["password"]

    def renfangd_log(self) -> str:
        return Path(self.info["log"]).read_text(errors="replace")


_stack: Stack | None = None


def stack() -> Stack:
    """The stack of this run (started at first use, stopped at exit)."""
    global _stack
    if _stack is None:
        _stack = Stack().start()
        atexit.register(_stack.stop)
        print(f"\nstack up in {_stack.started_in:.1f} s at {_stack.url}", flush=True)
    return _stack


def new_driver(size=(1920, 1080)) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={size[0]},{size[1]}", "--lang=zh-CN", "--force-device-scale-factor=1",
                "--disable-extensions", "--no-first-run", "--disable-background-networking"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(*size)
    driver.set_page_load_timeout(30)
    return driver


STATUS = re.compile(r"status of (\d{3})")


class BrowserTest(unittest.TestCase):
    """A test with drivers that are closed, and whose consoles are checked, when it ends."""

    def setUp(self):
        self.stack = stack()
        self._drivers: list[webdriver.Chrome] = []
        self._allowed: dict[int, set[int]] = {}
        self._shots = 0
        self.shot_dir = SCREENSHOTS / self.id().split(".", 1)[-1]
        shutil.rmtree(self.shot_dir, ignore_errors=True)
        self.shot_dir.mkdir(parents=True, exist_ok=True)
        self.addCleanup(self._finish)

    # --- drivers ------------------------------------------------------------------------------------
    def driver(self, role: str | None = None, size=(1920, 1080), path: str | None = None) -> webdriver.Chrome:
        """A new browser, logged in as the demo account `role` (admin, police, desk) unless None."""
        d = new_driver(size)
        self._drivers.append(d)
        if role:
            d.get(self.stack.url + "/api/v1/health")
            answer = d.execute_async_script("""
                const [user, password, done] = arguments;
                fetch('/api/v1/auth/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
                      body: JSON.stringify({user, password})})
                  .then(r => r.json().then(b => done({status: r.status, body: b})))
                  .catch(e => done({status: 0, body: String(e)}));
            """, role, self.stack.password(role))
            if answer["status"] != 200:
                raise AssertionError(f"login as {role} failed: {answer}")
        if path:
            d.get(self.stack.url + path)
        return d

    def kiosk_driver(self, size=(1920, 1080), idle: float | None = None, extra: str = "") -> webdriver.Chrome:
        """A browser on /kiosk/ of the demo kiosk (`idle` seconds of idle timeout)."""
        query = f"?device={self.stack.kiosk}" + (f"&idle={idle}" if idle is not None else "") + extra
        return self.driver(None, size=size, path=f"/kiosk/{query}")

    def allow_http_errors(self, driver, *statuses: int):
        """HTTP answers with these statuses are expected on this driver (Chrome logs them as errors)."""
        self._allowed.setdefault(id(driver), set()).update(statuses)

    # --- evidence -----------------------------------------------------------------------------------
    def shot(self, driver, name: str) -> Path:
        self._shots += 1
        w, h = driver.get_window_size().values() if isinstance(driver.get_window_size(), dict) else (0, 0)
        path = self.shot_dir / f"{self._shots:02d}-{name}-{w}x{h}.png"
        driver.save_screenshot(str(path))
        return path

    def console_errors(self, driver) -> list[str]:
        """Console entries that fail a test: severe ones, except allowed HTTP statuses of this driver."""
        allowed = self._allowed.get(id(driver), set())
        errors = []
        for entry in driver.get_log("browser"):
            if entry.get("level") != "SEVERE":
                continue
            message = entry.get("message", "")
            status = STATUS.search(message)
            if entry.get("source") == "network" and status and int(status.group(1)) in allowed:
                continue
            errors.append(message)
        return errors

    def _finish(self):
        problems = []
        for d in self._drivers:
            try:
                problems += self.console_errors(d)
            except Exception as error:  # a dead browser is a failure too
                problems.append(f"console not readable: {error}")
            finally:
                try:
                    d.quit()
                except Exception:
                    pass
        self._drivers.clear()
        if problems:
            self.fail("JavaScript console errors:\n" + "\n".join(problems))

    # --- waiting ------------------------------------------------------------------------------------
    def wait(self, driver, condition, message: str = "", timeout: float = WAIT):
        try:
            return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
        except TimeoutException:
            self.shot(driver, "timeout")
            raise AssertionError(f"timed out ({timeout} s): {message}") from None

    def wait_visible(self, driver, css: str, timeout: float = WAIT):
        def visible(d):
            found = [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
            return found[0] if found else None
        return self.wait(driver, visible, f"{css} visible", timeout)

    def wait_text(self, driver, css: str, text: str, timeout: float = WAIT):
        def has(d):
            for e in d.find_elements(By.CSS_SELECTOR, css):
                if e.is_displayed() and text in e.text:
                    return e
            return None
        return self.wait(driver, has, f"{css} shows {text!r}", timeout)

    def click(self, driver, css: str, text: str | None = None):
        """Clicks the first visible element matching `css` (and holding `text`)."""
        def find(d):
            for e in d.find_elements(By.CSS_SELECTOR, css):
                if e.is_displayed() and e.is_enabled() and (text is None or text in e.text):
                    return e
            return None
        element = self.wait(driver, find, f"clickable {css} {text or ''}")
        element.click()
        return element

    def page_text(self, driver) -> str:
        return driver.find_element(By.TAG_NAME, "body").text

    def assert_no_overflow(self, driver):
        """Nothing sticks out sideways (the page fits the window width)."""
        width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        self.assertLessEqual(width[0], width[1] + 1, f"page wider than the window: {width}")
