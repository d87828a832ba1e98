"""Production settings refuse to start without a mail server (EMAIL_URL); DEBUG prints mail on the console."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_of(**env):
    """What `partnership.settings` makes of `env` alone (for the key, DEBUG, the mail URL and settings module)."""
    kept = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in kept}
    code = "import partnership.settings as s; print(s.EMAIL_BACKEND)"
    return subprocess.run(  # noqa: S603 - a fixed command line, run from the tests
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_email_url():
    result = settings_of(DEBUG="false", SECRET_KEY="a-real-secret-from-the-environment")
    assert result.returncode != 0
    assert "EMAIL_URL is not set" in result.stderr


def test_production_sends_through_the_server_it_names():
    result = settings_of(
        DEBUG="false", SECRET_KEY="a-real-secret-from-the-environment", EMAIL_URL="smtp+tls://u:p@smtp.example.org:587"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_debug_prints_mail_on_the_console_without_email_url():
    result = settings_of(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_commands_that_only_read_the_code_need_no_mail_server():
    kept = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"}
    env = {k: v for k, v in os.environ.items() if k not in kept}
    result = subprocess.run(  # noqa: S603 - a fixed command line, run from the tests
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
