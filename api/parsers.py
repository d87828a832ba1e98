"""JSON bodies, held to Django's DATA_UPLOAD_MAX_MEMORY_SIZE.

Django checks that limit when it reads `request.body` or a form; DRF reads the stream itself,
so without this a client could make a worker hold a body of any size in memory.
"""

from django.conf import settings
from rest_framework.parsers import JSONParser

from api.exceptions import RequestTooLarge


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        if limit is not None and request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestTooLarge
        return super().parse(stream, media_type, parser_context)
