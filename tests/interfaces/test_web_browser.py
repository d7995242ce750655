"""The web pages in a real browser: Playwright driving Debian's Chromium, headless.

The server is uvicorn on 127.0.0.1 (a free port) in a thread, over the demo database built
with the real pipeline, plus one hostile article (``<script>`` and HTML in its title and text)
to check that nothing injected runs. Screenshots go to artifacts/screenshots/ (gitignored).
Skipped, with the reason, when chromium or the playwright package is missing; ``./dev test``
installs chromium (apt-get) when it runs as root.
"""

import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from silkwire.api import ApiSettings, create_app
from silkwire.service import articles as service

CHROMIUM = os.environ.get("SILKWIRE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
HOSTILE = {"title": "Alerte <script>window.__pwned = 1</script> <b>gras</b>",
           "lead": "Au Kazakhstan, <img src=x onerror=\"window.__pwned = 2\"> et <i>italique</i> & <script>window.__pwned = 3</script>.",
           "published": "2025-12-01", "source": "hostile"}

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (dev extras)")
if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (./dev test does it as root)",
                allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    tmp = tmp_path_factory.mktemp("web")
    db = str(tmp / "demo.db")
    service.build_demo(db)
    hostile = tmp / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    with service.open_workspace(db) as ws:
        service.ingest(ws, [str(hostile)])
        service.enrich(ws)
    port = _free_port()
    config = uvicorn.Config(create_app(ApiSettings(db_path=db)), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_feed_filter_article_highlights(server, page):
    page.goto(server + "/")
    assert page.title().startswith("Fil")
    assert page.locator("main ol.articles > li").count() == 20
    shot(page, "01-fil")
    # Filter by a country from the facet list, then open the first article.
    page.locator("aside.facets a", has_text="Ouzbékistan").first.click()
    page.wait_for_url("**/?country=UZ")
    assert "Pays : Ouzbékistan" in page.locator("ul.chosen").inner_text()
    total = int(page.locator("p.total").inner_text().split()[0])
    assert 0 < total < 160
    shot(page, "02-fil-ouzbekistan")
    page.locator("main ol.articles > li h2 a").first.click()
    page.wait_for_url("**/articles/**")
    marks = page.locator("article .text mark")
    assert marks.count() > 0
    # the filtered country is highlighted, by its name or by a place of it
    assert page.locator("article mark.k-country, article mark.k-place").count() > 0
    kinds = set(page.eval_on_selector_all("article h1 mark, article .text mark", "ms => ms.map(m => m.className)"))
    assert len(kinds) >= 2 and all(k.startswith("k-") for k in kinds)
    legend = set(page.locator("ul.legend li").all_inner_texts())
    from silkwire.web.highlight import KINDS
    assert legend == {KINDS[k[2:]] for k in kinds}  # the legend names exactly the kinds shown
    assert page.locator("table.facts tbody tr").count() > 0
    shot(page, "03-article")
    assert not page.errors


def test_search_highlights_and_keyboard(server, page):
    page.goto(server + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.fill("#q", "gaz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=gaz**")
    assert page.locator("mark.match").count() > 0
    shot(page, "04-recherche")


def test_country_page_and_map(server, page):
    page.goto(server + "/pays/KZ")
    assert page.locator("h1").inner_text().startswith("Kazakhstan")
    assert page.locator("figure.chart svg rect").count() > 0
    assert page.locator("#people ~ ul li a").count() > 0
    shot(page, "05-pays-kz")
    page.goto(server + "/carte")
    shapes = page.locator("svg path.country")
    assert shapes.count() >= 10
    fills = {page.locator(f'path[data-code="{c}"]').get_attribute("fill") for c in ("KZ", "TM")}
    assert "#f2f2f2" not in fills  # both covered by the demo corpus, so shaded
    assert page.locator("svg circle.place").count() > 0
    shot(page, "06-carte")
    page.locator('a:has(path[data-code="UZ"])').click()
    page.wait_for_url("**/pays/UZ")


def test_hostile_article_shows_as_text(server, page):
    page.goto(server + "/?source=hostile")
    link = page.locator("main ol.articles > li h2 a").first
    assert "<script>" in link.inner_text()
    link.click()
    page.wait_for_url("**/articles/**")
    assert "<script>window.__pwned = 1</script>" in page.locator("h1").inner_text()
    assert "<img src=x" in page.locator("article .text").inner_text()
    assert page.locator("article img, article b, article i, main script").count() == 0
    assert page.evaluate("window.__pwned") is None
    shot(page, "07-article-hostile")
    # A malicious query string: shown as text in the box and the heading, never run.
    page.goto(server + "/?q=%3Cscript%3Ewindow.__pwned%3D4%3C/script%3E&country=%22%3E%3Cscript%3Ewindow.__pwned%3D5%3C/script%3E")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script").count() == 0
    assert page.input_value("#q") == "<script>window.__pwned=4</script>"
    assert not page.errors


def test_narrow_screen(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    for path, name in (("/", "08-fil-mobile"), ("/pays/KZ", "11-pays-mobile"), ("/relations", "12-relations-mobile")):
        pg.goto(server + path)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"{path} overflows a phone screen ({width}px)"
        shot(pg, name)
    context.close()


def test_relations_matrix_opens_a_cell_s_evidence(server, page):
    page.goto(server + "/relations")
    cells = page.locator("table.matrix td.cell a")
    assert cells.count() > 0
    shot(page, "09-relations")
    label = cells.first.get_attribute("aria-label")
    cells.first.click()
    page.wait_for_url("**/relations/*/*")
    assert page.locator("h1").inner_text().replace(" — ", " et ") in label
    assert page.locator("td.evidence").count() > 0
    shot(page, "10-relation-preuves")
    assert not page.errors


A11Y_CHECKS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("no lang");
  for (const role of ["header", "nav", "main", "footer"]) if (!document.querySelector(role)) problems.push("no " + role);
  if (document.querySelectorAll("h1").length !== 1) problems.push("h1 count " + document.querySelectorAll("h1").length);
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!(el.id && document.querySelector(`label[for="${el.id}"]`)) && !el.getAttribute("aria-label")) problems.push("unlabelled " + el.name);
  }
  for (const a of document.querySelectorAll("a")) {
    if (!(a.textContent.trim() || a.getAttribute("aria-label"))) problems.push("empty link " + a.getAttribute("href"));
  }
  for (const svg of document.querySelectorAll("main svg")) {
    if (svg.getAttribute("aria-hidden") === "true") continue;  // decorative (a legend's swatch): hidden, as WCAG asks
    if (svg.getAttribute("role") !== "img" || !svg.getAttribute("aria-labelledby")) problems.push("svg without role/label");
  }
  // WCAG AA contrast of body text against its background (4.5:1), on a sample of text elements
  const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(x => { x = x / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor; if (!c.endsWith(", 0)") && c !== "transparent") return c; } return "rgb(255, 255, 255)"; };
  for (const el of Array.from(document.querySelectorAll("main p, main li, main td, main a, main mark, main th, header a")).slice(0, 400)) {
    if (!el.textContent.trim()) continue;
    const [a, b] = [lum(getComputedStyle(el).color), lum(bg(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} on ${el.tagName} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
}"""


@pytest.mark.parametrize("path", ["/", "/?q=gaz", "/pays", "/pays/KZ", "/relations", "/relations/KZ/RU", "/carte",
                                  "/entites", "/entites/per:kassym-jomart-tokaiev", "/histoires", "/articles/"])
def test_pages_pass_basic_accessibility_checks(server, page, path):
    if path == "/articles/":
        page.goto(server + "/?country=KZ")
        path = page.locator("main ol.articles > li h2 a").first.get_attribute("href")
    page.goto(server + path)
    assert page.evaluate(A11Y_CHECKS) == []
    assert not page.errors


def test_stories_lead_to_their_articles_and_back(server, page):
    page.goto(server + "/histoires")
    page.locator("main ol.articles > li h2 a").first.click()
    page.wait_for_url("**/histoires/s-*")
    story_url = page.url
    members = page.locator("main ol.articles > li h3 a")
    assert members.count() >= 2
    shot(page, "13-histoire")
    members.first.click()
    page.wait_for_url("**/articles/**")
    page.locator("#story ~ p a", has_text="une histoire").click()
    page.wait_for_url(story_url)
    assert not page.errors


@pytest.mark.parametrize("path", ["/", "/pays/KZ", "/relations", "/carte", "/histoires", "/entites",
                                  "/synthese?country=KZ", "/alertes", "/corrections"])
def test_pages_break_no_rule_of_their_content_security_policy(server, page, path):
    """The CSP allows only the project's own files: a page that needed an inline style or script
    would lose it, and the browser says so on the console."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(server + path)
    page.wait_for_load_state("load")
    assert violations == []
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheet applied


@pytest.mark.parametrize("path", ["/pays/KZ", "/carte", "/articles/", "/synthese?country=KZ"])
def test_pages_read_french_in_the_browser(server, page, path):
    """What Chromium renders (innerText, the browser's own idea of visible text) holds no English
    code, raw ISO date or range, English place name or cut id: tests/support/french_text.py."""
    from french_text import problems

    if path == "/articles/":  # the first article of the feed that has dates and amounts in its facts
        page.goto(server + "/?q=milliards")
        path = page.locator("main ol.articles > li h2 a").first.get_attribute("href")
    page.goto(server + path)
    text = page.evaluate("document.body.innerText")
    with urllib.request.urlopen(server + "/api/export?format=jsonl", timeout=60) as answer:  # the sources' words
        corpus = "\n".join(" ".join(json.loads(line)["text"].split()) for line in answer.read().decode().splitlines())
    lines = [line for line in text.split("\n") if line.strip()]
    assert problems(lines, corpus) == []
    shot(page, "10-francais-" + path.strip("/").replace("/", "-").replace("?", "-")[:40])
