"""Model fields shared by the apps."""

from django.db import models


class HttpsURLField(models.URLField):
    """A URL field whose forms read a typed address without a scheme as https://.

    Django 5.2 still assumes http:// unless told otherwise, and its transitional
    FORMS_URLFIELD_ASSUME_HTTPS setting is itself deprecated; saying it here
    covers the pages, the admin and the imports alike.
    """

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
