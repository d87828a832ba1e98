"""Two people edit the same record at once: after the refused save nothing either saved is lost.

Each test plays two browsers. Both open the edit form; one saves; the other saves the form it
opened and is refused; the page it gets back is read as a browser reads it (every input as it
would be posted) and posted again. The record then holds both people's changes, or, where both
changed the same field, the value the second person chose having seen the other.
"""

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events.models import Event
from projects.models import Project
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProjectFactory,
    ProtocolArticleFactory,
)
from transfers.models import KnowHowTransfer

# A form shows times to the minute: an event's times are whole minutes, as a person enters them.
WHOLE_MINUTE = datetime(2027, 4, 27, 9, 30, tzinfo=UTC)


class _FormReader(HTMLParser):
    """What a browser would post for each <form> of a page: [(name, value), …] per form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea, self._option, self._templates = [], None, None, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = attrs.get("type", "text")
        if tag == "template":  # a row to copy from, which the browser does not send
            self._templates += 1
        elif tag == "form":
            self.forms.append([])
        elif not self.forms or self._templates:
            return
        elif tag == "input" and attrs.get("name") and kind not in {"submit", "button", "file", "reset"}:
            if kind not in {"checkbox", "radio"}:
                self.forms[-1].append((attrs["name"], attrs.get("value") or ""))
            elif "checked" in attrs:
                self.forms[-1].append((attrs["name"], attrs.get("value") or "on"))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
        elif tag == "textarea":
            self._textarea = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            if selected:
                self.forms[-1].append((self._select, text.strip() if value is None else value))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.forms[-1].append((name, text.removeprefix("\n")))  # as browsers drop the first newline
            self._textarea = None


def edit_form(response) -> dict:
    """The posted data of the page's edit form (the one carrying a version), as a browser sends it."""
    assert response.status_code == 200, response.status_code
    reader = _FormReader()
    reader.feed(response.content.decode())
    form = next(fields for fields in reader.forms if any(name.endswith("version") for name, _ in fields))
    data = {}
    for name, value in form:
        data.setdefault(name, []).append(value)
    return data


def changed(data: dict, **values) -> dict:
    """`data` with some fields typed over (a list for a multiple choice)."""
    return {**data, **{name: value if isinstance(value, list) else [value] for name, value in values.items()}}


@pytest.fixture
def project(izmir_teknoloji, isbak):
    project = ProjectFactory(lead_organization=izmir_teknoloji, title="Akıllı kavşak", description="İlk açıklama")
    project.partners.create(organization=isbak, role="partner")
    return project


@pytest.fixture
def two_browsers(client, django_user_model):
    """`two_browsers(user_a, user_b)`: a test client for each, signed in."""
    from django.test import Client

    def sign_in(user_a, user_b):
        client.force_login(user_a)
        other = Client()
        other.force_login(user_b)
        return client, other

    return sign_in


def saves(browser, url, **values) -> None:
    """The other person opens the form, types `values` and saves: the save goes through."""
    response = browser.post(url, changed(edit_form(browser.get(url)), **values))
    assert response.status_code == 302, response.status_code


def _project_edit(project):
    return reverse("projects:project_update", args=[project.pk])


# --- pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_field_only_the_other_person_changed_is_not_overwritten_by_the_resave(
    two_browsers, isbak_staff, izmir_staff, project
):
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, description="İzmir'in açıklaması")).status_code == 302

    refused = isbak_browser.post(url, changed(isbak_form, title="İSBAK'ın başlığı"))
    assert 'id="stale-edit"' in refused.text
    assert 'id="edit-conflicts"' not in refused.text  # nothing for İSBAK to choose
    merged = edit_form(refused)
    assert merged["description"] == ["İzmir'in açıklaması"]  # the newer save, not İSBAK's old copy
    assert merged["title"] == ["İSBAK'ın başlığı"]  # İSBAK's typing on top
    assert Project.objects.get(pk=project.pk).title == "Akıllı kavşak"  # nothing saved yet

    assert isbak_browser.post(url, merged).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.description) == ("İSBAK'ın başlığı", "İzmir'in açıklaması")


@pytest.mark.django_db
def test_a_resave_without_changes_of_ones_own_keeps_everything_the_other_saved(
    two_browsers, isbak_staff, izmir_staff, project
):
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    izmir_saves = changed(izmir_form, description="Yeni açıklama", status="on_hold", planned_end="2031-12-31")
    assert izmir_browser.post(url, izmir_saves).status_code == 302

    merged = edit_form(isbak_browser.post(url, isbak_form))  # İSBAK opened, changed nothing, saved
    assert isbak_browser.post(url, merged).status_code == 302
    project.refresh_from_db()
    assert (project.description, project.status, project.planned_end.isoformat(), project.version) == (
        "Yeni açıklama",
        "on_hold",
        "2031-12-31",
        3,
    )


@pytest.mark.django_db
def test_links_the_other_person_changed_are_kept_or_offered_never_dropped_unseen(
    two_browsers, isbak_staff, izmir_staff, project
):
    article = ProtocolArticleFactory()
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, articles=[str(article.pk)])).status_code == 302

    refused = isbak_browser.post(url, changed(isbak_form, title="İSBAK"))
    merged = edit_form(refused)
    # Where history keeps the project's links, the merge takes İzmir's; where it does not, it cannot
    # tell who changed them, so it shows both and lets İSBAK choose.
    offered = [conflict.choice_name for conflict in refused.context["conflicts"]]
    assert merged.get("articles") == [str(article.pk)] or offered == ["articles__keep"]
    assert isbak_browser.post(url, changed(merged, articles__keep="saved")).status_code == 302
    project.refresh_from_db()
    assert (project.title, list(project.articles.all())) == ("İSBAK", [article])


@pytest.mark.django_db
def test_a_field_both_changed_is_shown_side_by_side_and_the_chosen_value_is_saved(
    two_browsers, isbak_staff, izmir_staff, project
):
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    izmir_saves = changed(izmir_form, description="İzmir'in açıklaması", planned_end="2030-06-30")
    assert izmir_browser.post(url, izmir_saves).status_code == 302

    refused = isbak_browser.post(url, changed(isbak_form, description="İSBAK'ın açıklaması", title="Yeni başlık"))
    assert 'id="edit-conflicts"' in refused.text
    [conflict] = refused.context["conflicts"]
    assert (conflict.mine, conflict.saved) == ("İSBAK'ın açıklaması", "İzmir'in açıklaması")
    merged = edit_form(refused)
    assert merged["description"] == ["İSBAK'ın açıklaması"]  # the field keeps the typing …
    assert merged["description__keep"] == ["mine"]  # … unless İSBAK takes İzmir's instead
    assert merged["planned_end"] == ["2030-06-30"]

    assert isbak_browser.post(url, changed(merged, description__keep="saved")).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.description, project.planned_end.isoformat()) == (
        "Yeni başlık",
        "İzmir'in açıklaması",
        "2030-06-30",
    )


@pytest.mark.django_db
def test_keeping_ones_own_value_of_a_field_both_changed_is_a_choice_made_having_seen_the_other(
    two_browsers, isbak_staff, izmir_staff, project
):
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, title="İzmir", planned_end="2030-06-30")).status_code == 302
    merged = edit_form(isbak_browser.post(url, changed(isbak_form, title="İSBAK")))
    assert isbak_browser.post(url, merged).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.planned_end.isoformat()) == ("İSBAK", "2030-06-30")


@pytest.mark.django_db
def test_milestone_rows_merge_like_the_project(two_browsers, isbak_staff, izmir_staff, project):
    milestone = MilestoneFactory(project=project, title="Pilot", deliverable="Rapor")
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, **{"milestones-0-deliverable": "Son rapor"})).status_code == 302

    refused = isbak_browser.post(url, changed(isbak_form, **{"milestones-0-title": "Pilot uygulama"}))
    assert 'id="stale-edit"' in refused.text
    merged = edit_form(refused)
    assert merged["milestones-0-deliverable"] == ["Son rapor"]
    assert isbak_browser.post(url, merged).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.deliverable) == ("Pilot uygulama", "Son rapor")


@pytest.mark.django_db
def test_an_event_edit_merges_its_times_and_organizers(two_browsers, manager, izmir_staff, izmir_teknoloji, isbak):
    event = EventFactory(title="Çalıştay", city="İzmir", organizers=[izmir_teknoloji], starts_at=WHOLE_MINUTE)
    url = reverse("events:event_update", args=[event.pk])
    manager_browser, izmir_browser = two_browsers(manager, izmir_staff)
    manager_form, izmir_form = edit_form(manager_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, city="İstanbul")).status_code == 302

    organizers = [str(izmir_teknoloji.pk), str(isbak.pk)]
    merged = edit_form(manager_browser.post(url, changed(manager_form, title="Ortak çalıştay", organizers=organizers)))
    assert merged["city"] == ["İstanbul"]
    assert manager_browser.post(url, merged).status_code == 302
    saved = Event.objects.get(pk=event.pk)
    assert (saved.title, saved.city, saved.starts_at) == ("Ortak çalıştay", "İstanbul", event.starts_at)
    assert set(saved.organizers.all()) == {izmir_teknoloji, isbak}


@pytest.mark.django_db
def test_a_transfer_edit_merges(two_browsers, manager, izmir_staff, izmir_teknoloji, isbak):
    transfer = KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak, title="Eğitim", hours=8)
    url = reverse("transfers:knowhowtransfer_update", args=[transfer.pk])
    manager_browser, izmir_browser = two_browsers(manager, izmir_staff)
    manager_form, izmir_form = edit_form(manager_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, hours="12")).status_code == 302
    merged = edit_form(manager_browser.post(url, changed(manager_form, title="Sinyal eğitimi")))
    assert manager_browser.post(url, merged).status_code == 302
    saved = KnowHowTransfer.objects.get(pk=transfer.pk)
    assert (saved.title, saved.hours) == ("Sinyal eğitimi", 12)


@pytest.mark.django_db
def test_a_refused_save_by_someone_who_may_not_edit_stays_forbidden(two_browsers, isbak_staff, outsider, project):
    isbak_browser, outsider_browser = two_browsers(isbak_staff, outsider)
    url = _project_edit(project)
    form = edit_form(isbak_browser.get(url))
    assert outsider_browser.post(url, changed(form, title="Başkası")).status_code == 403
    assert Project.objects.get(pk=project.pk).title == "Akıllı kavşak"


@pytest.mark.django_db
def test_a_merged_form_with_bad_input_saves_nothing(two_browsers, isbak_staff, izmir_staff, project):
    isbak_browser, izmir_browser = two_browsers(isbak_staff, izmir_staff)
    url = _project_edit(project)
    isbak_form, izmir_form = edit_form(isbak_browser.get(url)), edit_form(izmir_browser.get(url))
    assert izmir_browser.post(url, changed(izmir_form, description="İzmir")).status_code == 302
    merged = edit_form(isbak_browser.post(url, changed(isbak_form, title="İSBAK")))
    response = isbak_browser.post(url, changed(merged, title=""))
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    project.refresh_from_db()
    assert (project.title, project.description) == ("Akıllı kavşak", "İzmir")


# --- the admin -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_merges_a_stale_edit_instead_of_overwriting(two_browsers, administrator, izmir_staff, project):
    MilestoneFactory(project=project, title="Pilot")
    admin_url = reverse("admin:projects_project_change", args=[project.pk])
    admin_browser, izmir_browser = two_browsers(administrator, izmir_staff)
    admin_form = edit_form(admin_browser.get(admin_url))
    page_url = _project_edit(project)
    assert (
        izmir_browser.post(page_url, changed(edit_form(izmir_browser.get(page_url)), description="İzmir")).status_code
        == 302
    )

    refused = admin_browser.post(admin_url, changed(admin_form, title="Yönetici başlığı"))
    assert refused.status_code == 200
    assert 'id="stale-edit"' in refused.text
    assert Project.objects.get(pk=project.pk).title == "Akıllı kavşak"
    merged = edit_form(refused)
    assert merged["description"] == ["İzmir"]
    assert admin_browser.post(admin_url, merged).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.description) == ("Yönetici başlığı", "İzmir")


@pytest.mark.django_db
def test_the_admin_offers_the_choice_for_a_field_both_changed(two_browsers, administrator, izmir_staff, project):
    admin_url = reverse("admin:projects_project_change", args=[project.pk])
    admin_browser, izmir_browser = two_browsers(administrator, izmir_staff)
    admin_form = edit_form(admin_browser.get(admin_url))
    page_url = _project_edit(project)
    assert (
        izmir_browser.post(page_url, changed(edit_form(izmir_browser.get(page_url)), title="İzmir")).status_code == 302
    )

    refused = admin_browser.post(admin_url, changed(admin_form, title="Yönetici", description="Yönetici notu"))
    assert 'id="edit-conflicts"' in refused.text
    merged = edit_form(refused)
    assert admin_browser.post(admin_url, changed(merged, title__keep="saved")).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.description) == ("İzmir", "Yönetici notu")


@pytest.mark.django_db
def test_the_admin_merges_a_stale_milestone_row(two_browsers, administrator, izmir_staff, project):
    milestone = MilestoneFactory(project=project, title="Pilot", deliverable="Rapor")
    admin_url = reverse("admin:projects_project_change", args=[project.pk])
    admin_browser, izmir_browser = two_browsers(administrator, izmir_staff)
    admin_form = edit_form(admin_browser.get(admin_url))
    page_url = _project_edit(project)
    izmir_form = edit_form(izmir_browser.get(page_url))
    assert (
        izmir_browser.post(page_url, changed(izmir_form, **{"milestones-0-deliverable": "Son rapor"})).status_code
        == 302
    )

    refused = admin_browser.post(admin_url, changed(admin_form, **{"milestones-0-title": "Pilot uygulama"}))
    assert refused.status_code == 200
    merged = edit_form(refused)
    assert admin_browser.post(admin_url, merged).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.deliverable) == ("Pilot uygulama", "Son rapor")


@pytest.mark.django_db
def test_the_admin_merges_an_event_with_its_date_and_time_pairs(two_browsers, administrator, manager, izmir_teknoloji):
    event = EventFactory(title="Çalıştay", city="İzmir", starts_at=WHOLE_MINUTE, organizers=[izmir_teknoloji])
    admin_url = reverse("admin:events_event_change", args=[event.pk])
    admin_browser, manager_browser = two_browsers(administrator, manager)
    admin_form = edit_form(admin_browser.get(admin_url))
    page_url = reverse("events:event_update", args=[event.pk])
    assert (
        manager_browser.post(page_url, changed(edit_form(manager_browser.get(page_url)), city="Ankara")).status_code
        == 302
    )
    merged = edit_form(admin_browser.post(admin_url, changed(admin_form, title="Yönetici çalıştayı")))
    assert merged["city"] == ["Ankara"]
    assert admin_browser.post(admin_url, merged).status_code == 302
    saved = Event.objects.get(pk=event.pk)
    assert (saved.title, saved.city, saved.starts_at) == ("Yönetici çalıştayı", "Ankara", event.starts_at)


@pytest.mark.django_db
def test_reverting_from_history_in_the_admin_still_saves(admin_client, project):
    project.title = "İkinci başlık"
    project.save()
    first = project.history.earliest()
    url = reverse("admin:projects_project_simple_history", args=[project.pk, first.history_id])
    response = admin_client.post(url, edit_form(admin_client.get(url)))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Akıllı kavşak", 3)
