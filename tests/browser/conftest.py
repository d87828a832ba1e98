"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Chromium comes from the distribution (`sudo apt-get install chromium`), never from Playwright's
downloads. `KOPRU_CHROMIUM` names another executable; pointing it at a file that does not exist
(`KOPRU_CHROMIUM=/nonexistent .venv/bin/pytest tests/browser`) shows what a laptop without Chromium
sees. Without the browser these tests are skipped with a message that says how to install it; under
CI (`CI=true`) they fail instead, so a broken runner cannot pass by skipping them.

Every page opened through `open_page` is watched: a console error, an uncaught exception or a
Content-Security-Policy violation fails the test that opened it (journey 7 of issue 7).

pytest-playwright's options work as usual: `--screenshot only-on-failure --tracing retain-on-failure`
keep evidence of a failure in test-results/, `--headed` does not (Chromium runs headless here).

Chromium starts once per test process and is shared: pytest-playwright's `browser` fixture is
session-scoped, so under `make test` (pytest-xdist) each worker launches it once, and every test gets
a new context of its own from `open_page` (cookies, storage and viewport are per context, so tests
still see nothing of each other). Starting Chromium costs 1-2 s; a new context costs milliseconds.
Do not parametrize `browser_type_launch_args`: each distinct value launches another browser.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.conftest import BROWSER_SKIP_PREFIX

CHROMIUM_ENV = "KOPRU_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
INSTALL_HINT = "install it with `sudo apt-get install chromium`"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HERE = Path(__file__).resolve().parent

# Reported by the page itself (see `open_page`): the browser logs CSP violations too, but an event
# listener also catches the ones a future Chromium might log only as warnings.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline code")
    + " in " + event.sourceFile + ":" + event.lineNumber);
});
"""


def chromium_executable() -> str:
    return os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser carries the `browser` marker, so `-m "not browser"` leaves it out."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at the distribution's Chromium (or skipped without it)."""
    executable = chromium_executable()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        message = f"Chromium not found at {executable}: {INSTALL_HINT} (or set {CHROMIUM_ENV} to its path)."
        if in_ci():
            pytest.fail(f"{message} CI=true: browser tests must run, not skip.", pytrace=False)
        pytest.skip(f"{BROWSER_SKIP_PREFIX}{message}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run next to one
    # unless told that this is a test process where nothing is really concurrent.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(autouse=True)
def chromium_or_skip(browser_type_launch_args):
    """Decide first, before any database work, whether these tests can run at all."""


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages open relative to the live server: `page.goto("/projects/")`."""
    return live_server.url


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    """The live server speaks plain HTTP; production's Secure cookies would never come back from the browser."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@dataclass
class Demo:
    """The demo data (`seed_demo`), as the journeys use it: its users go by their demo usernames."""

    password: str = "kopru-demo"

    def user(self, username):
        return get_user_model().objects.get(username=username)


@pytest.fixture
def demo(transactional_db, monkeypatch):
    """The same data as `make run` shows: the real protocol plus invented, marked work."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--force", verbosity=0)
    return Demo()


@dataclass
class ConsoleWatch:
    """Console errors, uncaught exceptions and CSP violations of every page a test opens."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def attach(self, page):
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception on {page.url}: {error}"))

    def _on_console(self, page, message):
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "CSP violation" in text:
            location = message.location or {}
            where = location.get("url") or page.url
            self.problems.append(f"console {message.type} on {page.url} ({where}:{location.get('lineNumber')}): {text}")

    def allow(self, pattern: str):
        """Expect console errors matching `pattern` (say, the 403 a test provokes on purpose)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [problem for problem in self.problems if not any(p.search(problem) for p in self.allowed)]

    def clear(self):
        self.problems.clear()


@pytest.fixture
def console(request):
    watch = ConsoleWatch()
    request.node.kopru_console = watch
    return watch


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test body passes, fail it if any of its pages logged an error or a CSP violation."""
    result = yield
    watch = getattr(item, "kopru_console", None)
    if watch is not None and watch.unexpected():
        problems = "\n  ".join(watch.unexpected())
        raise AssertionError(f"the browser reported errors:\n  {problems}")
    return result


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def open_page(new_context, live_server, console):
    """`open_page(user=None, language="tr", viewport=DESKTOP)`: a fresh, watched browser tab on the live server.

    A user given by username (or object) is signed in through a session cookie; the sign-in form
    itself is exercised by the first journey. A language other than Turkish is set the way the
    TR/EN switch sets it, with the language cookie.
    """

    def open_(user=None, *, language="tr", viewport=None):
        context = new_context(
            viewport=viewport or DESKTOP,
            locale="tr-TR",
            timezone_id="Europe/Istanbul",
            reduced_motion="reduce",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_LISTENER)
        cookies = []
        if user is not None:
            if isinstance(user, str):
                user = get_user_model().objects.get(username=user)
            cookies.append({"name": django_settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user)})
        if language != django_settings.LANGUAGE_CODE:
            cookies.append({"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language})
        if cookies:
            context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
        page = context.new_page()
        console.attach(page)
        return page

    return open_
