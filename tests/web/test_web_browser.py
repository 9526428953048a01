"""A real browser over a real server (issue 11): Debian's headless Chromium, driven by
Selenium through /usr/bin/chromedriver, against waitress serving the app on a free localhost
port. A clerk registers a scanned letter, corrects a field, routes it with a 交办函; the office
head writes the 拟办, the leader the 批示; the clerk attaches the result, closes the case and
finds it by search. Screenshots of every step go to tests/web/output/ (or $DOCGEN_WEB_SHOTS).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from docgen import users
from docgen.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "correct-horse-8"

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                                reason="Debian chromium / chromium-driver not installed")


def shots_dir() -> Path:
    folder = Path(os.environ.get("DOCGEN_WEB_SHOTS") or Path(__file__).parent / "output")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """waitress in a thread of this process; closed at the end of the test."""

    def __init__(self, app):
        from waitress.server import create_server

        self.port = free_port()
        self.server = create_server(app, host="127.0.0.1", port=self.port, threads=4)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.close()
        self.thread.join(timeout=5)


def chrome(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1366,768",
                "--lang=zh-CN"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # the page area itself 1366x768, as on an office screen (the window adds its frame)
    driver.set_window_size(1366, 768)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(1366 + 1366 - inner[0], 768 + 768 - inner[1])
    driver.implicitly_wait(0)
    return driver


class Clerkship:
    """The steps of the test, with a screenshot after each."""

    def __init__(self, driver, base: str, shots: Path):
        self.d, self.base, self.shots, self.n = driver, base, shots, 0

    def shot(self, name: str) -> Path:
        self.n += 1
        path = self.shots / f"{self.n:02d}-{name}.png"
        self.d.save_screenshot(str(path))
        return path

    def wait_for(self, css: str, timeout: float = 120):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.d, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def submit(self, button, then: str, timeout: float = 120):
        """Click ``button`` and wait for the page it posts to: the old page gone, then ``then``
        on the new one (the old page may hold ``then`` too, so waiting for it alone can read
        the page before the post)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        # a mark on the old page's window object: the new page does not have it (an element
        # reference of the old page may fail in several ways while the page is replaced)
        self.d.execute_script("window.__oldPage = true")

        def left(driver) -> bool:
            try:
                return driver.execute_script("return window.__oldPage !== true") is True
            except WebDriverException:          # between the two pages
                return False

        button.click()
        WebDriverWait(self.d, timeout).until(left)
        return self.wait_for(then, timeout)

    def css(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.d.find_element(By.CSS_SELECTOR, selector)

    def text(self) -> str:
        return self.css("body").text

    def login(self, name: str):
        self.d.get(self.base + "/login")
        self.css("input[name=name]").send_keys(name)
        self.css("input[name=password]").send_keys(PASSWORD)
        self.submit(self.css("form button[type=submit]"), ".who")
        assert name in self.css(".who").text

    def logout(self):
        self.submit(self.css(".who button"), "input[name=password]")

    def open_action(self, summary: str):
        from selenium.webdriver.common.by import By

        for el in self.d.find_elements(By.CSS_SELECTOR, "details.action > summary"):
            if el.text.strip() == summary:
                details = el.find_element(By.XPATH, "..")
                if details.get_attribute("open") is None:
                    el.click()
                return details
        raise AssertionError(f"no action {summary}")

    def flash(self) -> str:
        from selenium.webdriver.common.by import By

        return " ".join(e.text for e in self.d.find_elements(By.CSS_SELECTOR, ".flash"))


def _wait_js(driver, script: str, timeout: float = 60) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


@pytest.mark.slow
def test_a_letter_from_upload_to_search_in_a_real_browser(ws, tmp_path):
    from selenium.webdriver.common.by import By

    from tests.fixtures.letters import make_letter, write_image

    for name, role in (("clerk", users.ROLE_CLERK), ("head", users.ROLE_HEAD),
                       ("leader", users.ROLE_LEADER), ("reader", users.ROLE_READER)):
        users.add_user(ws, name, role, PASSWORD)
    truth, image = make_letter(3, dpi=200)
    scan = write_image(image, tmp_path / "扫描来信.jpg")
    result = tmp_path / "办理结果报告.pdf"
    from tests.fixtures.archive_cases import pdf_bytes

    result.write_bytes(pdf_bytes("办理结果报告"))
    shots = shots_dir()
    for old in shots.glob("*.png"):
        old.unlink()
    app = create_app(ws.root)
    profile = tmp_path / "chromium-profile"
    with Server(app) as server:
        driver = chrome(profile)
        try:
            s = Clerkship(driver, server.url, shots)
            driver.get(server.url + "/")
            s.wait_for("input[name=password]")
            s.shot("login")
            s.login("clerk")
            s.shot("today")

            # 登记来信: upload the scan, review, correct a field, confirm
            driver.get(server.url + "/letters")
            s.css("input[type=file][name=files]").send_keys(str(scan))
            s.shot("upload")
            s.submit(s.css("form.upload button[type=submit]"), "#review-form", timeout=180)
            assert truth.name in driver.find_element(By.NAME, "petitioner.name").get_attribute("value")
            _wait_js(driver, "var i = document.querySelector('.tab.image img');"
                             "return !!i && i.complete && i.naturalWidth > 0")
            s.shot("review-scan")
            # the name's line is framed on the scanned page while the name is being checked
            driver.find_element(By.NAME, "petitioner.name").click()
            box = s.css(".ocr-box.hot")
            assert box.is_displayed() and box.size["height"] > 5 and box.size["width"] > 20
            image = s.css(".tab.image img")
            assert box.location["y"] > image.location["y"]
            s.shot("review-scan-box")
            target = driver.find_element(By.NAME, "target")
            target.click()         # the field's source: framed on the page, marked in the text
            assert s.css(".ocr-box.hot").get_attribute("data-field") == "target"
            s.css("[data-tab=text]").click()
            hot = s.css("span.src.hot")
            assert "自然资源" in hot.text or "规划" in hot.text, hot.text
            s.shot("review-source")
            target.clear()
            target.send_keys("郑州市中原区自然资源和规划局")
            summary = driver.find_element(By.NAME, "summary")
            assert summary.get_attribute("value")
            s.submit(s.css("#review-form button.primary"), "#actions")
            assert "已登记" in s.flash()
            case_no = s.css("h1").text.split()[1]
            assert "郑州市中原区自然资源和规划局" in s.text()
            s.shot("registered")

            # 交办 with a 交办函
            form = s.open_action("交办 / 转送")
            form.find_element(By.NAME, "to").send_keys("郑州市中原区人民政府")
            form.find_element(By.NAME, "days").send_keys("30")
            s.submit(form.find_element(By.CSS_SELECTOR, "button.primary"), "#actions")
            assert "已交办郑州市中原区人民政府" in s.flash(), s.flash()
            assert "交办函" in s.css("ul.files").text
            s.shot("routed")
            s.logout()

            # the office head's 拟办, the leader's 批示
            s.login("head")
            driver.get(f"{server.url}/cases/{case_no}")
            form = s.open_action("拟办意见")
            form.find_element(By.NAME, "text").send_keys("建议交中原区人民政府调查处理，30 日内报告结果。")
            s.submit(form.find_element(By.CSS_SELECTOR, "button.primary"), "#actions")
            assert "已记录拟办意见" in s.flash()
            s.shot("proposal")
            s.logout()
            s.login("leader")
            driver.get(f"{server.url}/cases/{case_no}")
            assert "交办 / 转送" not in s.text()       # the leader only signs
            form = s.open_action("领导批示")
            form.find_element(By.NAME, "text").send_keys("同意拟办意见，请督促落实。")
            s.submit(form.find_element(By.CSS_SELECTOR, "button.primary"), "#actions")
            assert "已记录领导批示" in s.flash()
            s.shot("instruction")
            s.logout()

            # the clerk attaches the result report and closes the case
            s.login("clerk")
            driver.get(f"{server.url}/cases/{case_no}")
            form = s.open_action("附加材料（办理结果报告等）")
            form.find_element(By.NAME, "files").send_keys(str(result))
            form.find_element(By.CSS_SELECTOR, "select[name=kind] option[value='办理结果报告'], select[name=kind] option").click()
            s.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"), "#actions")
            assert "已附加 1 个文件" in s.flash(), s.flash()
            form = s.open_action("办结")
            form.find_element(By.NAME, "result").send_keys("经调查，已责成相关部门依法处理并答复信访人。")
            s.submit(form.find_element(By.CSS_SELECTOR, "button.primary"), "h1 .status")
            assert "已办结" in s.css("h1").text
            s.shot("closed")

            # and finds it by search
            box = s.css("form.quick input[name=q]")
            box.send_keys(truth.name)
            box.submit()
            s.wait_for(".hits, .empty")
            assert case_no in s.text(), s.text()[:500]
            assert driver.find_elements(By.CSS_SELECTOR, ".hits mark")
            assert truth.name not in driver.current_url        # no personal data in the URL
            s.shot("search")
            driver.get(f"{server.url}/cases/{case_no}")
            s.shot("case")
            s.logout()

            # a 只读 user sees the ID and phone numbers masked, and no download links
            s.login("reader")
            driver.get(f"{server.url}/cases/{case_no}")
            page = s.text()
            assert truth.id_number not in page and truth.phone not in page
            assert truth.id_number[:6] + "********" + truth.id_number[-4:] in page
            assert "只读用户不能下载" in page
            assert not driver.find_elements(By.ID, "actions")     # nothing to do: no empty panel
            s.shot("reader-case")
            driver.get(f"{server.url}/stats")
            widths = [b.size["width"] for b in driver.find_elements(By.CSS_SELECTOR, ".bar")]
            assert widths and max(widths) > 50         # the bars have their lengths (CSP-safe)
            s.shot("reader-stats")
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
    events = ws.registry.events(ws.registry.get_case(case_no).id)
    actors = {(e.kind, e.actor) for e in events}
    assert ("交办", "clerk") in actors and ("办结", "clerk") in actors
    assert any(a == "head" for _, a in actors) and any(a == "leader" for _, a in actors)
    assert len(list(shots.glob("*.png"))) >= 10


def test_login_and_payloads_shown_as_text_in_a_real_browser(ws, tmp_path):
    """The fast one: a reader logs in, opens a case whose letter carries <script>, {{ }} and
    &, and the browser shows them as text (no alert, no 49)."""
    from selenium.webdriver.common.by import By

    from docgen.intake.pipeline import intake_file

    users.add_user(ws, "reader", users.ROLE_READER, PASSWORD)
    letter = tmp_path / "x.txt"
    letter.write_text("尊敬的信访室：\n我叫刘明，反映<script>alert(1)</script>东风镇 {{ 7*7 }} 号地块"
                      " & 补偿问题。\n刘明\n2026年2月1日\n", encoding="utf-8")
    case = intake_file(ws, letter).case
    app = create_app(ws.root)
    profile = tmp_path / "chromium-profile"
    with Server(app) as server:
        driver = chrome(profile)
        try:
            s = Clerkship(driver, server.url, shots_dir())
            driver.get(f"{server.url}/cases/{case.case_no}")
            s.wait_for("input[name=password]")          # every page needs a login
            s.login("reader")
            driver.get(f"{server.url}/cases/{case.case_no}")
            s.css("details > summary").click()
            text = s.css("pre.letter").text
            assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text and "& 补偿" in text
            assert not driver.find_elements(By.CSS_SELECTOR, "pre.letter script")
            assert "交办 / 转送" not in s.text()                # 只读: no actions
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
