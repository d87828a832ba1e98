"""Where a webhook may go: https:// to public addresses only, checked when saved and when sent.

A webhook is a request the server makes on a user's behalf, so an unchecked URL would let
anyone who may register one reach the machines behind the firewall (the database, a cloud's
metadata service at 169.254.169.254). The host is resolved and every address it resolves to is
checked with `ipaddress`; the request then goes to the checked address itself (`open_connection`),
so a DNS answer that changes between the check and the connection cannot redirect it.
Redirects are never followed. `KOPRU_WEBHOOK_ALLOW_PRIVATE` lifts the address rule (a receiver
on the developer's machine, the tests' own); `KOPRU_WEBHOOK_ALLOW_HTTP` allows plain http://.
"""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

TIMEOUT_SECONDS = 10


class UnsafeTarget(ValueError):
    """The URL may not be posted to; the message says why, in words for the endpoint's owner."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the request goes to


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return address.is_global and not address.is_multicast


def check_target(url: str) -> Target:
    """The URL's parts and the address to connect to; UnsafeTarget if it may not be posted to."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if settings.KOPRU_WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed_schemes:
        raise UnsafeTarget(_("Only https:// addresses can receive webhooks."))
    if parts.username or parts.password:
        raise UnsafeTarget(_("Leave the user name and password out of the address; use the secret instead."))
    host = parts.hostname
    if not host:
        raise UnsafeTarget(_("The address has no host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeTarget(_("The address has an invalid port.")) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(_("The host name “%(host)s” cannot be resolved.") % {"host": host}) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not settings.KOPRU_WEBHOOK_ALLOW_PRIVATE:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise UnsafeTarget(
                _("“%(host)s” leads to an internal address (%(address)s); webhooks go to public addresses only.")
                % {"host": host, "address": refused[0]}
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=str(addresses[0]))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, **kwargs):
        super().__init__(target.host, target.port, **kwargs)
        self.address = target.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, **kwargs):
        super().__init__(target.host, target.port, **kwargs)
        self.address = target.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # The certificate is checked against the host name, as for any https request.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def open_connection(target: Target) -> http.client.HTTPConnection:
    """A connection to the target's checked address (never a fresh DNS answer), with the timeout."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    return connection_class(target, timeout=TIMEOUT_SECONDS)
