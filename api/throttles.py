"""Request budgets kept in the cache: one per token (or signed-in user), one per client IP.

DRF answers a spent budget with 429 and a Retry-After header. With a per-process cache
(locmem) each worker counts on its own; a shared cache (CACHE_URL=redis://…) counts once.
"""

from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"  # the session: the person, whichever tab
        else:
            return None  # the IP budget below covers anonymous requests
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerIPThrottle(SimpleRateThrottle):
    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
