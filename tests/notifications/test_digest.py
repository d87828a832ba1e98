"""The weekly digest: its contents in Turkish and English, its day and hour, its unsubscribe link and
headers, once per person and week under double and concurrent runs, and a query count that does
not grow with the person's records."""

import io
import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dashboard.digest import digest_for
from dashboard.tasks import digest_email_send, digests_create
from notifications.models import Digest, NotificationPreference, with_preferences
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MembershipFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    UserFactory,
)
from tests.notifications.test_email import body_of, subject_of
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db


def istanbul(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# Monday 7 December 2026, 08:30 in Istanbul, and the hour before.
MONDAY_MORNING = istanbul(2026, 12, 7, 8, 30)
MONDAY_EARLY = istanbul(2026, 12, 7, 7, 30)


@pytest.fixture
def ayse(izmir_staff):
    izmir_staff.email = "ayse@example.org"
    izmir_staff.save()
    return izmir_staff


@pytest.fixture
def work(ayse, izmir_teknoloji, isbak, isbak_staff):
    """Ayşe's project with an overdue and a soon-due milestone, quiet for months, and İSBAK's work on it."""
    today = timezone.localdate()
    project = ProjectFactory(
        code="IZT-7",
        title="Akıllı kavşak",
        lead_organization=izmir_teknoloji,
        owner=ayse,
        status="active",
        last_update_on=today - timedelta(days=90),
    )
    MilestoneFactory(project=project, title="Saha testi", due_on=today - timedelta(days=3))
    MilestoneFactory(project=project, title="Pilot", due_on=today + timedelta(days=2))
    ProgressUpdateFactory(project=project, author=isbak_staff, reported_on=today - timedelta(days=90))
    event = EventFactory(title="Ortak çalıştay", organizers=[isbak])
    event.projects.set([project])
    KnowHowTransferFactory(title="Sinyal eğitimi", provider=isbak, recipient=izmir_teknoloji)
    return project


def send_now(now=MONDAY_MORNING) -> str:
    out = io.StringIO()
    call_command("send_digests", f"--now={now.isoformat()}", stdout=out)
    run_tasks()
    return out.getvalue()


def test_the_digest_sums_up_the_week_in_turkish(smtp_server, ayse, work):
    send_now()

    [(recipients, message)] = smtp_server.messages
    assert recipients == ["ayse@example.org"]
    assert message["Content-Language"] == "tr"
    assert subject_of(message).startswith("Köprü: haftanız")
    text = body_of(message)
    for expected in [
        "Gecikmiş kilometre taşları",
        "Saha testi (IZT-7)",
        "Yakında teslim edilecek kilometre taşları",
        "Pilot (IZT-7)",
        "İlerleme raporu bekleyen projeler",
        "IZT-7 · Akıllı kavşak",
        "Karşı tarafın geçen hafta yaptıkları",
        "İSBAK: IZT-7 için bir ilerleme raporu",
        "Etkinlik: Ortak çalıştay",
        "İSBAK: bilgi aktarımı “Sinyal eğitimi”",
    ]:
        assert expected in text, expected
    html = body_of(message, "html")
    assert f'href="https://kopru.example.org{work.get_absolute_url()}"' in html
    assert Digest.objects.get().sent_at is not None


def test_the_digest_is_in_the_language_the_recipient_chose(smtp_server, ayse, work):
    NotificationPreference.objects.create(user=ayse, language="en")
    send_now()
    [(_recipients, message)] = smtp_server.messages
    assert message["Content-Language"] == "en"
    assert subject_of(message).startswith("Köprü: your week")
    text = body_of(message)
    assert "Overdue milestones" in text
    assert "What the other side did last week" in text
    assert "İSBAK: a progress update on IZT-7" in text


def test_the_digest_carries_a_one_click_unsubscribe(client, smtp_server, ayse, work):
    send_now()
    [(_recipients, message)] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = "".join(message["List-Unsubscribe"].split()).strip("<>")  # a long header arrives folded
    assert link.startswith("https://kopru.example.org/notifications/unsubscribe/")
    assert link in body_of(message)

    # What a mail program does with the headers (RFC 8058): a POST, not signed in, no CSRF token.
    path = link.removeprefix("https://kopru.example.org")
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=ayse).digest is False

    Digest.objects.all().delete()
    send_now()
    assert len(smtp_server.messages) == 1  # none the next week


def test_nothing_goes_before_eight_on_the_chosen_day(smtp_server, ayse, work):
    send_now(MONDAY_EARLY)
    assert not Digest.objects.exists()
    send_now(MONDAY_MORNING)
    assert Digest.objects.count() == 1


def test_the_digest_comes_on_the_day_the_person_chose(smtp_server, ayse, work):
    NotificationPreference.objects.create(user=ayse, digest_day=3)
    send_now(MONDAY_MORNING)
    assert smtp_server.messages == []
    send_now(istanbul(2026, 12, 9, 9, 0))  # Wednesday
    assert len(smtp_server.messages) == 1


def test_a_missed_run_catches_up_later_in_the_week(smtp_server, ayse, work):
    send_now(istanbul(2026, 12, 8, 2, 0))  # Tuesday night: Monday's run did not happen
    assert len(smtp_server.messages) == 1


def test_someone_who_turned_the_digest_off_gets_none(smtp_server, ayse, work):
    NotificationPreference.objects.create(user=ayse, digest=False)
    send_now()
    assert smtp_server.messages == []


def test_an_empty_digest_sends_no_mail(smtp_server, ayse):
    send_now()
    assert smtp_server.messages == []
    assert Digest.objects.get(recipient=ayse).item_count == 0


def test_a_second_run_in_the_same_week_sends_nothing(smtp_server, ayse, work):
    send_now()
    send_now()
    send_now(MONDAY_MORNING + timedelta(days=2))
    assert len(smtp_server.messages) == 1
    assert Digest.objects.count() == 1


def test_the_next_week_brings_the_next_digest(smtp_server, ayse, work):
    send_now()
    send_now(MONDAY_MORNING + timedelta(days=7))
    assert len(smtp_server.messages) == 2
    assert Digest.objects.count() == 2


def test_an_unreachable_mail_server_leaves_the_digest_for_a_retry(mail_settings, ayse, work):
    call_command("send_digests", f"--now={MONDAY_MORNING.isoformat()}", stdout=io.StringIO())
    run_tasks()  # nobody listens on the port
    digest = Digest.objects.get()
    assert digest.sent_at is None
    assert digest.attempts == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the retry, waiting for its back-off


def test_a_task_queued_twice_sends_once(smtp_server, ayse, work):
    digests_create(now=MONDAY_MORNING)
    digest_email_send.enqueue(Digest.objects.get().pk)  # as a requeue beside a slow worker would
    run_tasks()
    assert len(smtp_server.messages) == 1


def records_for(owner, organization, count: int):
    """`count` projects of `owner`, each with an overdue milestone and the other side's update."""
    other = MembershipFactory().organization
    author = UserFactory()
    MembershipFactory(user=author, organization=other)
    today = timezone.localdate()
    for number in range(count):
        project = ProjectFactory(
            lead_organization=organization, owner=owner, status="active", last_update_on=today - timedelta(days=90)
        )
        MilestoneFactory(project=project, due_on=today - timedelta(days=1 + number % 5))
        ProgressUpdateFactory(project=project, author=author)
        KnowHowTransferFactory(provider=other, recipient=organization, project=project)


@pytest.mark.parametrize("count", [3, 30])
def test_a_digest_costs_the_same_queries_however_much_the_person_has(
    django_assert_num_queries, ayse, izmir_teknoloji, count
):
    records_for(ayse, izmir_teknoloji, count)
    digests_create(now=MONDAY_MORNING)
    digest = Digest.objects.get()
    # The row, locked with the person, their preferences and organization (1), the digest's six
    # lists (6), the row marked sent (1), inside the task's transaction (savepoint, release: 2).
    with django_assert_num_queries(10):
        assert digest_email_send.call(digest.pk) == "sent"


@pytest.mark.parametrize("count", [3, 30])
def test_reading_a_digest_takes_six_queries(django_assert_num_queries, ayse, izmir_teknoloji, count):
    records_for(ayse, izmir_teknoloji, count)
    person = with_preferences(type(ayse).objects.filter(pk=ayse.pk)).get()
    preference = NotificationPreference.objects.for_user(person)
    with django_assert_num_queries(6):
        content = digest_for(person, preference)
        assert content.item_count == 3 * min(count, 10) + min(count, 10)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_one_digest_per_person(izmir_teknoloji):
    people = [UserFactory(email=f"person{n}@example.org") for n in range(20)]
    for person in people:
        MembershipFactory(user=person, organization=izmir_teknoloji)
    barrier = threading.Barrier(2)
    counts = []

    def run():
        try:
            barrier.wait()
            counts.append(digests_create(now=MONDAY_MORNING))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 20
    assert Digest.objects.count() == 20
    assert DBTaskResult.objects.count() == 20
