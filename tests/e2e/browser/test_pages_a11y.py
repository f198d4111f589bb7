"""Every page of the demo, as every role, on a phone and on a desktop: accessible and fitting.

For each role the test signs in on the demo's CQ node, follows the menu and the pages' own links
(one page per address pattern), and on each page checks at 390×844 that nothing scrolls sideways
and the header is at most 64 px tall, and runs axe-core (WCAG 2.1 A/AA rules; any serious or
critical violation fails) at 390×844 and at 1366×900. axe runs once per distinct markup: a page
whose header and main content (ids, counts and dates aside) were already checked at that size,
for this role or another, is not checked again. Screenshots of the first visit of each kind of
page (and of every role's home page) go to var/screenshots/.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.e2e.browser.conftest import DESKTOP, PHONE, new_page, sign_in
from tests.support.nodes import LiveFederation

pytestmark = pytest.mark.browser

ROLES = ["anonymous", "citizen", "depositor", "employer", "window_clerk", "registrar",
         "fund_officer", "hr_officer", "joint_office", "admin"]
ACCOUNTS = {"depositor": "cq-depositor-1"}
# Pages checked as well, each on its own: no link leads there (an error page), or their links
# share an address pattern with another variant (the business registration intake form).
EXTRA_PAGES = ["/no-such-page", "/login", "/window/new?matter=SC-SCJG-001"]
MAX_PAGES = 45
SKIP = re.compile(r"^/(api|static|exchange|docs|openapi|redoc)|/logout|\.(pdf|xlsx|csv|json|md)$"
                  r"|/pdf$|/download|format=")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _pattern(url: str) -> str:
    """One address per kind of page: ids become {}; with a query or without."""
    parts = urlsplit(url)
    path = "/".join("{}" if re.search(r"\d", seg) else seg for seg in parts.path.split("/"))
    return path + ("?" if parts.query else "")


def _links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if not href.startswith(base):
            continue
        path = href[len(base):] or "/"
        parts = urlsplit(path)
        if not SKIP.search(parts.path + ("?" + parts.query if parts.query else "")):
            out.append(path)
    return out


def _layout(page: Any) -> list[str]:
    found = []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
        found.append(f"scrolls sideways: {width[0]} > {width[1]} px ({', '.join(wide)})")
    header = page.evaluate("document.querySelector('header.topbar')?.getBoundingClientRect()"
                           ".height ?? 0")
    if header > 64:
        found.append(f"header {header:.0f} px tall")
    return found


FINGERPRINT = """() => ['header.topbar', 'main'].map(sel => {
    const el = document.querySelector(sel);
    return el ? el.outerHTML.replace(/value="[^"]*"/g, '').replace(/[0-9]+/g, '0') : '';
  }).join('\\n')"""
CHECKED: dict[str, set[int]] = {"390": set(), "1366": set()}
SHOT: dict[str, set[str]] = {"390": set(), "1366": set()}


def _axe(page: Any, source: str, size: str) -> list[str]:
    fingerprint = hash(page.evaluate(FINGERPRINT))
    if fingerprint in CHECKED[size]:
        return []
    CHECKED[size].add(fingerprint)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                           " resultTypes: ['violations']})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _shot(page: Any, folder: Path, role: str, size: str, path: str) -> None:
    if _pattern(path) in SHOT[size] and path != "/":
        return
    SHOT[size].add(_pattern(path))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    page.screenshot(path=str(folder / f"{role}-{size}-{slug[:80]}.png"), full_page=True)


def _visit(page: Any, base: str, path: str) -> int:
    response = page.goto(base + path, wait_until="domcontentloaded")
    page.wait_for_load_state("load")
    return response.status if response is not None else 0


def crawl(page: Any, base: str, start: list[str],
          check: Any) -> tuple[list[str], list[str]]:
    """(addresses of one page per pattern reachable from `start`, problems met); `check(path)`
    runs on each page as it is found and returns its problems."""
    queue, seen, pages, errors = deque(start), set(), [], []
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        pattern = path if path in start else _pattern(path)
        if pattern in seen:
            continue
        seen.add(pattern)
        status = _visit(page, base, path)
        if status >= 500:
            errors.append(f"{path}: HTTP {status}")
            continue
        if "/login" in page.url and not path.startswith("/login"):
            continue
        pages.append(path)
        errors += check(path)
        queue.extend(p for p in _links(page, base) if _pattern(p) not in seen)
    return pages, errors


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_accessible_and_fits_a_phone(
        role: str, browser: Any, axe_source: str, demo_federation: LiveFederation,
        screenshots: Path) -> None:
    base = demo_federation.cq.url
    problems: list[str] = []
    phone = new_page(browser, PHONE)
    desktop = new_page(browser, DESKTOP)
    try:
        if role != "anonymous":
            username = ACCOUNTS.get(role, f"cq-{role}")
            sign_in(phone, base, username)
            sign_in(desktop, base, username)

        def on_phone(path: str) -> list[str]:
            _shot(phone, screenshots, role, "390", path)
            return [f"390 {path}: {p}" for p in _layout(phone) + _axe(phone, axe_source, "390")]

        pages, errors = crawl(phone, base, ["/", *EXTRA_PAGES], on_phone)
        problems += errors
        assert len(pages) >= 5, pages
        for path in pages:
            _visit(desktop, base, path)
            problems += [f"1366 {path}: {p}" for p in _axe(desktop, axe_source, "1366")]
            _shot(desktop, screenshots, role, "1366", path)
    finally:
        phone.context.close()
        desktop.context.close()
    assert not problems, "\n".join(problems)
