"""The webhooks' test cast: a real HTTP receiver on 127.0.0.1, and settings that let the tests reach it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import WebhookEndpoint


class Receiver:
    """A local HTTP server that records every request and answers with the next queued status (200 after)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body, "json": json.loads(body)}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass  # keep the test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free one
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[str]:
        return [request["json"]["event"] for request in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_targets(settings):
    """The tests' own receiver is on 127.0.0.1 and speaks plain HTTP: allow both, as development does."""
    settings.KOPRU_WEBHOOK_ALLOW_PRIVATE = True
    settings.KOPRU_WEBHOOK_ALLOW_HTTP = True


@pytest.fixture
def receiver(local_targets):
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def endpoint(manager, receiver):
    return WebhookEndpoint.objects.create(
        owner=manager,
        url=receiver.url,
        events=["project.created", "project.updated", "project.status_changed", "progress_update.logged"],
    )
