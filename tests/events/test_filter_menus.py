"""A list's menus read the data of each request, even after something built the filter class's fields."""

import pytest

from events.filters import EventFilterSet
from events.models import Event
from tests import factories as f
from transfers.filters import KnowHowTransferFilterSet
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db


def test_the_city_menu_lists_new_cities_after_the_api_schema_built_the_class_field(izmir_teknoloji):
    assert EventFilterSet.base_filters["city"].field  # drf-spectacular's schema builds it, once per process
    f.EventFactory(city="Bursa", organizers=[izmir_teknoloji])
    filterset = EventFilterSet({}, queryset=Event.objects.all())
    assert ("Bursa", "Bursa") in list(filterset.form.fields["city"].choices)


def test_the_direction_menu_lists_the_parties_after_the_class_field_was_built(izmir_teknoloji, isbak):
    assert KnowHowTransferFilterSet.base_filters["direction"].field
    f.KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak)
    filterset = KnowHowTransferFilterSet({}, queryset=KnowHowTransfer.objects.all())
    values = [value for value, _label in filterset.form.fields["direction"].choices]
    assert f"{izmir_teknoloji.pk}-{isbak.pk}" in values
