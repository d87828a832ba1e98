import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from core.cache import fragment_key
from events.models import Event
from partnership import usage
from partnership.usage import ArticleUse, months_before
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    OrganizationFactory,
    ProjectFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
    ProtocolPartyFactory,
)
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db

URL = "/protocol/"


def _count_by_article(through, owner_field, date_expression):
    def count():
        rows = (
            through.objects.values("protocolarticle_id")
            .annotate(count=Count(owner_field), last_activity=Max(date_expression))
            .order_by()
        )
        return {row["protocolarticle_id"]: ArticleUse(row["count"], row["last_activity"]) for row in rows}

    return count


@pytest.fixture
def counters(monkeypatch):
    """The real counters, with stand-ins for events and transfers while those apps register none.

    Each stand-in is one aggregate query, as the real ones must be, so counts and query
    numbers below hold whether or not the real counters are registered.
    """
    registered = dict(usage._counters)
    assert "projects" in registered
    registered.setdefault(
        "events",
        usage.UsageCounter(
            "events", "Events", _count_by_article(Event.articles.through, "event_id", "event__starts_at__date")
        ),
    )
    registered.setdefault(
        "transfers",
        usage.UsageCounter(
            "transfers",
            "Transfers",
            _count_by_article(KnowHowTransfer.articles.through, "knowhowtransfer_id", "knowhowtransfer__started_on"),
        ),
    )
    monkeypatch.setattr(usage, "_counters", registered)
    return registered


@pytest.fixture
def protocol(izmir_teknoloji, isbak):
    izmir_municipality = OrganizationFactory(
        name="İzmir Büyükşehir Belediyesi", short_name="İBB İzmir", kind="municipality"
    )
    izmir_teknoloji.parent = izmir_municipality
    izmir_teknoloji.save()
    protocol = ProtocolFactory(
        title="İzmir Teknoloji – İSBAK İş birliği Protokolü",
        number="KPR-2024-01",
        signed_on=date(2024, 8, 30),
        signed_place="İzmir Teknoloji standı, Kültürpark, İzmir",
        effective_on=date(2024, 8, 30),
        term_months=36,
        expires_on=date(2027, 8, 30),
        summary="Ortak etkinlikler, çalışmalar ve projeler.",
    )
    ProtocolPartyFactory(
        protocol=protocol, organization=izmir_teknoloji, signatory_name="Dr. Cemil Tugay", signatory_title="Başkan"
    )
    ProtocolPartyFactory(protocol=protocol, organization=isbak, signatory_name="Ekrem İmamoğlu")
    return protocol


def _articles(protocol, count):
    return [
        ProtocolArticleFactory(protocol=protocol, number=n, title=f"Madde başlığı {n}") for n in range(1, count + 1)
    ]


def _in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _rows(response):
    return {row.article.number: row for row in response.context["article_rows"]}


def test_anonymous_visitors_are_sent_to_sign_in(client, protocol):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_outsiders_are_refused(client_for, outsider, protocol):
    assert client_for(outsider).get(URL).status_code == 403


@pytest.mark.parametrize("cast", ["izmir_staff", "isbak_staff", "manager", "administrator"])
def test_members_managers_and_administrators_read_the_protocol(request, client_for, cast, protocol, counters):
    _articles(protocol, 2)
    response = client_for(request.getfixturevalue(cast)).get(URL)
    assert response.status_code == 200
    assert response.context["protocol"] == protocol
    content = response.content.decode()
    for text in (
        "İzmir Teknoloji – İSBAK İş birliği Protokolü",
        "KPR-2024-01",
        "Kültürpark, İzmir",
        "Dr. Cemil Tugay",
        "Ekrem İmamoğlu",
        "İzmir Büyükşehir Belediyesi",
        "Madde başlığı 1",
        "Madde başlığı 2",
        'id="article-1"',
        'id="article-2"',
        "Ortak etkinlikler, çalışmalar ve projeler.",
    ):
        assert text in content


def test_dates_are_written_the_turkish_way_in_turkish(client_for, izmir_staff, protocol, counters):
    content = client_for(izmir_staff).get(URL).content.decode()
    assert '<time datetime="2024-08-30">30 Ağustos 2024</time>' in content


def test_only_administrators_see_the_admin_link(client_for, izmir_staff, manager, administrator, protocol, counters):
    admin_url = f"/admin/partnership/protocol/{protocol.pk}/change/"
    assert admin_url in client_for(administrator).get(URL).content.decode()
    assert admin_url not in client_for(manager).get(URL).content.decode()
    assert admin_url not in client_for(izmir_staff).get(URL).content.decode()


def test_the_protocol_in_force_is_shown_before_newer_drafts_and_older_ones(client_for, izmir_staff, counters):
    ProtocolFactory(title="Eski protokol", status="in_force", signed_on=date(2020, 1, 1), effective_on=date(2020, 1, 1))
    current = ProtocolFactory(title="Yürürlükteki protokol", status="in_force")
    ProtocolFactory(title="Taslak protokol", status="draft", signed_on=date(2025, 5, 1), effective_on=date(2025, 5, 1))
    response = client_for(izmir_staff).get(URL)
    assert response.context["protocol"] == current


def test_the_newest_protocol_is_shown_when_none_is_in_force(client_for, izmir_staff, counters):
    ProtocolFactory(title="Süresi dolan", status="expired", signed_on=date(2020, 1, 1), effective_on=date(2020, 1, 1))
    draft = ProtocolFactory(title="Taslak", status="draft", signed_on=date(2025, 5, 1), effective_on=date(2025, 5, 1))
    assert client_for(izmir_staff).get(URL).context["protocol"] == draft


def test_the_page_says_so_when_no_protocol_is_recorded(client_for, izmir_staff):
    response = _in_english(client_for(izmir_staff)).get(URL)
    assert response.status_code == 200
    assert response.context["protocol"] is None
    assert "No protocol recorded yet" in response.content.decode()


def test_each_article_shows_how_many_projects_events_and_transfers_serve_it(
    client_for, izmir_staff, protocol, counters
):
    first, second, third = _articles(protocol, 3)
    for project in ProjectFactory.create_batch(3):
        project.articles.set([first, second])
    ProjectFactory().articles.set([second])
    EventFactory().articles.set([first])
    EventFactory().articles.set([first, third])
    KnowHowTransferFactory().articles.set([third])

    response = client_for(izmir_staff).get(URL)

    keys = [counter.key for counter in response.context["counters"]]
    assert sorted(keys) == ["events", "projects", "transfers"]
    rows = _rows(response)

    def counts(number):
        return dict(zip(keys, (use.count for use in rows[number].uses), strict=True))

    assert counts(1) == {"projects": 3, "events": 2, "transfers": 0}
    assert counts(2) == {"projects": 4, "events": 0, "transfers": 0}
    assert counts(3) == {"projects": 0, "events": 1, "transfers": 1}
    assert [rows[n].total for n in (1, 2, 3)] == [5, 4, 2]
    assert dict(zip(keys, response.context["counter_totals"], strict=True)) == {
        "projects": 7,
        "events": 3,
        "transfers": 1,
    }
    assert response.context["grand_total"] == 11


def test_an_article_served_only_by_work_older_than_six_months_is_dormant(client_for, izmir_staff, protocol, counters):
    stale, fresh, unused = _articles(protocol, 3)
    today = timezone.localdate()
    ProjectFactory(last_update_on=months_before(today, 7)).articles.set([stale])
    ProjectFactory(last_update_on=today - timedelta(days=7)).articles.set([fresh])

    response = _in_english(client_for(izmir_staff)).get(URL)

    rows = _rows(response)
    assert rows[1].dormant and rows[1].total == 1
    assert not rows[2].dormant
    assert rows[3].dormant and rows[3].total == 0 and rows[3].last_activity is None
    content = response.content.decode()
    assert content.count(">Dormant</span>") == 2
    assert content.count(">Active</span>") == 1
    assert "2 of 3 articles are dormant." in content


def test_the_latest_activity_of_any_counter_keeps_an_article_active(client_for, izmir_staff, protocol, counters):
    (article,) = _articles(protocol, 1)
    ProjectFactory(last_update_on=months_before(timezone.localdate(), 8)).articles.set([article])
    KnowHowTransferFactory(started_on=timezone.localdate() - timedelta(days=3)).articles.set([article])
    row = _rows(client_for(izmir_staff).get(URL))[1]
    assert not row.dormant
    assert row.last_activity == timezone.localdate() - timedelta(days=3)


def test_the_dormancy_period_follows_the_setting(client_for, izmir_staff, protocol, counters, settings):
    settings.KOPRU_DORMANT_MONTHS = 12
    (article,) = _articles(protocol, 1)
    ProjectFactory(last_update_on=months_before(timezone.localdate(), 7)).articles.set([article])
    assert not _rows(client_for(izmir_staff).get(URL))[1].dormant


def test_months_before_keeps_the_day_or_falls_back_to_the_months_last_day():
    assert months_before(date(2025, 8, 31), 6) == date(2025, 2, 28)
    assert months_before(date(2025, 3, 15), 6) == date(2024, 9, 15)
    assert months_before(date(2024, 8, 31), 6) == date(2024, 2, 29)


def test_the_change_history_of_the_protocol_is_shown(client_for, izmir_staff, protocol, counters):
    protocol.summary = "Güncellenmiş özet."
    protocol.save()
    response = client_for(izmir_staff).get(URL)
    assert len(response.context["history"]) == 2
    assert "Güncellenmiş özet." in response.content.decode()


@pytest.mark.parametrize("article_count", [5, 50])
def test_the_query_count_does_not_grow_with_the_number_of_articles(
    client_for, izmir_staff, protocol, counters, article_count, django_assert_num_queries
):
    articles = _articles(protocol, article_count)
    for article in articles:
        ProjectFactory().articles.set([article])
        EventFactory().articles.set([article])
        KnowHowTransferFactory().articles.set([article])
    client = client_for(izmir_staff)
    # session, user (with the data version), protocol, its parties, its articles, every counter
    # (one UNION), history; the documents load once the page is shown
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert len(response.context["article_rows"]) == article_count
    # Until something is written, the counters' answers come from the cache, and the page's HTML
    # too: session, user, protocol.
    with django_assert_num_queries(3):
        again = client.get(URL)
    assert [row.uses for row in again.context["article_rows"]] == [row.uses for row in response.context["article_rows"]]


@pytest.mark.django_db(transaction=True)
def test_the_cached_counters_show_every_write_at_once(client_for, izmir_staff, protocol, counters):
    """The counters are cached under the data version; writes that commit bump it."""
    (article,) = _articles(protocol, 1)
    ProjectFactory().articles.set([article])
    client = client_for(izmir_staff)
    assert [use.count for use in _rows(client.get(URL))[1].uses] == [1, 0, 0]

    ProjectFactory().articles.add(article)
    EventFactory().articles.add(article)
    transfer = KnowHowTransferFactory()
    transfer.articles.add(article)
    assert [use.count for use in _rows(client.get(URL))[1].uses] == [2, 1, 1]

    transfer.delete()
    assert [use.count for use in _rows(client.get(URL))[1].uses] == [2, 1, 0]


@pytest.mark.django_db(transaction=True)
def test_an_event_that_starts_counts_as_activity_with_no_write(client_for, izmir_staff, protocol, counters):
    """The cached counters go stale when the next event serving an article starts."""
    article = _articles(protocol, 1)[0]
    EventFactory(starts_at=timezone.now() + timedelta(seconds=3), ends_at=timezone.now() + timedelta(hours=1))
    Event.objects.get().articles.set([article])
    client = client_for(izmir_staff)
    assert client.get(URL).context["article_rows"][0].last_activity is None
    time.sleep(max(0.0, (Event.objects.get().starts_at - timezone.now()).total_seconds()) + 0.2)
    assert client.get(URL).context["article_rows"][0].last_activity == timezone.localdate()


def _kept_html(response):
    """What the page keeps of itself in the cache, under the key its request makes."""
    return cache.get(fragment_key(response.wsgi_request, URL))


def test_the_page_is_kept_without_any_csrf_token_and_its_documents_load_once_shown(
    client_for, manager, protocol, counters
):
    """A manager may add documents: the form (with the session's CSRF token) is in the loaded part only."""
    client = client_for(manager)
    page = client.get(URL)
    kept = _kept_html(page)
    assert protocol.title in kept and "Dr. Cemil Tugay" in kept
    assert "csrfmiddlewaretoken" not in kept
    assert 'data-kopru-load="/protocol/documents/"' in page.content.decode()

    part = client.get("/protocol/documents/", headers={"X-Kopru-Fragment": "1"})
    html = part.content.decode()
    assert part.status_code == 200
    assert 'id="attachments"' in html and "csrfmiddlewaretoken" in html  # the upload form
    assert "<html" not in html  # the part alone
    assert "<html" in client.get("/protocol/documents/").content.decode()  # followed as a link: a page


def test_readers_who_may_not_change_the_protocol_get_no_upload_form(client_for, izmir_staff, protocol, counters):
    html = client_for(izmir_staff).get("/protocol/documents/").content.decode()
    assert 'id="attachments"' in html
    assert "multipart/form-data" not in html


def _article_row(response) -> str:
    return response.content.decode().split('id="article-1"')[1].split("</tr>")[0]


def _counts(response) -> list[str]:
    """The first article's projects, events and transfers as the page writes them."""
    cells = [cell.split(">")[-1] for cell in _article_row(response).split("</td>")]
    return cells[1:4]  # after the article's title


@pytest.mark.django_db(transaction=True)
def test_the_kept_page_shows_every_write_at_once_and_goes_stale_when_an_event_starts(
    client_for, izmir_staff, protocol, counters
):
    (article,) = _articles(protocol, 1)
    client = _in_english(client_for(izmir_staff))
    first = client.get(URL)
    assert "Dormant" in first.content.decode()
    assert _counts(first) == ["0", "0", "0"]
    assert "fragment_html" in client.get(URL).context  # kept
    assert _kept_html(first) is not None

    EventFactory(starts_at=timezone.now() + timedelta(seconds=2), ends_at=timezone.now() + timedelta(hours=1))
    Event.objects.get().articles.set([article])  # a write: the page is made afresh
    page = client.get(URL)
    assert "fragment_html" not in page.context
    assert _counts(page) == ["0", "1", "0"]  # the new event counts at once
    assert "never" in _article_row(page)  # it has not started yet
    assert "fragment_html" in client.get(URL).context  # kept again
    time.sleep(max(0.0, (Event.objects.get().starts_at - timezone.now()).total_seconds()) + 0.2)
    assert timezone.localdate().strftime("%Y-%m-%d") in _article_row(client.get(URL))  # kept no longer
