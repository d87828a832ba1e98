"""Publish part of the demo data, with both parties' consent, so `make run` shows a living public page.

Run by `seed_demo` (by name: the dashboard may not import this app) after it loads the demo data.
The real facts (the protocol's signing at the 93rd İzmir International Fair, the ITS European
Congress İSBAK hosts) and a few `[Demo]` records are proposed by İzmir Teknoloji's staff and agreed
by a manager of each party, through the same services as the managers' page. Running it again
publishes nothing twice.

`--scale-share S`, run by `seed_scale`, publishes instead a random share S of the [Scale] projects
and events for the benchmark, in bulk (with both consents and a history record each), after
removing the scale records' earlier publications; 0 only removes them.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.roles import MANAGERS_GROUP
from events.models import Event
from projects.models import Project
from public.choices import PublicationStatus
from public.models import Publication, PublicationConsent
from public.services import party_ids, publication_agree, publication_propose
from transfers.models import ProductAdoption

REAL_EVENTS = ["İş birliği protokolünün imza töreni", "ITS European Congress 2026"]
DEMO_EVENTS = ["Ortak çalıştay: adaptif sinyal kontrolü", "Kent verisi hackathonu"]
DEMO_PROJECTS = ["KPR-01", "KPR-02", "KPR-03", "KPR-10", "KPR-11"]


# How seed_scale marks what it generates (dashboard/management/commands/seed_scale.py).
SCALE_CODE_PREFIX = "SC-"
SCALE_TAG = "[Scale]"


class Command(BaseCommand):
    help = "Publish some demo records on /public/, agreed by a manager of each party."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale-share", type=float, help="Publish this share (0 to 1) of the [Scale] projects and events instead."
        )
        parser.add_argument("--seed", type=int, default=2024, help="The random choice's seed (with --scale-share).")

    def handle(self, *args, **options):
        if options.get("scale_share") is not None:
            return self.publish_scale(options["scale_share"], options["seed"], options["verbosity"])
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

    @transaction.atomic
    def publish_scale(self, share: float, seed: int, verbosity: int) -> None:
        if not 0 <= share <= 1:
            raise CommandError("--scale-share must be between 0 and 1.")
        projects = Project.objects.filter(code__startswith=SCALE_CODE_PREFIX)
        events = Event.objects.filter(description__contains=SCALE_TAG)
        earlier = Publication.objects.filter(Q(project__in=projects) | Q(event__in=events))
        # In SQL, as seed_scale deletes: a model delete would write a history record per row.
        for doomed in (
            PublicationConsent.history.filter(publication__in=earlier),
            PublicationConsent.objects.filter(publication__in=earlier),
            Publication.history.filter(Q(project__in=projects) | Q(event__in=events)),
            earlier,
        ):
            doomed._raw_delete(doomed.db)
        if not share:
            return
        managers = self.party_managers()
        if not managers:
            if verbosity:
                self.stdout.write("Published no [Scale] records: each party needs a manager to agree.")
            return
        rng = random.Random(seed)
        now = timezone.now()
        chosen = [
            *(("project", pk) for pk in sorted(projects.values_list("pk", flat=True)) if rng.random() < share),
            *(("event", pk) for pk in sorted(events.values_list("pk", flat=True)) if rng.random() < share),
        ]
        publications = []
        for field, pk in chosen:
            published_at = now - timedelta(days=rng.randrange(700), minutes=rng.randrange(1440))
            publications.append(
                Publication(
                    **{f"{field}_id": pk},
                    status=PublicationStatus.PUBLISHED,
                    proposed_by_id=rng.choice(list(managers.values())),
                    proposed_at=published_at - timedelta(days=rng.randrange(1, 15)),
                    published_at=published_at,
                )
            )
        Publication.objects.bulk_create(publications, batch_size=2000)
        Publication.history.bulk_history_create(publications, batch_size=2000, default_date=now)
        consents = [
            PublicationConsent(
                publication=publication,
                organization_id=organization,
                manager_id=manager,
                agreed_at=publication.published_at,
            )
            for publication in publications
            for organization, manager in managers.items()
        ]
        PublicationConsent.objects.bulk_create(consents, batch_size=2000)
        PublicationConsent.history.bulk_history_create(consents, batch_size=2000, default_date=now)
        if verbosity:
            self.stdout.write(f"Published {len(publications):,} [Scale] records on /public/ (share {share}).")

    def party_managers(self) -> dict[int, int]:
        """A manager of each party, by organization: who agrees to the scale publications (none
        when a party has no manager)."""
        managers = {}
        members = get_user_model().objects.filter(groups__name=MANAGERS_GROUP, membership__organization__in=party_ids())
        for user_id, organization_id in members.order_by("pk").values_list("pk", "membership__organization"):
            managers.setdefault(organization_id, user_id)
        parties = party_ids()
        return managers if parties and set(managers) == parties else {}
