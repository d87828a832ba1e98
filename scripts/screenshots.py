"""`make screenshots`: pictures of Köprü for the README, taken in Chromium from the demo data.

One run does everything, and leaves nothing behind but the PNGs:

1. a temporary folder holds a fresh SQLite database and the uploads; `migrate` and `seed_demo`
   fill it with DEBUG=true, exactly as `make run` does;
2. `runserver` serves it on a free port of 127.0.0.1 (WhiteNoise serves the static files);
3. Chromium (`KOPRU_CHROMIUM`, default /usr/bin/chromium) opens the sign-in page in the language
   (the cookie the TR/EN switch sets), signs in as the demo manager through the form and saves
   each page to docs/screenshots/<language>/<page>.png, in Turkish and then in English, with the
   manager's weekly digest e-mail (its HTML part, written to a file) as digest-email.png;
4. the server is stopped and the temporary folder removed, whatever happened.

    python scripts/screenshots.py [--out docs/screenshots] [--width 1280] [--max-height 1600]
"""

# This script runs manage.py with fixed arguments built here; nothing comes from outside.
# ruff: noqa: S603

import argparse
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CHROMIUM = os.environ.get("KOPRU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
LANGUAGES = ["tr", "en"]
USERNAME = "manager"
PROJECT = "KPR-02"  # the demo's at-risk project, with partners, milestones and a timeline
PAGES = {  # name → path; the project page is reached from the list
    "home": "/",
    "projects": "/projects/",
    "project": "/projects/",
    "dashboard": "/dashboard/",
    "protocol": "/protocol/",
    "events": "/events/",
    "transfers": "/transfers/",
    "notifications": "/notifications/",
}
# The manager's weekly digest as it would be mailed now: its HTML part, written to `path`.
DIGEST_HTML = """
from django.contrib.auth import get_user_model
from dashboard.digest import digest_email, digest_for
from notifications.models import NotificationPreference, with_preferences
user = with_preferences(get_user_model().objects.filter(username={username!r})).get()
mail = digest_email(user, digest_for(user, NotificationPreference.objects.for_user(user)), {language!r})
open({path!r}, "w", encoding="utf-8").write(mail.alternatives[0][0])
"""
CANVASES_DRAWN = """() => [...document.querySelectorAll("canvas[data-chart]")].every(canvas => {
  if (!canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let alpha = 3; alpha < pixels.length; alpha += 4) { if (pixels[alpha] !== 0) return true; }
  return false;
})"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver stopped with exit code {server.returncode}")
        # Only ever our own server on 127.0.0.1.
        with contextlib.suppress(OSError), urllib.request.urlopen(url + "/health/", timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"runserver did not answer on {url} within {timeout:.0f} s")


@contextlib.contextmanager
def demo_server():
    """A runserver over a throwaway SQLite database with the demo data; yields its base URL and a
    function that writes a language's digest e-mail (HTML) from that database to a file."""
    with tempfile.TemporaryDirectory(prefix="kopru-screenshots-") as folder:
        env = {
            **os.environ,
            "DEBUG": "true",
            "SECRET_KEY": "screenshots-" + secrets.token_urlsafe(32),
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'db.sqlite3'}",
            "MEDIA_ROOT": str(Path(folder) / "media"),
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
        }
        env.pop("STATICFILES_BACKEND", None)
        manage(env, "migrate", "--noinput", stdout=subprocess.DEVNULL)
        manage(env, "seed_demo", stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload", "--skip-checks"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://{HOST}:{port}"
            wait_until_up(url, server)

            def digest_html(language: str) -> Path:
                path = Path(folder) / f"digest-{language}.html"
                code = DIGEST_HTML.format(username=USERNAME, language=language, path=str(path))
                manage(env, "shell", "-c", code, stdout=subprocess.DEVNULL)
                return path

            yield url, digest_html
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def shoot(page, path: Path, width: int, max_height: int) -> None:
    page.wait_for_load_state("networkidle")
    height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def take_screenshots(url: str, digest_html, out: Path, width: int, max_height: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    password = os.environ.get("DEMO_PASSWORD", "kopru-demo")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for language in LANGUAGES:
                context = browser.new_context(
                    base_url=url,
                    viewport={"width": width, "height": 800},
                    locale="tr-TR",
                    timezone_id="Europe/Istanbul",
                    reduced_motion="reduce",
                )
                if language != "tr":
                    # What the TR/EN switch stores (the browser journeys click the switch itself).
                    context.add_cookies([{"name": "django_language", "value": language, "url": url}])
                page = context.new_page()
                page.goto("/accounts/login/")
                expect(page.locator("html")).to_have_attribute("lang", language)
                shoot(page, out / language / "sign-in.png", width, max_height)

                page.fill("#id_username", USERNAME)
                page.fill("#id_password", password)
                page.locator("main form button[type=submit]").click()
                page.wait_for_url(f"{url}/")
                for name, path in PAGES.items():
                    page.goto(path)
                    if name == "project":
                        page.get_by_role("link", name=PROJECT, exact=True).click()
                        page.wait_for_url("**/projects/*/")
                    if name == "dashboard":
                        page.wait_for_function(CANVASES_DRAWN)
                    shoot(page, out / language / f"{name}.png", width, max_height)
                page.goto(digest_html(language).as_uri())
                shoot(page, out / language / "digest-email.png", width, max_height)
                context.close()
        finally:
            browser.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--max-height", type=int, default=1600, help="cut long pages at this many pixels")
    options = parser.parse_args(argv)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        raise SystemExit(f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium`.")
    print("Loading the demo data into a temporary database …")
    with demo_server() as (url, digest_html):
        print(f"Taking screenshots from {url} into {options.out} …")
        take_screenshots(url, digest_html, options.out.resolve(), options.width, options.max_height)


if __name__ == "__main__":
    main()
