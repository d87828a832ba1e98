"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1 and a free port."""

import email
import email.policy
import importlib.util
import socket
import sys
import sysconfig
from pathlib import Path


def _import_aiosmtpd_controller():
    """aiosmtpd.controller, imported while `public` names the atpublic package aiosmtpd needs.

    Köprü's own `public/` app (the public page) takes the module name `public` on sys.path;
    aiosmtpd only runs `from public import public` (a decorator) at import time.
    """
    ours = sys.modules.pop("public", None)
    location = Path(sysconfig.get_paths()["purelib"]) / "public" / "__init__.py"
    spec = importlib.util.spec_from_file_location("public", location, submodule_search_locations=[str(location.parent)])
    atpublic = importlib.util.module_from_spec(spec)
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd import controller
    finally:
        for name in [name for name in sys.modules if name == "public" or name.startswith("public.")]:
            if sys.modules[name] is atpublic or name.startswith("public._"):
                del sys.modules[name]
        if ours is not None:
            sys.modules["public"] = ours
    return controller


Controller = _import_aiosmtpd_controller().Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: keeps every message it is given, parsed, with its envelope's recipients."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


class SMTPServer:
    """`with SMTPServer(port) as inbox:` a server listening on 127.0.0.1:port until the block ends."""

    def __init__(self, port: int):
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc):
        self.controller.stop()
