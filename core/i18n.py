"""Strings that other packages' templates show, for Köprü's Turkish catalogue.

django-tables2 ships no Turkish translation; marking its pagination words here
lets `make messages` collect them so the Turkish pages say "önceki" / "sonraki".
The same goes for what django-axes and django-simple-history show in the admin
without a Turkish word of their own (the access-failure log, the history pages).
And one of Django's own, whose Turkish another package's catalogue would otherwise replace.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [
    gettext_noop("previous"),
    gettext_noop("next"),
    # django-axes
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("User Agent"),
    # django-simple-history's admin
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Revert"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Change History"),
    gettext_noop("Object"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("None"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    # Django's own wording: without Köprü's entry, Django REST framework's catalogue ("Bu alan
    # zorunlu.") would win on the pages too, since an installed app's catalogue comes before Django's.
    gettext_noop("This field is required."),
]
