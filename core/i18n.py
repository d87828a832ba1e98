"""Strings that other packages' templates show, for Köprü's Turkish catalogue.

django-tables2 ships no Turkish translation; marking its pagination words here
lets `make messages` collect them so the Turkish pages say "önceki" / "sonraki".
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [gettext_noop("previous"), gettext_noop("next")]
