"""The demo data publishes real facts and [Demo] records, agreed by a manager of each party."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from public.models import Publication

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_the_signing_and_demo_records_once(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    published = Publication.objects.published()
    assert published.filter(event__title="İş birliği protokolünün imza töreni").exists()
    assert published.filter(project__isnull=False).count() >= 3
    assert all(publication.consents.count() == 2 for publication in published)
    count = published.count()
    call_command("seed_demo", verbosity=0)
    assert Publication.objects.published().count() == count
    assert "İş birliği protokolünün imza töreni" in client.get(reverse("public:index")).content.decode()
