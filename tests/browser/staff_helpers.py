"""Helpers of the /desk and /police browser tests: synthetic ID numbers, dictionary fields, table rows."""
import random

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def synthetic_id(region: str = "110105", birth: str | None = None, rng=random) -> str:
    """An invented GB 11643 number with its right check character."""
    birth = birth or f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{region}{birth}{rng.randint(100, 998):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def pick(test, d, input_id: str, typed: str, expected: str):
    """Types into a dictionary field and picks the entry holding `expected` with the arrow keys and Enter."""
    field = d.find_element(By.ID, input_id)
    field.clear()
    field.send_keys(typed)
    options = f"#{input_id} + .dict-list:not([hidden]) li"
    script = "return [...document.querySelectorAll(arguments[0])].map(li => [li.textContent, li.classList.contains('active')])"
    test.wait(d, lambda d: any(expected in text for text, _ in d.execute_script(script, options)), f"{input_id}: {typed!r} offers {expected!r}")
    for _ in range(30):
        if any(expected in text and active for text, active in d.execute_script(script, options)):
            break
        field.send_keys(Keys.ARROW_DOWN)
    field.send_keys(Keys.ENTER)
    test.wait(d, lambda d: expected in d.find_element(By.ID, input_id).get_attribute("value"), f"{input_id} = {expected}")


def text_of(d, css: str) -> str:
    """The text of the first element matching css ('' when none), read in the page (never stale)."""
    return d.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", css)


def set_value(d, element_id: str, value: str):
    """Sets a date input (its typed form depends on the browser's locale)."""
    d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, element_id), value)


def rows(d, css: str) -> list[list[str]]:
    """The cell texts of a table's body rows."""
    return d.execute_script("return [...document.querySelectorAll(arguments[0])].map(tr => [...tr.cells].map(td => td.textContent))",
                            f"{css} tbody tr")


def fetch_json(d, path: str):
    """GET path in the page's session."""
    return d.execute_async_script("fetch(arguments[0]).then(r => r.json()).then(arguments[1])", path)


def wait_text(test, d, css: str, text: str):
    """Waits until the element's text (read in the page, so a re-rendered element is fine) holds `text`."""
    return test.wait(d, lambda d: text in text_of(d, css), f"{css} shows {text!r}")


def click(test, d, css: str, tries: int = 5):
    """The harness's click, again if the page re-rendered the element in between."""
    from selenium.common.exceptions import StaleElementReferenceException
    for attempt in range(tries):
        try:
            return test.click(d, css)
        except StaleElementReferenceException:
            if attempt == tries - 1:
                raise
