"""Every rule is enforced twice: by the database, and by validation with a readable message."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests import factories as f

pytestmark = pytest.mark.django_db


def bad_project_percent():
    return f.ProjectFactory.build(lead_organization=f.OrganizationFactory(), percent_complete=101)


def bad_project_dates():
    return f.ProjectFactory.build(
        lead_organization=f.OrganizationFactory(), planned_start=date(2025, 5, 1), planned_end=date(2025, 4, 1)
    )


def bad_project_actual_dates():
    return f.ProjectFactory.build(
        lead_organization=f.OrganizationFactory(), actual_start=date(2025, 5, 1), actual_end=date(2025, 4, 1)
    )


def duplicate_project_code():
    f.ProjectFactory(code="KPR-1")
    return f.ProjectFactory.build(code="KPR-1", lead_organization=f.OrganizationFactory())


def unknown_project_status():
    return f.ProjectFactory.build(lead_organization=f.OrganizationFactory(), status="finished")


def unknown_project_health():
    return f.ProjectFactory.build(lead_organization=f.OrganizationFactory(), health="fine")


def bad_update_percent():
    return f.ProgressUpdateFactory.build(project=f.ProjectFactory(), percent_complete=150)


def transfer_to_itself():
    org = f.OrganizationFactory()
    return f.KnowHowTransferFactory.build(provider=org, recipient=org)


def transfer_ending_before_start():
    return f.KnowHowTransferFactory.build(
        provider=f.OrganizationFactory(),
        recipient=f.OrganizationFactory(),
        started_on=date(2025, 3, 2),
        ended_on=date(2025, 3, 1),
    )


def transfer_bad_rating():
    return f.KnowHowTransferFactory.build(
        provider=f.OrganizationFactory(), recipient=f.OrganizationFactory(), recipient_rating=6
    )


def event_ending_before_start():
    event = f.EventFactory.build()
    event.ends_at = event.starts_at - timedelta(minutes=1)
    return event


def event_without_place():
    return f.EventFactory.build(city="", venue="", is_online=False)


def protocol_expiring_before_effect():
    return f.ProtocolFactory.build(effective_on=date(2024, 9, 1), expires_on=date(2024, 8, 1))


def protocol_effective_before_signing():
    return f.ProtocolFactory.build(signed_on=date(2024, 8, 30), effective_on=date(2024, 8, 1))


def duplicate_article_number():
    article = f.ProtocolArticleFactory(number=3)
    return f.ProtocolArticleFactory.build(protocol=article.protocol, number=3)


def duplicate_partner():
    partner = f.ProjectPartnerFactory()
    return f.ProjectPartnerFactory.build(project=partner.project, organization=partner.organization)


def adoption_without_adopter():
    return f.ProductAdoptionFactory.build(product=f.TechnologyProductFactory(), adopter=None, adopter_city="")


CASES = {
    "project percent above 100": (bad_project_percent, "A percentage must be between 0 and 100."),
    "project planned end before start": (bad_project_dates, "The planned end cannot be before the planned start."),
    "project actual end before start": (bad_project_actual_dates, "The actual end cannot be before the actual start."),
    "duplicate project code": (duplicate_project_code, "A project with this code already exists."),
    "unknown project status": (unknown_project_status, "Value 'finished' is not a valid choice."),
    "unknown project health": (unknown_project_health, "The health must be on track, at risk or off track."),
    "progress percent above 100": (bad_update_percent, "A percentage must be between 0 and 100."),
    "transfer provider is recipient": (
        transfer_to_itself,
        "The provider and the recipient must be different organizations.",
    ),
    "transfer ends before start": (transfer_ending_before_start, "A transfer cannot end before it starts."),
    "transfer rating above 5": (transfer_bad_rating, "The rating must be between 1 and 5."),
    "event ends before start": (event_ending_before_start, "An event cannot end before it starts."),
    "event with no place": (event_without_place, "Give a city or venue, or mark the event as online."),
    "protocol expires before effect": (
        protocol_expiring_before_effect,
        "A protocol cannot expire before it takes effect.",
    ),
    "protocol effective before signing": (
        protocol_effective_before_signing,
        "A protocol cannot take effect before it is signed.",
    ),
    "duplicate article number": (duplicate_article_number, "The protocol already has an article with this number."),
    "duplicate project partner": (duplicate_partner, "This organization is already a partner in the project."),
    "adoption without adopter": (adoption_without_adopter, "Name the adopting organization or city."),
}


@pytest.mark.parametrize("make_bad", [case[0] for case in CASES.values()], ids=list(CASES))
def test_the_database_rejects_it(make_bad):
    obj = make_bad()
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


@pytest.mark.parametrize(("make_bad", "message"), list(CASES.values()), ids=list(CASES))
def test_validation_rejects_it_with_a_message(make_bad, message, settings):
    settings.LANGUAGE_CODE = "en"
    obj = make_bad()
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert message in str(caught.value.messages)


def milestone_completed_before_start():
    project = f.ProjectFactory(actual_start=date(2025, 6, 1), planned_start=date(2025, 5, 1))
    return f.MilestoneFactory.build(project=project, due_on=date(2025, 7, 1), completed_on=date(2025, 5, 31))


def test_the_database_rejects_a_milestone_completed_before_its_project_started():
    milestone = milestone_completed_before_start()
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone.save()


def test_the_database_rejects_moving_a_milestone_completion_before_the_start():
    project = f.ProjectFactory(actual_start=date(2025, 6, 1))
    milestone = f.MilestoneFactory(project=project, due_on=date(2025, 7, 1), completed_on=date(2025, 6, 1))
    milestone.completed_on = date(2025, 5, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone.save()


def test_validation_rejects_a_milestone_completed_before_its_project_started():
    milestone = milestone_completed_before_start()
    with pytest.raises(ValidationError) as caught:
        milestone.full_clean()
    assert "completed_on" in caught.value.message_dict


def test_a_milestone_completed_on_the_start_day_is_accepted():
    project = f.ProjectFactory(actual_start=date(2025, 6, 1))
    milestone = f.MilestoneFactory.build(project=project, due_on=date(2025, 7, 1), completed_on=date(2025, 6, 1))
    milestone.full_clean()
    milestone.save()


def milestone_trigger_holds(apps=None) -> bool:
    """Whether the database refuses a milestone completed before its project started; with `apps`,
    written through the models of an earlier migration state (the table lacks later columns)."""
    milestone = milestone_completed_before_start()
    if apps is not None:
        historical = apps.get_model("projects", "Milestone")
        fields = {"project_id": milestone.project.pk, "title": milestone.title, "due_on": milestone.due_on}
        milestone = historical(**fields, completed_on=milestone.completed_on)
    try:
        with transaction.atomic():
            milestone.save()
    except IntegrityError:
        return True
    milestone.delete()
    return False


@pytest.mark.django_db(transaction=True)
def test_the_status_constraints_migrate_both_ways_and_leave_the_milestone_trigger_in_place():
    # On SQLite, 0011 rebuilds the project table: the milestone trigger must survive both ways.
    before = ("projects", "0010_at_risk_list_covering_index")
    executor = MigrationExecutor(connection)
    # Back to where the tests started: every app's latest migration, 0011 and any after it.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([before])
    try:
        apps = executor.loader.project_state([before]).apps
        assert milestone_trigger_holds(apps)
        f.ProjectFactory(status="finished")  # no constraint yet
        apps.get_model("projects", "Project").objects.filter(status="finished").delete()
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert milestone_trigger_holds()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ProjectFactory(status="finished")
