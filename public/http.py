"""How the public URLs answer: no sign-in, HTTP caching by data version, and a per-address throttle.

`public_page(view)` is the one decorator every public URL wears:

- `login_not_required`: the only pages of Köprü open to everyone (LoginRequiredMiddleware).
- `require_safe`: GET and HEAD only; the one form on them posts to the language switch.
- A throttle per client address, counted in the cache (Django's cache, like the API's throttles):
  KOPRU_PUBLIC_RATE requests a minute, then 429 with Retry-After. django-axes guards sign-ins only.
- `ETag` from the data version, the language, the release and a ten-minute clock (what comes next
  becomes what has passed), so a visitor's browser revalidates with one cheap query and gets a
  304 until anything changes; `Cache-Control: public, max-age=…`. The HTML pages carry the
  language switch's CSRF token, so Django adds `Vary: Cookie` to them and their ETag includes (a
  hash of) the visitor's CSRF secret: a 304 never hands one visitor a page made with another's
  token. The data files, feed and sitemap carry no token and set no cookie: the same for all.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from core.cache import request_data_version

MAX_AGE = 300
CLOCK_SECONDS = 600


def clock() -> int:
    """The current ten-minute period: part of every public key, so lists that move with time refresh."""
    return int(time.time() // CLOCK_SECONDS)


def public_version(request) -> int:
    """The data version, read once per request (the ETag and the view both need it)."""
    if not hasattr(request, "_public_data_version"):
        request._public_data_version = request_data_version(request)
    return request._public_data_version


def public_key(request, name: str) -> str:
    """The part of a cache key that a public page's kept HTML or rows depend on (not the user)."""
    return f"public:{name}:{get_language()}:{clock()}"


def file_etag(request, *args, **kwargs) -> str:
    parts = (settings.KOPRU_RELEASE, public_version(request), get_language(), clock(), request.get_full_path())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def page_etag(request, *args, **kwargs) -> str:
    get_token(request)  # the secret the page's token is made from: the visitor's, or a new one sent with it
    return file_etag(request) + hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()[:16]


def client_address(request) -> str:
    # Behind a proxy, REMOTE_ADDR is the proxy's: set KOPRU_PUBLIC_RATE with that in mind.
    return request.META.get("REMOTE_ADDR", "")


def throttled(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        rate = settings.KOPRU_PUBLIC_RATE
        if rate:
            minute = int(time.time() // 60)
            key = f"public-throttle:{client_address(request)}:{minute}"
            cache.add(key, 0, 90)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr: count this one as the first
                count = 1
            if count > rate:
                response = HttpResponse(_("Too many requests. Please try again in a minute."), status=429)
                response["Retry-After"] = str(60 - int(time.time()) % 60)
                return response
        return view(request, *args, **kwargs)

    return wrapper


def public_page(view, *, etag=page_etag):
    """Open to everyone, throttled, and cached by browsers and proxies as the module says."""
    cached_view = cache_control(public=True, max_age=MAX_AGE)(condition(etag_func=etag)(view))
    return login_not_required(throttled(require_safe(cached_view)))


def public_file(view):
    """public_page() for what holds no form: open data, feed, sitemap, robots.txt."""
    return public_page(view, etag=file_etag)
