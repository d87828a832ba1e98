"""Bad input at scale: every create and edit form and every POST endpoint gets 1,000 generated inputs.

The inputs are built from each form's own fields, so a new field is fuzzed without a
change here. Each field is either left out, or given something a browser could send
(a choice, a date, a number as typed), or something only an attacker or a broken
client sends: any unicode including control characters and NUL, huge strings, huge
and negative numbers, NaN and infinities, dates outside the calendar (year 1, year
10000, 30 February), several values for a one-value field, a file where text was
expected, row ids of another project's rows, odd formset counts, and bodies in the
wrong encoding. Half of the examples start from a valid submission and change a few
fields, so the writes (services, constraints, triggers) are reached too.

Every example must answer below 500, and when the answer is not the redirect that
means "saved", no row may have changed: the row counts of every Köprü table, their
history tables and their many-to-many tables are compared (an update writes a history
row, so an in-place partial write is caught as well). Each example runs in a savepoint
that is rolled back, so every example starts from the same data.

Speed. An example costs what one POST costs: ~10 ms for the small endpoints, 20-45 ms
for the form pages, most of it Django and crispy-forms rendering the form again with
its errors. So every example runs the view, the form, the service and the database,
and one in ten (drawn by Hypothesis, so a failure replays exactly) also renders the
page; KOPRU_FUZZ_RENDER_ALL=1 renders all of them. Django's test runner also wraps
template rendering to record contexts for `response.context`; nothing here reads it,
so that test-only wrapper is switched off. Formset counts stay small: a huge
TOTAL_FORMS makes Django build and show 2,000 rows, a minute of work per request, which
is reported on issue 5 rather than repeated a thousand times here.
`KOPRU_FUZZ_EXAMPLES` lowers the count for a quick local run; CI runs the default.
"""

import json
import os
import string
from collections import Counter
from contextlib import nullcontext
from datetime import date, timedelta
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    IntegerField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    URLField,
)
from django.forms.models import InlineForeignKeyField
from django.template.base import Template
from django.template.response import SimpleTemplateResponse
from django.test import Client
from django.test.utils import _TestState
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.apps import kopru_apps
from core.roles import MANAGERS_GROUP, STAFF_GROUP
from events.forms import EventForm
from projects.forms import MilestoneCompleteForm, MilestoneFormSet, PartnerFormSet, ProgressUpdateForm, ProjectForm
from projects.models import Milestone
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    TechnologyProductFactory,
    UserFactory,
)
from transfers.forms import KnowHowTransferForm
from transfers.models import KnowHowTransfer

EXAMPLES = int(os.environ.get("KOPRU_FUZZ_EXAMPLES", "1000"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI never flakes on a new random draw
    database=None,  # no example database: nothing is replayed from an earlier run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
KOPRU_APPS = {config.label for config in kopru_apps()}
PASSWORD = "doğru-parola-123"
MISSING = object()  # a field the request leaves out

# --- what can arrive in one field ----------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # control characters and NUL included
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\r\n\t",
        "\u202e\u200b\ufeff",
        "İıŞşĞğÇçÖöÜü",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%s%n%(x)s{0}",
        "../../etc/passwd",
        "None",
        "null",
        "[]",
        "{}",
    ]
)
HUGE_TEXT = st.sampled_from([251, 1_001, 10_001, 65_537]).map(lambda n: "ş" * n)
NUMBER_TEXT = st.one_of(
    st.integers().map(str),  # unbounded: 40-digit numbers too
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        ["-0", "1e309", "-1e309", "NaN", "Infinity", "1e-7", "123456789.123456789", "99999999999999999999.9"]
        + ["٣", "１２", "0x10", "1_000", " 7 ", "+5", "5.", ".5", "1,5", "7.25e3"]
    ),
)
DATE_TEXT = st.one_of(
    st.dates().map(date.isoformat),  # year 1 to 9999
    st.dates().map(lambda d: f"{d.day:02d}.{d.month:02d}.{d.year:04d}"),  # the Turkish way of writing it
    st.sampled_from(["0000-01-01", "10000-01-01", "2024-02-30", "2023-02-29", "-1-01-01", "2024-13-01", "31/12/99"]),
)
DATETIME_TEXT = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()[:16]),  # what a datetime-local input sends
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00",  # in year 0 in UTC: Istanbul was UTC+1:56 then
            "0001-01-01T01:55",
            "9999-12-31T23:59",
            "2024-03-31T03:30",
            "2024-02-30T10:00",
            "2024-06-01T24:00",
            "2024-06-01 10:00:00+14:00",
        ]
    ),
)
URL_TEXT = st.sampled_from(
    [
        "https://example.com/toplanti",
        "http://[::1",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example",
        "https://" + "a" * 300 + ".com",
        "https://exa mple.com",
        "https://örnek.com.tr/ğ",
    ]
)
FILE_VALUE = st.builds(lambda: SimpleUploadedFile("x.txt", b"not a field", content_type="text/plain"))


def garbage():
    """Anything: text, numbers, dates, a huge string, several values for one field, a file."""
    one = st.one_of(NASTY_TEXT, ANY_TEXT, NUMBER_TEXT, DATE_TEXT)
    return st.one_of(one, HUGE_TEXT, st.lists(one, min_size=2, max_size=3), FILE_VALUE)


def sometimes_missing(strategy):
    return st.one_of(st.just(MISSING), strategy)


def field_values(field, valid_pks=None):
    """What may arrive for one form field: a plausible value, or garbage, or nothing."""
    if isinstance(field, ModelMultipleChoiceField):
        pks = valid_pks or [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
        choice = st.one_of(st.sampled_from(pks), NUMBER_TEXT) if pks else NUMBER_TEXT
        plausible = st.lists(choice, max_size=3)
    elif isinstance(field, ModelChoiceField):
        pks = valid_pks or [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
        plausible = st.sampled_from(pks) if pks else NUMBER_TEXT
    elif isinstance(field, InlineForeignKeyField):
        plausible = st.sampled_from(valid_pks or [""])
    elif isinstance(field, ChoiceField):
        plausible = st.sampled_from([str(value) for value, _label in field.choices])
    elif isinstance(field, DateTimeField):
        plausible = DATETIME_TEXT
    elif isinstance(field, DateField):
        plausible = DATE_TEXT
    elif isinstance(field, (IntegerField, DecimalField)):
        plausible = st.one_of(st.integers(-5, 200).map(str), NUMBER_TEXT)
    elif isinstance(field, BooleanField):
        plausible = st.sampled_from(["on", "", "true", "false", "0", "1"])
    elif isinstance(field, URLField):
        plausible = URL_TEXT
    else:  # CharField and friends
        plausible = st.one_of(ANY_TEXT, NASTY_TEXT)
    return sometimes_missing(st.one_of(plausible, garbage()))


def form_values(form, prefix="", pks=None):
    """{name: strategy} for every field of `form` (a form instance), under `prefix`."""
    pks = pks or {}
    return {f"{prefix}{name}": field_values(field, pks.get(name)) for name, field in form.fields.items()}


def formset_values(formset_class, *, instance, prefix, row_pks, extra_field_pks=None, version=False):
    """A strategy for a whole inline formset: management counts and up to three rows, any of them odd."""
    empty = formset_class(instance=instance, prefix=prefix).empty_form
    pks = {"id": [str(pk) for pk in row_pks] + [""], **(extra_field_pks or {})}
    if instance.pk is not None:
        pks[formset_class.fk.name] = [str(instance.pk), "999999"]
    row_fields = {name: field_values(field, pks.get(name)) for name, field in empty.fields.items()}
    if version:
        row_fields["version"] = field_values(IntegerField(), ["1", "2", "0"])
    # Counts stay small (see the module docstring).
    count = st.one_of(
        st.integers(0, 3).map(str), st.sampled_from(["-1", "", "x", "1.5", "٣", " 2 ", "1e1"]), st.just(MISSING)
    )

    @st.composite
    def build(draw):
        total = draw(st.integers(0, 3))
        data = {
            f"{prefix}-TOTAL_FORMS": draw(st.one_of(st.just(str(total)), count)),
            f"{prefix}-INITIAL_FORMS": draw(st.one_of(st.just(str(min(total, len(row_pks)))), count)),
            f"{prefix}-MIN_NUM_FORMS": draw(st.one_of(st.just("0"), count)),
            f"{prefix}-MAX_NUM_FORMS": draw(st.one_of(st.just("1000"), count)),
        }
        for index in range(total):
            for name, strategy in row_fields.items():
                data[f"{prefix}-{index}-{name}"] = draw(strategy)
        return data

    return build()


def mutated(valid: dict, field_strategies: dict):
    """A valid submission with one to three fields replaced by generated values (or removed)."""
    names = sorted(field_strategies)

    @st.composite
    def build(draw):
        data = dict(valid)
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            data[name] = draw(field_strategies[name])
        return data

    return build()


def submissions(valid: dict, field_strategies: dict, *extra):
    """Half valid-but-changed submissions, half built from scratch (plus any `extra` strategies, merged in)."""

    @st.composite
    def from_scratch(draw):
        data = {name: draw(strategy) for name, strategy in field_strategies.items()}
        for strategy in extra:
            data.update(draw(strategy))
        return data

    return st.one_of(mutated(valid, field_strategies), from_scratch())


ENCODINGS = st.sampled_from(["multipart"] * 6 + ["urlencoded", "json", "broken-multipart"])
STRAY_FIELDS = st.dictionaries(st.text(string.ascii_letters + "-_[]", min_size=1, max_size=12), ANY_TEXT, max_size=2)


# One example in RENDER_EVERY renders the answer's page in full; the others stop once the view has
# decided (validated, written or refused, chosen its status), which is where input turns into
# behaviour. Rendering a crispy form again is ~2/3 of an example's time (see the module docstring).
RENDER_EVERY = 1 if os.environ.get("KOPRU_FUZZ_RENDER_ALL") else 10
RENDERED = st.integers(0, RENDER_EVERY - 1).map(lambda n: n == 0)


def rendering(render: bool):
    """Let template responses render as usual, or (render=False) produce an empty body instead."""
    if render:
        return nullcontext()
    return mock.patch.object(SimpleTemplateResponse, "rendered_content", property(lambda response: ""))


# --- the database's fingerprint: row counts of every Köprü table ---------------------------------


def kopru_tables() -> list[str]:
    models = apps.get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models if m._meta.app_label in KOPRU_APPS and m._meta.managed})


def row_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    # Table names come from Django's model registry, not from input.
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in kopru_tables())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


# --- the test case --------------------------------------------------------------------------------


class FuzzCase(TestCase):
    """Shared cast: two parties, a staff member of the first, and a project, event and transfer of theirs."""

    @classmethod
    def setUpTestData(cls):
        cls.own = OrganizationFactory(name="İzmir İnovasyon ve Teknoloji A.Ş.", short_name="İzmir Teknoloji")
        cls.other = OrganizationFactory(name="İstanbul Bilişim ve Akıllı Kent Teknolojileri A.Ş.", short_name="İSBAK")
        cls.staff = UserFactory(username="fuzz.staff")
        MembershipFactory(user=cls.staff, organization=cls.own)
        cls.staff.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
        Group.objects.get_or_create(name=MANAGERS_GROUP)
        cls.staff.set_password(PASSWORD)
        cls.staff.save()
        cls.article = ProtocolArticleFactory()
        cls.product = TechnologyProductFactory(organization=cls.own)
        cls.project = ProjectFactory(lead_organization=cls.own, planned_start=date(2025, 1, 1), planned_end=None)
        cls.partner = ProjectPartnerFactory(project=cls.project, organization=cls.other)
        cls.milestone = MilestoneFactory(project=cls.project)
        foreign = ProjectFactory(lead_organization=cls.other)  # another organization's project and rows
        cls.foreign_rows = {
            "partners": [ProjectPartnerFactory(project=foreign, organization=cls.own).pk],
            "milestones": [MilestoneFactory(project=foreign).pk],
        }
        cls.event = EventFactory(organizers=[cls.own])
        cls.transfer = KnowHowTransferFactory(provider=cls.own, recipient=cls.other, product=cls.product)

    def setUp(self):
        super().setUp()
        # Test-only instrumentation (see the module docstring); restored after each test.
        original = getattr(getattr(_TestState, "saved_data", None), "template_render", None)
        if original is not None:
            self.addCleanup(setattr, Template, "_render", Template._render)
            Template._render = original
        self.client.force_login(self.staff)

    # -- one example: post it, then check the answer and the database

    def post(self, client, url, data, encoding="multipart"):
        present = {name: value for name, value in data.items() if value is not MISSING}
        if encoding == "multipart":
            return client.post(url, present)
        texts = {name: value for name, value in present.items() if not isinstance(value, SimpleUploadedFile)}
        if encoding == "urlencoded":
            return client.post(url, urlencode(texts, doseq=True), content_type="application/x-www-form-urlencoded")
        if encoding == "json":
            return client.post(url, json.dumps(texts, default=str), content_type="application/json")
        return client.post(url, b"--nope\r\n\r\n", content_type="multipart/form-data; boundary=")

    def run_examples(self, url, strategy, *, client=None, saved=(302,), check=None, reaches=("saved", "refused")):
        """Post `EXAMPLES` generated submissions to `url`, each in a rolled-back savepoint."""
        client = client or self.client
        outcomes = Counter()

        @FUZZ_SETTINGS
        @given(data=strategy, encoding=ENCODINGS, stray=STRAY_FIELDS, render=RENDERED)
        def example(data, encoding, stray, render):
            with transaction.atomic(), rendering(render):
                before = row_counts()
                response = self.post(client, url, {**stray, **data}, encoding)
                assert response.status_code < 500, response.status_code
                outcomes[response.status_code] += 1
                if response.status_code in saved:
                    outcomes["saved"] += 1
                else:
                    outcomes["refused"] += 1
                    assert row_counts() == before, f"a refused POST ({response.status_code}) changed rows"
                if check is not None:
                    check(response, data)
                outcomes["rendered"] += render
                transaction.set_rollback(True)

        example()
        assert outcomes["saved"] + outcomes["refused"] >= EXAMPLES
        # The generator must reach both paths, or half of what is claimed above is untested.
        assert all(outcomes[path] >= EXAMPLES // 50 for path in reaches), outcomes
        assert outcomes["rendered"] >= EXAMPLES // 20, outcomes

    # -- projects

    def project_strategies(self, instance, *, with_version):
        form = ProjectForm(instance=instance, user=self.staff)
        fields = form_values(form)
        if with_version:
            fields["version"] = field_values(IntegerField(), [str(instance.version), "0", "99"])
        own_partner_pks = [self.partner.pk] if instance.pk else []
        own_milestone_pks = [self.milestone.pk] if instance.pk else []
        formsets = [
            formset_values(
                PartnerFormSet,
                instance=instance,
                prefix="partners",
                row_pks=own_partner_pks + self.foreign_rows["partners"],
            ),
            formset_values(
                MilestoneFormSet,
                instance=instance,
                prefix="milestones",
                row_pks=own_milestone_pks + self.foreign_rows["milestones"],
                version=with_version,
            ),
        ]
        return fields, formsets

    def valid_project(self, instance):
        valid = {
            "code": "FZ-1",
            "title": "Akıllı kavşak",
            "description": "",
            "lead_organization": str(self.own.pk),
            "status": "active",
            "articles": [str(self.article.pk)],
            "planned_start": "2025-01-01",
            "partners-TOTAL_FORMS": "1",
            "partners-INITIAL_FORMS": "0",
            "partners-0-organization": str(self.other.pk),
            "partners-0-role": "partner",
            "partners-0-contribution": "Veri",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "Kurulum",
            "milestones-0-due_on": "2025-06-30",
        }
        if instance.pk:
            valid.update(
                {
                    "code": instance.code,
                    "version": str(instance.version),
                    "partners-INITIAL_FORMS": "1",
                    "partners-0-id": str(self.partner.pk),
                    "milestones-INITIAL_FORMS": "1",
                    "milestones-0-id": str(self.milestone.pk),
                    "milestones-0-version": str(self.milestone.version),
                }
            )
        return valid

    def test_project_create_survives_1000_generated_submissions(self):
        instance = ProjectForm(user=self.staff).instance
        fields, formsets = self.project_strategies(instance, with_version=False)
        strategy = submissions(self.valid_project(instance), fields, *formsets)
        self.run_examples(reverse("projects:project_create"), strategy)

    def test_project_edit_survives_1000_generated_submissions(self):
        fields, formsets = self.project_strategies(self.project, with_version=True)
        strategy = submissions(self.valid_project(self.project), fields, *formsets)
        self.run_examples(reverse("projects:project_update", args=[self.project.pk]), strategy)

    def test_progress_update_survives_1000_generated_submissions(self):
        fields = form_values(ProgressUpdateForm(user=self.staff))
        valid = {"reported_on": "2025-05-05", "percent_complete": "40", "health": "on_track", "done": "Test"}
        url = reverse("projects:progressupdate_create", args=[self.project.pk])
        self.run_examples(url, submissions(valid, fields))

    def test_milestone_completion_survives_1000_generated_submissions(self):
        prefix = f"milestone-{self.milestone.pk}-"
        fields = form_values(MilestoneCompleteForm(instance=self.milestone), prefix=prefix)
        valid = {f"{prefix}completed_on": "2025-05-05"}

        # Saved or not, the answer is the project's page (302): what was written is checked here,
        # with this example's message (the last: unread ones of earlier examples are still queued).
        def completed_only_when_it_says_so(response, data):
            milestone = Milestone.objects.get(pk=self.milestone.pk)
            said = [message.level_tag for message in getattr(response.wsgi_request, "_messages", [])][-1:]
            if milestone.completed_on is None:
                assert milestone.version == 1 and said != ["success"], said
            else:
                assert milestone.completed_on >= self.project.planned_start, milestone.completed_on
                assert said == ["success"], said

        url = reverse("projects:milestone_complete", args=[self.milestone.pk])
        self.run_examples(url, submissions(valid, fields), check=completed_only_when_it_says_so, reaches=("saved",))

    # -- events

    def valid_event(self):
        starts = timezone.localtime() + timedelta(days=3)
        return {
            "kind": "workshop",
            "title": "Çalıştay",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "city": "İzmir",
            "organizers": [str(self.own.pk)],
        }

    def test_event_create_survives_1000_generated_submissions(self):
        fields = form_values(EventForm(user=self.staff))
        self.run_examples(reverse("events:event_create"), submissions(self.valid_event(), fields))

    def test_event_edit_survives_1000_generated_submissions(self):
        fields = form_values(EventForm(instance=self.event, user=self.staff))
        fields["version"] = field_values(IntegerField(), [str(self.event.version), "0", "99"])
        valid = {**self.valid_event(), "version": str(self.event.version)}
        self.run_examples(reverse("events:event_update", args=[self.event.pk]), submissions(valid, fields))

    # -- transfers

    def valid_transfer(self):
        return {
            "title": "Eğitim",
            "provider": str(self.own.pk),
            "recipient": str(self.other.pk),
            "kind": "training",
            "started_on": "2025-02-03",
            "hours": "12.5",
            "participants": "8",
        }

    def test_transfer_create_survives_1000_generated_submissions(self):
        fields = form_values(KnowHowTransferForm(user=self.staff))
        url = reverse("transfers:knowhowtransfer_create")
        self.run_examples(url, submissions(self.valid_transfer(), fields))

    def test_transfer_edit_survives_1000_generated_submissions(self):
        fields = form_values(KnowHowTransferForm(instance=self.transfer, user=self.staff))
        fields["version"] = field_values(IntegerField(), [str(self.transfer.version), "0", "99"])
        valid = {**self.valid_transfer(), "version": str(self.transfer.version)}
        url = reverse("transfers:knowhowtransfer_update", args=[self.transfer.pk])
        self.run_examples(url, submissions(valid, fields))

    # -- the small POST endpoints

    def test_calendar_subscription_survives_1000_generated_submissions(self):
        fields = {"action": sometimes_missing(st.one_of(st.sampled_from(["create", "revoke"]), garbage()))}
        self.run_examples(reverse("events:calendar_subscription"), submissions({"action": "create"}, fields))

    def test_language_switch_survives_1000_generated_submissions(self):
        fields = {
            "language": sometimes_missing(st.one_of(st.sampled_from(["tr", "en", "de", "TR", "tr-TR"]), garbage())),
            "next": sometimes_missing(
                st.one_of(URL_TEXT, st.sampled_from(["/projects/", "/\\evil.example"]), garbage())
            ),
        }

        def stays_on_site(response, data):
            if response.status_code == 302:
                target = urlsplit(response["Location"])
                assert not target.netloc and not target.scheme, f"redirected off-site to {response['Location']}"

        valid = {"language": "en", "next": "/projects/"}
        url = reverse("set_language")
        self.run_examples(url, submissions(valid, fields), saved=(), check=stays_on_site, reaches=(302,))

    def test_sign_in_survives_1000_generated_submissions(self):
        fields = {
            "username": sometimes_missing(st.one_of(st.just("fuzz.staff"), ANY_TEXT, garbage())),
            "password": sometimes_missing(st.one_of(st.just(PASSWORD), ANY_TEXT, garbage())),
            "next": sometimes_missing(st.one_of(URL_TEXT, garbage())),
        }

        def stays_on_site(response, data):
            if response.status_code == 302:
                assert not urlsplit(response["Location"]).netloc, f"redirected off-site to {response['Location']}"

        valid = {"username": "fuzz.staff", "password": PASSWORD}
        self.run_examples(
            reverse("login"),
            submissions(valid, fields),
            client=Client(),
            saved=(),  # a sign-in writes only django-axes' and the session's rows
            check=stays_on_site,
            reaches=(302, 200),  # signed in, and refused
        )

    def test_password_change_survives_1000_generated_submissions(self):
        fields = {
            "old_password": sometimes_missing(st.one_of(st.just(PASSWORD), ANY_TEXT, garbage())),
            "new_password1": sometimes_missing(st.one_of(st.just("Yeni-parola-2025!"), ANY_TEXT, garbage())),
            "new_password2": sometimes_missing(st.one_of(st.just("Yeni-parola-2025!"), ANY_TEXT, garbage())),
        }
        password = self.staff.password

        def password_kept_unless_changed(response, data):
            self.staff.refresh_from_db()
            if response.status_code != 302:
                assert self.staff.password == password

        valid = {"old_password": PASSWORD, "new_password1": "Yeni-parola-2025!", "new_password2": "Yeni-parola-2025!"}
        self.run_examples(
            reverse("password_change"),
            submissions(valid, fields),
            saved=(),  # the password lives in auth_user, not in a Köprü table: checked above instead
            check=password_kept_unless_changed,
            reaches=(302, 200),
        )

    # -- the public page's proposals

    def test_publication_proposal_survives_1000_generated_submissions(self):
        from public.models import Publication
        from tests.factories import ProtocolPartyFactory

        for organization in (self.own, self.other):  # staff may propose only as a party's member
            ProtocolPartyFactory(protocol=self.article.protocol, organization=organization)
        published = EventFactory(organizers=[self.other])
        Publication.objects.create(event=published, status="published", published_at=timezone.now())
        values = [f"project:{self.project.pk}", f"event:{self.event.pk}", f"event:{published.pk}", "project:0"]
        values += [f"project:{2**63}", "project:-1", "project:١", "user:1", "project:", ":"]
        valid = {"record": f"project:{self.project.pk}"}
        # One field only: the valid choice is drawn as often as the rest, so saves are reached too.
        fields = {"record": sometimes_missing(st.one_of(st.just(valid["record"]), st.sampled_from(values), garbage()))}
        self.run_examples(reverse("public:publication_propose"), submissions(valid, fields))

    # -- the second key on a joint milestone: the other side confirms or disputes

    def milestone_answer_examples(self, action):
        from django.contrib.messages import ERROR

        from projects.models import Milestone
        from projects.services import milestone_complete

        other_staff = UserFactory(username=f"fuzz.other.{action}")
        MembershipFactory(user=other_staff, organization=self.other)
        milestone = MilestoneFactory(project=self.project)
        milestone_complete(milestone=milestone, completed_on=date(2025, 2, 1), by=self.staff)
        client = Client()
        client.force_login(other_staff)
        name = f"milestone-{milestone.pk}-comment"
        fields = {name: sometimes_missing(st.one_of(st.just("Sahada gördük."), garbage()))}

        def check(response, data):
            # The answer is always the project's page; an error message there means nothing was saved.
            if response.status_code != 302:
                return
            # The request's own message is the last: the client follows no redirect, so earlier ones wait.
            refused = list(response.wsgi_request._messages)[-1].level == ERROR
            state = Milestone.objects.values_list("confirmation_state", flat=True).get(pk=milestone.pk)
            assert (state == "awaiting") == refused, (state, refused)

        url = reverse(f"projects:milestone_{action}", args=[milestone.pk])
        strategy = submissions({name: "Sahada gördük."}, fields)
        self.run_examples(url, strategy, client=client, check=check, reaches=("saved",))

    def test_milestone_confirmation_survives_1000_generated_submissions(self):
        self.milestone_answer_examples("confirm")

    def test_milestone_dispute_survives_1000_generated_submissions(self):
        self.milestone_answer_examples("dispute")

    # -- the recipient confirms a transfer

    def test_transfer_confirmation_survives_1000_generated_submissions(self):
        from django.contrib.messages import ERROR

        from transfers.forms import KnowHowTransferConfirmForm

        recipient_staff = UserFactory(username="fuzz.recipient")
        MembershipFactory(user=recipient_staff, organization=self.other)
        client = Client()
        client.force_login(recipient_staff)
        fields = form_values(KnowHowTransferConfirmForm())
        valid = {"confirmed_hours": "6.5", "confirmed_participants": "4", "recipient_rating": "5"}
        url = reverse("transfers:knowhowtransfer_confirm", args=[self.transfer.pk])

        def check(response, data):
            # The answer is always the transfer's page; an error message there means nothing was saved.
            if response.status_code != 302:
                return
            # The request's own message is the last: the client follows no redirect, so earlier ones wait.
            refused = list(response.wsgi_request._messages)[-1].level == ERROR
            confirmed = KnowHowTransfer.objects.filter(pk=self.transfer.pk, confirmed_at__isnull=False).exists()
            assert confirmed != refused, (confirmed, refused)

        self.run_examples(url, submissions(valid, fields), client=client, check=check, reaches=("saved",))

    # -- personal API tokens

    def test_api_tokens_survive_1000_generated_submissions(self):
        from api.forms import ApiTokenForm

        fields = form_values(ApiTokenForm(user=self.staff))
        fields["revoke"] = sometimes_missing(st.one_of(st.just("1"), garbage()))
        valid = {"name": "BI", "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat()}
        self.run_examples(reverse("api_tokens:apitoken_list"), submissions(valid, fields))

    # -- webhook endpoints (managers)

    def test_webhook_endpoints_survive_1000_generated_submissions(self):
        import socket

        from webhooks.forms import WebhookEndpointForm
        from webhooks.models import WebhookEndpoint

        manager = UserFactory(username="fuzz.manager")
        manager.groups.add(Group.objects.get(name=MANAGERS_GROUP))
        client = Client()
        client.force_login(manager)
        endpoint = WebhookEndpoint.objects.create(
            owner=manager, url="https://hooks.example.org/a", events=["event.created"]
        )

        def resolve(host, port, *args, **kwargs):
            # No real DNS in a fuzz run: every host is a public address, except one that is internal.
            address = "10.0.0.7" if host.startswith("internal") else "93.184.216.34"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        fields = form_values(WebhookEndpointForm(instance=endpoint, user=manager))
        refused_urls = st.sampled_from(["https://internal.example.org/", "http://hooks.example.org/"])
        fields["url"] = sometimes_missing(st.one_of(URL_TEXT, refused_urls, garbage()))
        valid = {"url": "https://hooks.example.org/kopru", "description": "BI", "events": ["project.created"]}
        with mock.patch("webhooks.targets.socket.getaddrinfo", resolve):
            self.run_examples(reverse("webhooks:webhookendpoint_create"), submissions(valid, fields), client=client)
            self.run_examples(
                reverse("webhooks:webhookendpoint_update", args=[endpoint.pk]),
                submissions({**valid, "active": "on"}, fields),
                client=client,
            )

    # -- notification preferences

    def test_notification_preferences_survive_1000_generated_submissions(self):
        from notifications.choices import Delivery, NotificationKind
        from notifications.forms import NotificationPreferenceForm

        fields = form_values(NotificationPreferenceForm(user=self.staff))
        fields["lead_days"] = field_values(IntegerField(), ["1", "7", "60", "0", "61", "-1", "1e3"])
        valid = {"language": "en", "lead_days": "7", **dict.fromkeys(NotificationKind.values, Delivery.BOTH)}
        self.run_examples(reverse("notifications:preference_update"), submissions(valid, fields))

    def test_organization_notification_defaults_survive_1000_generated_submissions(self):
        from notifications.choices import Delivery, NotificationKind
        from notifications.forms import NotificationPreferenceForm

        manager = UserFactory(username="fuzz.defaults.manager")
        manager.groups.add(Group.objects.get(name=MANAGERS_GROUP))
        client = Client()
        client.force_login(manager)
        fields = form_values(NotificationPreferenceForm(user=manager))
        fields["lead_days"] = field_values(IntegerField(), ["1", "7", "60", "0", "61", "-1", "1e3"])
        fields["digest_day"] = field_values(IntegerField(), ["1", "7", "0", "8", "-1"])
        valid = {
            "language": "tr",
            "lead_days": "7",
            "digest": "on",
            "digest_day": "1",
            **dict.fromkeys(NotificationKind.values, Delivery.BOTH),
        }
        url = reverse("notifications:organization_defaults", args=[self.own.pk])
        self.run_examples(url, submissions(valid, fields), client=client)


# --- every POST endpoint is fuzzed here, or named with where it is tested ---------------------------

FUZZED = {
    "projects:project_create",
    "projects:project_update",
    "projects:progressupdate_create",
    "projects:milestone_complete",
    "events:event_create",
    "events:event_update",
    "transfers:knowhowtransfer_create",
    "transfers:knowhowtransfer_update",
    "events:calendar_subscription",
    "api_tokens:apitoken_list",
    "set_language",
    "login",
    "password_change",
    "public:publication_propose",
    "webhooks:webhookendpoint_create",
    "webhooks:webhookendpoint_update",
    "projects:milestone_confirm",
    "projects:milestone_dispute",
    "transfers:knowhowtransfer_confirm",
    "notifications:preference_update",
    "notifications:organization_defaults",
}
NOT_FUZZED_HERE = {
    "logout": "takes no input",
    "dashboard:baseline_close": "a year and quarter, the report's period form: tests/dashboard/test_baselines.py",
    "dashboard:baseline_reopen": "the period and a reason: tests/dashboard/test_baselines.py",
    "attachments:attachment_create": "file uploads: tests/partnership/test_attachments.py",
    "attachments:attachment_delete": "takes no input",
    "jobs:job_export": "two hidden fields, a list's path and a format: tests/core/test_jobs.py",
    "projects:project_import": "spreadsheet uploads: tests/projects/test_imports.py",
    "projects:milestone_import": "spreadsheet uploads: tests/projects/test_imports.py",
    "events:event_import": "spreadsheet uploads: the import tests",
    "transfers:knowhowtransfer_import": "spreadsheet uploads: the import tests",
    "api:project-list": "JSON bodies: tests/api/test_bad_input.py",
    "api:project-detail": "JSON bodies: tests/api/test_bad_input.py",
    "api:progressupdate-list": "JSON bodies: tests/api/test_bad_input.py",
    "api:event-list": "JSON bodies: tests/api/test_bad_input.py",
    "api:event-detail": "JSON bodies: tests/api/test_bad_input.py",
    "api:knowhowtransfer-list": "JSON bodies: tests/api/test_bad_input.py",
    "api:knowhowtransfer-detail": "JSON bodies: tests/api/test_bad_input.py",
    "api:productadoption-list": "JSON bodies: tests/api/test_bad_input.py",
    "api:productadoption-detail": "JSON bodies: tests/api/test_bad_input.py",
    "notifications:notification_read": "takes only a safe `next`: tests/notifications/test_views.py",
    "notifications:notification_read_all": "takes no input",
    "notifications:unsubscribe": "takes only its signed token, in the path: tests/notifications/test_unsubscribe.py",
    "public:publication_agree": "takes no input",
    "public:publication_unpublish": "takes no input",
    "webhooks:webhookendpoint_deactivate": "takes no input",
}
GET_ONLY = {
    "dashboard:home",
    "dashboard:dashboard",
    "dashboard:report",
    "dashboard:report_xlsx",
    "dashboard:baseline_changes",
    "partnership:protocol_detail",
    "partnership:protocol_documents",
    "projects:project_list",
    "projects:milestone_list",
    "projects:project_detail",
    "projects:project_related",
    "projects:project_import_template",
    "projects:milestone_import_template",
    "events:event_list",
    "events:event_detail",
    "events:event_calendar",
    "events:event_import_template",
    "transfers:knowhowtransfer_list",
    "transfers:knowhowtransfer_detail",
    "transfers:knowhowtransfer_import_template",
    "attachments:attachment_download",
    "jobs:job_detail",
    "jobs:job_status",
    "jobs:job_download",
    "password_change_done",
    "health",
    "api:organization-list",
    "api:organization-detail",
    "api:protocol-list",
    "api:protocol-detail",
    "api:article-list",
    "api:article-detail",
    "api:product-list",
    "api:product-detail",
    "api:milestone-list",
    "api:milestone-detail",
    "api:progressupdate-detail",
    "api:dashboard",
    "api:schema",
    "api:docs",
    "public:index",
    "public:project_detail",
    "public:event_detail",
    "public:data",
    "public:dataset_csv",
    "public:dataset_json",
    "public:catalog",
    "public:feed",
    "public:robots_txt",
    "public:sitemap",
    "public:publication_manage",
    "webhooks:webhookendpoint_list",
    "webhooks:webhookendpoint_detail",
    "notifications:notification_list",
}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own admin, exercised by tests/test_audit_trail.py
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


@pytest.mark.django_db
def test_every_url_is_fuzzed_or_named_as_get_only_or_tested_elsewhere():
    unknown = set(url_names()) - FUZZED - GET_ONLY - set(NOT_FUZZED_HERE)
    assert unknown == set(), "a new URL: fuzz its POST here, or say why not"


# --- the server errors found by the fuzzing above, pinned -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["articles", "projects", "organizers"])
def test_an_id_beyond_the_databases_integer_range_is_a_form_error(client, izmir_staff, field):
    # Was a 500 on SQLite: Django's ModelMultipleChoiceField queried `pk__in` with 2**63.
    client.force_login(izmir_staff)
    response = client.post(reverse("events:event_create"), {field: str(2**63)})
    assert response.status_code == 200
    assert field in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "0001-01-01T01:55"])
def test_a_moment_before_year_one_in_utc_is_a_form_error(client, izmir_staff, izmir_teknoloji, moment):
    # Was a 500: 0001-01-01 00:00 in Istanbul (then UTC+1:56) is in year 0 in UTC, which Python cannot hold.
    client.force_login(izmir_staff)
    data = {"kind": "workshop", "title": "Eski", "starts_at": moment, "ends_at": moment, "city": "İzmir"}
    response = client.post(reverse("events:event_create"), {**data, "organizers": [izmir_teknoloji.pk]})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"starts_at", "ends_at"}


@pytest.mark.django_db
def test_a_body_over_djangos_size_limit_is_refused_with_400(client, izmir_staff):
    client.force_login(izmir_staff)
    client.raise_request_exception = False
    response = client.post(reverse("events:event_create"), {"title": "ş" * 2_000_000})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_username_longer_than_any_user_can_have_is_a_form_error(client):
    # Was a 500 on PostgreSQL: django-axes stored the failed attempt's 1,001-character name in a varchar(255).
    response = client.post(reverse("login"), {"username": "ş" * 1001, "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "0001-01-01T01:55"])
def test_the_admin_answers_a_moment_before_year_one_in_utc_with_a_form_error(client, administrator, moment):
    # Was a 500 in the admin, which has its own date-and-time field.
    day, time = moment.split("T")
    client.force_login(administrator)
    data = {"kind": "workshop", "title": "Eski", "city": "İzmir", "planned_participants": 0}
    for field in ("starts_at", "ends_at"):
        data |= {f"{field}_0": day, f"{field}_1": time}
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) >= {"starts_at", "ends_at"}
