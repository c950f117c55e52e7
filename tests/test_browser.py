"""End to end in a real headless Chromium against the app served by waitress.

Search with and without diacritics, filter by document type, follow a hit to its anchor in
the document page, and keep screenshots (desktop and a 390px phone) in test-artifacts/.
"""

from __future__ import annotations

import os
import re
import struct
import threading
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from search_app import create_app

from .conftest import ROOT, SAMPLE_CORPUS, need

pytestmark = [pytest.mark.slow, pytest.mark.browser]

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - the test extras are not installed
    webdriver = None

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "test-artifacts"
WAIT = 10  # seconds; every wait is for a condition, never a fixed sleep

QUERY = "hỗ trợ doanh nghiệp nhỏ chứng nhận ISO 9001"
QUERY_ASCII = "ho tro doanh nghiep nho chung nhan ISO 9001"
DECISION = "Quyết định 9322/QĐ-TTg"
DECISION_ID = "qd-9322-ttg-chuong-trinh-nang-suat"
# "Điểm a Khoản 2 Điều 1 — Quyết định 9322/QĐ-TTg ngày 31/8/2024, tr. 2"
CLAUSE_CITATION = re.compile(
    r"^(?:Điểm \S+ )?(?:Khoản \d+ )?Điều \d+ — " + re.escape(DECISION) + r" ngày \d{1,2}/\d{1,2}/\d{4}, tr\. \d+$"
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@pytest.fixture(scope="module")
def live_server(sample_index):
    waitress = pytest.importorskip("waitress")
    app = create_app(index_dir=sample_index, corpus_dir=SAMPLE_CORPUS)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-browser-test", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown(timeout=5)
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def driver(live_server, tmp_path_factory):
    need(webdriver is not None, "selenium is not installed (pip install -e '.[test]')")
    need(os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK),
         f"{CHROMIUM} / {CHROMEDRIVER} not found: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
                 "--window-size=1280,1600", "--lang=vi-VN"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager is never consulted, nothing is downloaded.
    try:
        browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        need(False, f"headless chromium did not start ({exc.msg}); install chromium chromium-driver")
    browser.set_page_load_timeout(20)
    yield browser
    browser.quit()


def wait(driver, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


def console_errors(driver) -> list[str]:
    """SEVERE console entries (CSP violations, failed scripts, JS errors), favicon 404 excepted."""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]


def click_and_wait_for_new_page(driver, element) -> None:
    """Click `element` and wait until the browser has loaded a different document.

    `EC.staleness_of` is not enough: while the old document is being torn down Chromium
    can answer with "Node with given id does not belong to the document" instead of a
    stale-element error. A mark set on the old document tells the two pages apart.
    """
    driver.execute_script("window.__oldPage = true;")
    element.click()

    def new_document_ready(d) -> bool:
        try:
            return d.execute_script(
                "return !window.__oldPage && document.readyState === 'complete';")
        except WebDriverException:
            return False

    wait(driver).until(new_document_ready)


def search_from_box(driver, base: str, text: str) -> None:
    """Type `text` into the search box of the current page (the home page if none) and submit."""
    if not driver.current_url.startswith(base):
        driver.get(base + "/")
    box = wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "form.searchbox input[name=q]")))
    box.clear()
    box.send_keys(text)
    assert box.get_attribute("value") == text  # the diacritics survived typing
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "form.searchbox button[type=submit]"))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "footer.site")))


def hits(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, ".results .doc-group .hit")


def citation_of(hit) -> str:
    return hit.find_element(By.CSS_SELECTOR, ".citation-text").text.strip()


def decision_hit(driver, citation: str | None = None):
    """The first hit on a clause of the decision (or the hit with exactly this citation)."""
    for hit in hits(driver):
        text = citation_of(hit)
        if (text == citation) if citation else CLAUSE_CITATION.match(text):
            return hit
    shown = [citation_of(h) for h in hits(driver)]
    raise AssertionError(f"no hit {citation or CLAUSE_CITATION.pattern!r} among {shown}")


def query_params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def read_png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_search_with_diacritics_cites_the_decision_clause(driver, live_server):
    search_from_box(driver, live_server, QUERY)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".results .doc-group .hit")))

    assert query_params(driver.current_url)["q"] == QUERY
    assert driver.find_element(By.CSS_SELECTOR, "form.searchbox input[name=q]").get_attribute("value") == QUERY
    summary = driver.find_element(By.CSS_SELECTOR, ".results .summary").text
    assert re.match(r"\d+ điều khoản phù hợp", summary), summary

    hit = decision_hit(driver)
    citation = citation_of(hit)
    assert ", tr. " in citation
    group = hit.find_element(By.XPATH, "ancestor::article[contains(@class, 'doc-group')]")
    assert group.find_element(By.CSS_SELECTOR, ".doc-name").text.startswith(DECISION)
    assert hit.find_elements(By.CSS_SELECTOR, ".snippet mark"), "no highlight in the decision's snippet"

    # Every hit has a copy-citation button carrying exactly the citation shown.
    for each in hits(driver):
        button = each.find_element(By.CSS_SELECTOR, "button.copy")
        assert button.is_displayed()
        assert button.text == "Sao chép trích dẫn"
        assert button.get_attribute("data-copy") == citation_of(each)
    # app.js is allowed by the CSP and handles the click (clipboard API or its fallback).
    button = hit.find_element(By.CSS_SELECTOR, "button.copy")
    button.click()
    wait(driver).until(lambda d: button.text == "Đã sao chép")
    assert console_errors(driver) == []


def test_search_without_diacritics_finds_and_highlights_the_same_clause(driver, live_server):
    search_from_box(driver, live_server, QUERY)
    expected = citation_of(decision_hit(driver))

    search_from_box(driver, live_server, QUERY_ASCII)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".results .doc-group .hit")))
    assert query_params(driver.current_url)["q"] == QUERY_ASCII

    hit = decision_hit(driver, expected)
    marks = [m.text for m in hit.find_elements(By.CSS_SELECTOR, ".snippet mark")]
    assert marks, f"no <mark> in the snippet of {expected}"
    # The accented words of the text are highlighted for the unaccented query; adjacent
    # highlighted syllables are one mark ("Hỗ trợ doanh nghiệp nhỏ").
    words = [w for m in marks for w in m.split()]
    assert any(w != fold(w) and fold(w).lower() in QUERY_ASCII.lower().split() for w in words), marks
    assert {fold(w).lower() for w in words} <= set(QUERY_ASCII.lower().split()), marks


def test_type_facet_filters_the_results(driver, live_server):
    search_from_box(driver, live_server, QUERY)
    facet = driver.find_element(By.CSS_SELECTOR, ".facets .facet[data-facet=type]")
    assert facet.find_element(By.TAG_NAME, "h2").text.casefold() == "loại văn bản".casefold()
    link = facet.find_element(By.XPATH, ".//a[normalize-space(.)='Quyết định']")
    click_and_wait_for_new_page(driver, link)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".results .doc-group")))

    params = query_params(driver.current_url)
    assert params.get("type") == "Quyết định"
    assert params.get("q") == QUERY

    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".results .doc-group .doc-name")]
    assert names
    other = [name for name in names if not name.startswith("Quyết định ")]
    assert not other, f"type=Quyết định is in the URL but other types are listed: {other}"
    citations = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".results .doc-group .citation-text")]
    # "… — Quyết định …", or a unit of an attachment: "… Quy định ban hành kèm theo Quyết định …"
    assert all(re.search(r"(^|— |kèm theo )Quyết định ", c) for c in citations), citations
    decision_hit(driver)

    facet = driver.find_element(By.CSS_SELECTOR, ".facets .facet[data-facet=type]")
    active = facet.find_element(By.CSS_SELECTOR, "a.active")
    assert active.text == "Quyết định" and active.get_attribute("aria-current") == "true"
    assert facet.find_element(By.CSS_SELECTOR, "a.clear").is_displayed()


def test_open_hit_lands_on_its_anchor_with_the_same_citation(driver, live_server):
    search_from_box(driver, live_server, QUERY)
    hit = decision_hit(driver)
    shown = citation_of(hit)
    link = hit.find_element(By.CSS_SELECTOR, "a.open-unit")
    assert link.text.startswith("Mở tại ")
    click_and_wait_for_new_page(driver, link)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.fulltext")))

    url = urlsplit(driver.current_url)
    assert url.path == f"/documents/{DECISION_ID}"
    anchor = unquote(url.fragment)
    assert anchor, driver.current_url
    target = driver.find_element(By.ID, anchor)
    assert target.find_element(By.CSS_SELECTOR, ".citation-text").text.strip() == shown
    assert target.find_element(By.CSS_SELECTOR, "button.copy").get_attribute("data-copy") == shown
    # The browser treats it as the fragment target and scrolled it into view.
    assert driver.execute_script("return document.querySelector(':target') === arguments[0];", target)
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top;", target)
    assert 0 <= top < driver.execute_script("return window.innerHeight;")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith(DECISION)
    assert console_errors(driver) == []


def test_screenshots_of_the_results_page(driver, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    search_from_box(driver, live_server, QUERY)
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".results .doc-group .hit")))

    desktop = ARTIFACTS / "search-results.png"
    assert driver.save_screenshot(str(desktop))
    width, height = read_png_size(desktop)
    assert width >= 1000 and height >= 800, (width, height)
    assert desktop.stat().st_size > 20_000

    # A 390px-wide phone: one column, nothing wider than the screen.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    try:
        driver.refresh()
        wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".results .doc-group .hit")))
        assert driver.execute_script("return window.innerWidth;") == 390
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        assert overflow <= 0, f"page is {overflow}px wider than a 390px phone"
        results = driver.find_element(By.CSS_SELECTOR, ".results").rect
        facets = driver.find_element(By.CSS_SELECTOR, ".facets").rect
        assert results["width"] >= 300, f"results squeezed to {results['width']}px on a phone"
        overlap = min(results["x"] + results["width"], facets["x"] + facets["width"]) - max(results["x"], facets["x"])
        assert overlap > 0 and not (facets["y"] < results["y"] + results["height"] and results["y"] < facets["y"] + facets["height"]), \
            "facets and results should be stacked in one column on a phone"
        phone = ARTIFACTS / "search-results-phone.png"
        assert driver.save_screenshot(str(phone))
        width, height = read_png_size(phone)
        assert width >= 390 and height >= 800, (width, height)
        assert phone.stat().st_size > 20_000
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
