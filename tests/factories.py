"""factory_boy factories for every Köprü model."""

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Event
from partnership.models import Membership, Organization, Protocol, ProtocolArticle, ProtocolParty, TechnologyProduct
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from transfers.models import KnowHowTransfer, ProductAdoption


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Kurum {n} A.Ş.")
    short_name = factory.Sequence(lambda n: f"K{n}")
    city = "İzmir"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Deniz"
    last_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class ProtocolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Protocol

    title = "İş birliği Protokolü"
    number = factory.Sequence(lambda n: f"P-{n}")
    signed_on = date(2024, 8, 30)
    signed_place = "Kültürpark, İzmir"
    effective_on = date(2024, 8, 30)
    status = "in_force"


class ProtocolPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolParty

    protocol = factory.SubFactory(ProtocolFactory)
    organization = factory.SubFactory(OrganizationFactory)
    signatory_name = "İmzacı"


class ProtocolArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolArticle

    protocol = factory.SubFactory(ProtocolFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Madde {n + 1}")


class TechnologyProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnologyProduct

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Ürün {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    title = factory.Sequence(lambda n: f"Proje {n}")
    lead_organization = factory.SubFactory(OrganizationFactory)
    status = "active"
    planned_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    planned_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "partner"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Kilometre taşı {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(ProjectFactory)
    reported_on = factory.LazyFunction(timezone.localdate)
    percent_complete = 40
    health = "on_track"
    done = "Çalışmalar sürüyor."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Only the monthly flags, not the project's figures: tests set those on the project themselves.
        update = super()._create(model_class, *args, **kwargs)
        update.project.updates.all().mark_latest_in_month()
        update.refresh_from_db(fields=["latest_in_month"])
        return update


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Etkinlik {n}")
    kind = "workshop"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    city = "İzmir"

    @factory.post_generation
    def organizers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organizers.set(extracted)


class KnowHowTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowHowTransfer

    title = factory.Sequence(lambda n: f"Aktarım {n}")
    provider = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(OrganizationFactory)
    kind = "training"
    started_on = factory.LazyFunction(timezone.localdate)
    hours = 8
    participants = 5


class ProductAdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductAdoption

    product = factory.SubFactory(TechnologyProductFactory)
    adopter = factory.SubFactory(OrganizationFactory)
    adopted_on = factory.LazyFunction(timezone.localdate)
