"""Köprü's middleware: Turkish-first language, session time limits, and error ids for the 500 page."""

import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

audit = logging.getLogger("kopru.audit")
# Client errors with pages of their own (403, 404, 400), not server errors to give an id to.
HANDLED_EXCEPTIONS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)
SIGNED_IN_AT = "kopru_signed_in_at"
LAST_SEEN = "kopru_last_seen"


class TurkishFirstLocaleMiddleware(LocaleMiddleware):
    """Like LocaleMiddleware, but ignores the browser's Accept-Language header.

    Municipal staff often run English-language browsers; Köprü should still
    greet them in Turkish. A choice made with the TR/EN switch (the language
    cookie) wins.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_SECONDS without a request, or SESSION_MAX_SECONDS in all.

    The last-seen time is written at most once a minute, so an ordinary page view
    does not write the session.
    """

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_MAX_SECONDS:
                audit.info("session expired user=%s path=%s", user.pk, request.path)
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= self.TOUCH_EVERY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


class ErrorIdMiddleware:
    """Give each unhandled error an id that the 500 page shows and the log records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, HANDLED_EXCEPTIONS):
            return None  # 403, 404 and 400 have their own pages and are not server errors
        request.error_id = uuid.uuid4().hex[:12]  # Django logs the traceback; core.log adds the id
