"""Publish part of the demo data, with both parties' consent, so `make run` shows a living public page.

Run by `seed_demo` (by name: the dashboard may not import this app) after it loads the demo data.
The real facts (the protocol's signing at the 93rd İzmir International Fair, the ITS European
Congress İSBAK hosts) and a few `[Demo]` records are proposed by İzmir Teknoloji's staff and agreed
by a manager of each party, through the same services as the managers' page. Running it again
publishes nothing twice.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.models import Event
from projects.models import Project
from public.models import Publication
from public.services import publication_agree, publication_propose
from transfers.models import ProductAdoption

REAL_EVENTS = ["İş birliği protokolünün imza töreni", "ITS European Congress 2026"]
DEMO_EVENTS = ["Ortak çalıştay: adaptif sinyal kontrolü", "Kent verisi hackathonu"]
DEMO_PROJECTS = ["KPR-01", "KPR-02", "KPR-03", "KPR-10", "KPR-11"]


class Command(BaseCommand):
    help = "Publish some demo records on /public/, agreed by a manager of each party."

    def handle(self, *args, **options):
        users = get_user_model().objects.in_bulk(["izmir.staff", "manager", "isbak.manager"], field_name="username")
        if len(users) < 3:
            raise CommandError("Run seed_demo first: it creates izmir.staff, manager and isbak.manager.")
        records = [
            *Event.objects.filter(title__in=REAL_EVENTS + DEMO_EVENTS).order_by("starts_at"),
            *Project.objects.filter(code__in=DEMO_PROJECTS).order_by("code"),
            *ProductAdoption.objects.filter(status__in=["pilot", "in_use"]).order_by("adopted_on")[:2],
        ]
        published = 0
        with transaction.atomic():
            for record in records:
                field = "adoption" if isinstance(record, ProductAdoption) else record._meta.model_name
                if Publication.objects.filter(**{field: record}).exists():
                    continue
                publication = publication_propose(record=record, user=users["izmir.staff"])
                publication_agree(publication=publication, user=users["manager"])
                publication_agree(publication=publication, user=users["isbak.manager"])
                published += 1
        if options["verbosity"]:
            self.stdout.write(f"Published {published} records on /public/.")
