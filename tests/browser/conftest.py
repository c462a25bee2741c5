import os
import shutil
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class SerialLiveServer(WSGIServer):
    """One request at a time. The SQLite test database is in memory and Django shares its single
    connection with the live server; Chromium's parallel requests (live search and autocomplete
    together) on threads of their own could use that connection at once and hang. A non-threaded
    server answers with "Connection: close", so queued requests are never starved."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialLiveServer
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# WCAG 2.0/2.1/2.2 A and AA, plus Deque's best practices (heading order, landmarks, one h1, region). No rule is
# disabled: every page we check, Wagtail's login included, passes them all.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def assert_accessible(page, *, name):
    """Run axe-core in the page and fail with one readable line per violation: rule, impact, targets, fix."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {name} ({page.url}):"]
        for violation in violations:
            targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
            more = len(violation["nodes"]) - 5
            lines.append(
                f"- {violation['id']} [{violation['impact']}] {violation['help']}: {targets}"
                + (f" (+{more} more)" if more > 0 else "")
            )
            summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


# What a focus indicator changes: the outline (when drawn) and the box shadow.
FOCUS_STYLE_JS = """const focusStyle = el => {
  const s = getComputedStyle(el);
  const drawn = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return `${drawn ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'no outline'} | ${s.boxShadow}`;
};"""

# WCAG 1.4.11: a focus indicator needs 3:1 against what surrounds it. Measured for the outline and the box shadow's
# colour against the nearest opaque background; Chromium's own two-tone ring (outline-style: auto) is left out.
CONTRAST_JS = """const luminance = colour => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a, b) => {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
};
const transparent = colour => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
const backdrop = el => {
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (!transparent(colour)) return colour;
  }
  return 'rgb(255, 255, 255)';
};
const indicatorContrast = el => {
  const s = getComputedStyle(el);
  if (s.outlineStyle === 'auto') return null;
  const behind = backdrop(el);
  const colours = [];
  if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) colours.push(s.outlineColor);
  const shadow = s.boxShadow.match(/rgba?\\([^)]*\\)/);
  if (shadow) colours.push(shadow[0]);
  const ratios = colours.filter(c => !transparent(c)).map(c => contrast(c, behind));
  return {ratio: ratios.length ? Math.max(...ratios) : 0, behind};
};"""

TAB_STOP_JS = f"""index => {{
  {FOCUS_STYLE_JS}
  {CONTRAST_JS}
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  el.dataset.a11yTabStop = index;
  const r = el.getBoundingClientRect();
  return {{
    description: el.outerHTML.slice(0, 120),
    isSkipLink: el.matches('a.skip-link'),
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    style: focusStyle(el),
    contrast: indicatorContrast(el),
  }};
}}"""

UNFOCUSED_STYLES_JS = f"""() => {{
  {FOCUS_STYLE_JS}
  document.activeElement.blur();
  return Object.fromEntries(Array.from(document.querySelectorAll('[data-a11y-tab-stop]'), el => [el.dataset.a11yTabStop, focusStyle(el)]));
}}"""


def assert_keyboard_focus_visible(page, *, name, tabs=20, skip_link=True):
    """Tab through the first focusable elements: each must be on screen with a visible focus indicator (axe cannot
    see focus styles). With `skip_link`, the first stop must be the skip link, and following it must move focus into
    <main>."""
    stops = []
    for index in range(tabs):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP_JS, str(index))
        if stop is None:
            break
        stops.append(stop)
    assert stops, f"{name}: nothing takes the keyboard focus"
    assert stops[0]["isSkipLink"] or not skip_link, (
        f"{name}: the first Tab stop is not the skip link but {stops[0]['description']}"
    )
    unfocused = page.evaluate(UNFOCUSED_STYLES_JS)
    problems = []
    for index, stop in enumerate(stops):
        if not stop["onScreen"]:
            problems.append(f"- off screen when focused: {stop['description']}")
        if unfocused.get(str(index)) == stop["style"]:
            problems.append(f"- no visible focus indicator ({stop['style']}): {stop['description']}")
        elif stop["contrast"] and stop["contrast"]["ratio"] < 3:
            problems.append(
                f"- focus indicator contrast {stop['contrast']['ratio']:.1f}:1 on {stop['contrast']['behind']}"
                f" ({stop['style']}): {stop['description']}"
            )
    assert not problems, f"Keyboard focus on {name}:\n" + "\n".join(problems)
    if not skip_link:
        return

    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.locator("a.skip-link").focus()
    page.keyboard.press("Enter")
    # Following a fragment link updates the address asynchronously: wait for it rather than read it at once.
    try:
        page.wait_for_function("location.hash === '#main'", timeout=5000)
    except PlaywrightTimeoutError:
        pytest.fail(f"{name}: the skip link does not lead to #main (address: {page.url})")
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), (
        f"{name}: after the skip link, Tab does not land inside <main>"
    )
