"""The notification tests' mail: a real SMTP server, and Django's SMTP backend pointed at it."""

import pytest

from tests.smtp import SMTPServer, free_port


@pytest.fixture
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.KOPRU_SITE_URL = "https://kopru.example.org"
    return settings


@pytest.fixture
def smtp_server(mail_settings):
    """A real SMTP server on 127.0.0.1 and a free port, for the length of the test."""
    with SMTPServer(mail_settings.EMAIL_PORT) as inbox:
        yield inbox
