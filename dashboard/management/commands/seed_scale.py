"""Generate ten years of a busy partnership for the benchmark: large, realistic and marked "[Scale]".

Builds on the demo data (the protocol, the two parties, their articles and products),
loading it first when it is absent. Rows are written with `bulk_create` in batches inside
one transaction, so everything `save()` would do is done here by hand:

- `search_text` is filled with `refresh_search_text()`;
- `created_at`/`updated_at` are spread over the years instead of "now";
- each project's percent, health and last update date are those of its latest generated
  progress update, and each month's latest update is flagged (what
  `projects.services.project_refresh_progress` keeps true);
- a milestone is never completed before its project starts (the database trigger checks);
- projects, events and transfers get their "created" history record;
- the bench login gets notifications to page through (BENCH_NOTIFICATIONS times `--factor`), and
  a random share of the projects and events is published on /public/ with both parties'
  consent (`--published`, through `seed_public --scale-share`, by name: the public app sits
  beside this one).

The same `--seed` on the same day gives the same data.
"""

import io
import os
import random
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import models, transaction
from django.utils import timezone

from core.roles import MANAGERS_GROUP, STAFF_GROUP
from dashboard.management.commands.seed_demo import ISBAK, IZT, at
from events.choices import EventKind
from events.models import Event
from notifications.choices import NotificationKind
from notifications.models import Notification
from partnership.choices import ProtocolStatus
from partnership.models import Membership, Organization, Protocol, TechnologyProduct
from projects.choices import Health, PartnerRole, ProjectStatus
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from transfers.choices import TransferKind
from transfers.models import KnowHowTransfer, ProductAdoption

SCALE_TAG = "[Scale]"
SCALE_NOTE = f"{SCALE_TAG} Ölçek testi için üretilmiş kayıt; gerçek programı yansıtmaz."
CODE_PREFIX = "SC-"
BENCH_USERNAME = "bench.manager"
USER_PREFIX = "scale.user"
BENCH_NOTIFICATIONS = 300  # times --factor
NOTIFICATION_KEY_PREFIX = "scale:overdue:"
PUBLISHED_SHARE = 0.1

DEFAULT_SIZES = {
    "projects": 10_000,
    "milestones": 40_000,
    "updates": 100_000,
    "events": 5_000,
    "transfers": 20_000,
    "users": 200,
}

# --- vocabulary -----------------------------------------------------------------------------------

PLACES = [
    "Bornova",
    "Karşıyaka",
    "Konak",
    "Buca",
    "Bayraklı",
    "Çiğli",
    "Gaziemir",
    "Urla",
    "Kadıköy",
    "Beşiktaş",
    "Üsküdar",
    "Şişli",
    "Bakırköy",
    "Ataşehir",
    "Sarıyer",
    "Esenler",
]
TOPICS = [
    "adaptif sinyal kontrolü",
    "kavşak kontrol cihazı",
    "trafik yönetim merkezi",
    "toplu taşıma araç içi sistemleri",
    "akıllı durak ekranları",
    "kent veri platformu",
    "yapay zekâ ile talep tahmini",
    "akıllı şehir sensör ağı",
    "akıllı otopark yönetimi",
    "bisiklet sayım sensörleri",
    "akıllı aydınlatma",
    "hava kalitesi izleme",
    "afet erken uyarı sistemi",
    "açık veri portalı",
    "kent dijital ikizi",
    "su şebekesi izleme",
    "elektrikli otobüs şarj yönetimi",
    "yaya geçidi güvenliği",
    "akıllı kart entegrasyonu",
    "siber güvenlik altyapısı",
]
ACTIONS = [
    "pilotu",
    "saha testi",
    "entegrasyonu",
    "yaygınlaştırılması",
    "fizibilite çalışması",
    "iyileştirme projesi",
    "ortak standardı",
    "veri analizi",
]
SENTENCES = [
    "İki kurumun ekipleri ortak bir çalışma planı üzerinde anlaştı.",
    "Saha verileri haftalık olarak kent veri platformuna aktarılıyor.",
    "Pilot bölgede ölçümler önceki dönemle karşılaştırılarak raporlanıyor.",
    "Belediyenin ilgili birimleriyle koordinasyon toplantıları düzenli yapılıyor.",
    "Yazılım bileşenleri açık standartlara uygun olarak geliştiriliyor.",
    "Kullanıcı geri bildirimleri bir sonraki sürümün önceliklerini belirliyor.",
    "Donanım tedariki ve kurulum takvimi ortak ekipçe izleniyor.",
    "Sonuçlar yönlendirme kuruluna dönemsel olarak sunuluyor.",
]
MILESTONE_TITLES = [
    "İhtiyaç analizi raporu",
    "Teknik şartname",
    "Pilot kurulum",
    "Entegrasyon testleri",
    "Saha testleri",
    "Kullanıcı eğitimi",
    "Ara değerlendirme raporu",
    "Kapanış raporu",
]
DONE = [
    "Saha ölçümleri tamamlandı.",
    "Yazılım sürümü test ortamına alındı.",
    "Paydaş toplantısı yapıldı ve kararlar kayda geçti.",
    "Donanım kurulumu bitirildi.",
    "Veri aktarımı doğrulandı.",
    "Ara rapor hazırlanıp paylaşıldı.",
]
NEXT = ["Pilot bölgenin genişletilmesi.", "Kullanıcı eğitimlerinin planlanması.", "Test sonuçlarının raporlanması."]
BLOCKERS = ["Veri erişim izinleri bekleniyor.", "Donanım tedarikinde gecikme var.", "Kurum içi onay süreci uzadı."]
FIRST_NAMES = ["Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Ahmet", "Fatma", "Emre", "Selin", "Burak", "Deniz"]
LAST_NAMES = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan", "Koç"]
VENUES = {
    "İzmir": ["İzmir Teknoloji ofisi", "Kültürpark", "Fuar İzmir", "İzmir Teknoloji eğitim salonu"],
    "İstanbul": ["İSBAK Genel Müdürlüğü", "İSBAK Ar-Ge Merkezi", "Trafik Yönetim Merkezi", "Haliç Kongre Merkezi"],
    "Ankara": ["ATO Congresium"],
}
EVENT_TITLES = {
    EventKind.WORKSHOP: "Ortak çalıştay",
    EventKind.CONFERENCE: "Konferans",
    EventKind.FAIR: "Fuar katılımı",
    EventKind.TRAINING: "Eğitim",
    EventKind.HACKATHON: "Hackathon",
    EventKind.STEERING_MEETING: "Yönlendirme kurulu toplantısı",
    EventKind.VISIT: "Teknik ziyaret",
    EventKind.OTHER: "Etkinlik",
}
EVENT_KIND_WEIGHTS = [30, 10, 5, 20, 5, 15, 12, 3]
TRANSFER_TITLES = {
    TransferKind.TRAINING: "eğitimi",
    TransferKind.DOCUMENTATION: "teknik dokümantasyonu",
    TransferKind.SECONDMENT: "uzman görevlendirmesi",
    TransferKind.STUDY_VISIT: "çalışma ziyareti",
    TransferKind.PRODUCT_SHARING: "yazılım paylaşımı",
    TransferKind.CONSULTANCY: "danışmanlığı",
    TransferKind.JOINT_RND: "ortak Ar-Ge çalışması",
}
TRANSFER_KIND_WEIGHTS = [30, 20, 8, 10, 10, 15, 7]

# Health of a project's latest report, by status: on track, at risk, off track.
HEALTH_BY_STATUS = {
    ProjectStatus.PROPOSED: (90, 10, 0),
    ProjectStatus.PLANNED: (90, 10, 0),
    ProjectStatus.ACTIVE: (60, 25, 15),
    ProjectStatus.ON_HOLD: (30, 40, 30),
    ProjectStatus.COMPLETED: (85, 12, 3),
    ProjectStatus.CANCELLED: (20, 30, 50),
}
HEALTHS = [Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK]
STARTED = {ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}
# Share of past-due milestones that are completed, by status.
MILESTONE_DONE_RATE = {
    ProjectStatus.ACTIVE: 0.88,
    ProjectStatus.ON_HOLD: 0.6,
    ProjectStatus.COMPLETED: 1.0,
    ProjectStatus.CANCELLED: 0.5,
}


def allocate(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split `total` into whole numbers proportional to `weights` that add up to `total` exactly."""
    if not weights:
        return []
    whole = sum(weights)
    counts = [int(total * weight / whole) for weight in weights]
    for index in rng.sample(range(len(weights)), total - sum(counts)):
        counts[index] += 1
    return counts


@contextmanager
def fixed_timestamps(*model_classes):
    """Let bulk_create write the given created_at/updated_at values instead of "now".

    `auto_now`/`auto_now_add` fields overwrite whatever the instance holds in pre_save;
    ten years of records must not all be created this afternoon.
    """
    saved = []
    for model in model_classes:
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.DateField) and (model_field.auto_now or model_field.auto_now_add):
                saved.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def plain(text: str) -> str:
    return text


class Progress:
    """A small progress bar on stderr: redrawn in place on a terminal, one line per batch otherwise."""

    width = 24

    def __init__(self, stream: OutputWrapper, label: str, total: int, started: float):
        self.stream, self.label, self.total, self.started = stream, label, total, started
        self.done = 0
        self.tty = stream.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        share = self.done / self.total if self.total else 1
        filled = int(self.width * share)
        line = (
            f"  {self.label:<20} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done:>9,}/{self.total:,} {share:>4.0%}  {time.monotonic() - self.started:6.1f}s"
        )
        if self.tty:
            self.stream.write("\r" + line, style_func=plain, ending="\n" if self.done >= self.total else "")
        else:
            self.stream.write(line, style_func=plain)
        self.stream.flush()


@dataclass
class ProjectPlan:
    """A project before it is saved, with what will hang off it."""

    project: Project
    lead: Organization
    milestones: int = 0
    updates: int = 0
    first_report: date | None = None
    last_report: date | None = None
    final_percent: int = 0
    final_health: str = Health.ON_TRACK
    articles: list[int] = field(default_factory=list)
    products: list[int] = field(default_factory=list)
    advisor: Organization | None = None


def sizes_from(options: dict) -> dict[str, int]:
    """Each size as given on the command line, else its default times `--factor`."""
    factor = options.get("factor") or 1
    return {
        name: options[name] if options.get(name) is not None else default * factor
        for name, default in DEFAULT_SIZES.items()
    }


class Command(BaseCommand):
    help = "Generate a large, realistic data set marked [Scale] for the benchmark (on top of the demo data)."

    def add_arguments(self, parser):
        for name, default in DEFAULT_SIZES.items():
            parser.add_argument(f"--{name}", type=int, help=f"How many {name} (default {default:,} times --factor).")
        parser.add_argument("--factor", type=int, default=1, help="Multiply every default size (10: ten times).")
        parser.add_argument("--years", type=int, default=10, help="Years of history, ending about today.")
        parser.add_argument("--seed", type=int, default=2024, help="Seed of the random generator.")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--replace", action="store_true", help="Delete earlier [Scale] data first.")
        parser.add_argument(
            "--published",
            type=float,
            default=PUBLISHED_SHARE,
            help=f"Share of the projects and events published on /public/ (default {PUBLISHED_SHARE}).",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, replace=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Run with --force to load scale data anyway.")
        if options["factor"] < 1:
            raise CommandError("--factor must be at least 1.")
        sizes = sizes_from(options)
        if any(value < 0 for value in sizes.values()) or options["years"] < 1 or options["batch_size"] < 1:
            raise CommandError("Sizes must not be negative; --years and --batch-size must be at least 1.")
        if sizes["projects"] == 0 and (sizes["milestones"] or sizes["updates"]):
            raise CommandError("Milestones and progress updates need at least one project.")
        self.seed = options["seed"]
        self.batch_size = options["batch_size"]
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.first_day = self.today - timedelta(days=round(365.25 * options["years"]))
        self.started = time.monotonic()
        self.timings: dict[str, float] = {}

        if replace:
            with transaction.atomic():
                self.step("delete earlier [Scale] data", self.delete_scale_data)
        elif Project.objects.filter(code__startswith=CODE_PREFIX).exists():
            raise CommandError("Scale data is already loaded. Use --replace to generate it again.")
        self.step("demo data (protocol, parties)", lambda: self.load_base(force=True))
        with transaction.atomic(), fixed_timestamps(Project, ProgressUpdate, Event, KnowHowTransfer, Notification):
            self.step("users", lambda: self.seed_users(sizes["users"]))
            self.step("projects", lambda: self.seed_projects(sizes["projects"], sizes["milestones"], sizes["updates"]))
            self.step("milestones", lambda: self.seed_milestones(sizes["milestones"]))
            self.step("progress updates", lambda: self.seed_updates(sizes["updates"]))
            self.step("events", lambda: self.seed_events(sizes["events"]))
            self.step("know-how transfers", lambda: self.seed_transfers(sizes["transfers"]))
            self.step("notifications", lambda: self.seed_notifications(BENCH_NOTIFICATIONS * options["factor"]))
            self.step("publications", lambda: self.publish(options["published"]))
        total = time.monotonic() - self.started
        self.timings["total"] = total
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready in {total:.1f} s: "
                + ", ".join(f"{value:,} {name}" for name, value in sizes.items())
                + f" (seed {options['seed']})."
            )
        )
        for label, seconds in self.timings.items():
            self.stdout.write(f"  {label:<32} {seconds:6.1f} s")
        if sizes["users"]:
            password = "$BENCH_PASSWORD" if "BENCH_PASSWORD" in os.environ else "kopru-bench"
            self.stdout.write(f"Bench login: {BENCH_USERNAME} / {password}")

    def step(self, label: str, work) -> None:
        # A generator per step: reusing the users of an earlier run must not shift everything after.
        self.rng = random.Random(f"{self.seed}/{label}")
        started = time.monotonic()
        work()
        self.timings[label] = time.monotonic() - started

    # --- writing ---------------------------------------------------------------------------------

    def insert(self, model, rows: Iterable, total: int, label: str, keep: bool = False) -> list:
        """bulk_create `rows` in batches with a progress bar; return the saved objects when `keep`."""
        progress = Progress(self.stderr, label, total, self.started)
        kept, batch = [], []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.batch_size:
                model.objects.bulk_create(batch)
                progress.advance(len(batch))
                if keep:
                    kept.extend(batch)
                batch = []
        if batch or total == 0:
            model.objects.bulk_create(batch)
            progress.advance(len(batch))
            if keep:
                kept.extend(batch)
        return kept

    def insert_links(self, through, rows: list, label: str) -> None:
        self.insert(through, rows, len(rows), label)

    def insert_history(self, model, objects: list, label: str) -> None:
        """One "created" history record per object, dated like the object (bulk_create writes none)."""
        history = model.history.model
        progress = Progress(self.stderr, label, len(objects), self.started)
        for start in range(0, len(objects), self.batch_size):
            chunk = objects[start : start + self.batch_size]
            history.objects.bulk_create(
                [
                    history(
                        history_date=obj.created_at,
                        history_user_id=getattr(obj, "owner_id", None),
                        history_type="+",
                        history_change_reason="",
                        **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields},
                    )
                    for obj in chunk
                ]
            )
            progress.advance(len(chunk))

    # --- the base: demo data, parties, users ---------------------------------------------------

    def load_base(self, force: bool) -> None:
        parties = Organization.objects.filter(short_name__in=[IZT, ISBAK])
        if parties.count() < 2 or not Protocol.objects.exists() or not TechnologyProduct.objects.exists():
            # Its list of demo logins would only clutter this command's output.
            call_command("seed_demo", force=force, stdout=io.StringIO(), verbosity=0)
            self.stdout.write("Loaded the demo data first (seed_demo).")
        self.orgs = {org.short_name: org for org in Organization.objects.filter(short_name__in=[IZT, ISBAK])}
        if len(self.orgs) < 2:
            raise CommandError(f"Need the organizations {IZT!r} and {ISBAK!r} (seed_demo creates them).")
        self.parties = [self.orgs[IZT], self.orgs[ISBAK]]
        self.other = {self.orgs[IZT].pk: self.orgs[ISBAK], self.orgs[ISBAK].pk: self.orgs[IZT]}
        protocol = (
            Protocol.objects.filter(status=ProtocolStatus.IN_FORCE).order_by("-signed_on").first()
            or Protocol.objects.order_by("-signed_on").first()
        )
        self.articles = list(protocol.articles.order_by("number").values_list("pk", flat=True))
        if not self.articles:
            raise CommandError("The protocol has no articles to link work to.")
        self.products = {org.pk: [] for org in self.parties}
        for product_id, organization_id in TechnologyProduct.objects.order_by("pk").values_list(
            "pk", "organization_id"
        ):
            self.products.setdefault(organization_id, []).append(product_id)

    def seed_users(self, count: int) -> None:
        """`count` users over both parties, about one in ten a manager; the first is the bench login."""
        User = get_user_model()
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in (STAFF_GROUP, MANAGERS_GROUP)}
        usernames = [BENCH_USERNAME, *(f"{USER_PREFIX}{n:04d}" for n in range(1, count))][:count]
        existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        rng = self.rng
        new_users = []
        for index, username in enumerate(usernames):
            if username in existing:
                continue
            user = User(
                username=username,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{username}@scale.invalid",
                # Generated people never sign in; hashing 200 real passwords would take minutes.
                password=make_password(None),
                date_joined=at(self.first_day + timedelta(days=rng.randrange(365)), 9),
            )
            user._scale_index = index
            new_users.append(user)
        User.objects.bulk_create(new_users)
        bench = User.objects.filter(username=BENCH_USERNAME).first()
        if bench is not None:
            bench.set_password(os.environ.get("BENCH_PASSWORD", "kopru-bench"))
            bench.first_name, bench.last_name = "Bench", "Manager"
            bench.save(update_fields=["password", "first_name", "last_name"])
        memberships, group_links = [], []
        for user in new_users:
            index = user._scale_index
            organization = self.parties[index % 2]
            memberships.append(Membership(user=user, organization=organization, job_title=SCALE_TAG))
            group = MANAGERS_GROUP if index % 10 == 0 else STAFF_GROUP
            group_links.append(User.groups.through(user_id=user.pk, group_id=groups[group].pk))
        Membership.objects.bulk_create(memberships)
        User.groups.through.objects.bulk_create(group_links)
        self.users_by_org = {org.pk: [] for org in self.parties}
        members = Membership.objects.filter(user__username__in=usernames).order_by("user_id")
        for user_id, organization_id in members.values_list("user_id", "organization_id"):
            self.users_by_org.setdefault(organization_id, []).append(user_id)
        for organization in self.parties:  # a party with no generated users borrows the other's
            if not self.users_by_org[organization.pk]:
                self.users_by_org[organization.pk] = [pk for pks in self.users_by_org.values() for pk in pks]
        Progress(self.stderr, "users", count, self.started).advance(count)

    def user_of(self, organization_id: int) -> int | None:
        users = self.users_by_org.get(organization_id)
        return self.rng.choice(users) if users else None

    # --- projects --------------------------------------------------------------------------------

    def seed_projects(self, count: int, milestone_total: int, update_total: int) -> None:
        rng, today = self.rng, self.today
        span = (today - self.first_day).days
        plans = []
        for number in range(1, count + 1):
            lead = rng.choice(self.parties)
            planned_start = self.first_day + timedelta(days=rng.randrange(span + 120))
            planned_end = planned_start + timedelta(days=rng.randint(60, 900))
            status = self.project_status(planned_start, planned_end)
            actual_start = actual_end = None
            if status in STARTED:
                actual_start = min(planned_start + timedelta(days=rng.randint(-5, 30)), today)
            if status == ProjectStatus.COMPLETED:
                actual_end = min(max(planned_end + timedelta(days=rng.randint(-30, 90)), actual_start), today)
            elif status == ProjectStatus.CANCELLED:
                latest = max(min(planned_end, today), actual_start)
                actual_end = actual_start + timedelta(days=rng.randint(0, (latest - actual_start).days))
            title = f"{rng.choice(PLACES)} {rng.choice(TOPICS)} {rng.choice(ACTIONS)}"
            title = title[0].upper() + title[1:]
            created_at = min(at(planned_start - timedelta(days=rng.randint(10, 90)), rng.randint(9, 17)), self.now)
            project = Project(
                code=f"{CODE_PREFIX}{number:06d}",
                title=title,
                description=" ".join([f"{title}.", *rng.sample(SENTENCES, rng.randint(2, 4)), SCALE_NOTE]),
                lead_organization=lead,
                owner_id=self.user_of(lead.pk),
                status=status,
                planned_start=planned_start,
                planned_end=planned_end,
                actual_start=actual_start,
                actual_end=actual_end,
                created_at=created_at,
                updated_at=created_at,
            )
            project.refresh_search_text()
            plan = ProjectPlan(project=project, lead=lead)
            plan.articles = rng.sample(self.articles, min(len(self.articles), rng.choice((1, 2, 2, 3))))
            candidates = self.products.get(lead.pk, []) + self.products.get(self.other[lead.pk].pk, [])
            plan.products = rng.sample(candidates, min(len(candidates), rng.choice((0, 1, 1, 2))))
            if rng.random() < 0.15 and lead.parent_id:
                plan.advisor = lead.parent
            plans.append(plan)

        milestone_counts = allocate(milestone_total, [self.duration(plan.project) for plan in plans], rng)
        update_counts = allocate(update_total, [self.update_weight(plan.project) for plan in plans], rng)
        for plan, milestones, updates in zip(plans, milestone_counts, update_counts, strict=True):
            plan.milestones, plan.updates = milestones, updates
            self.plan_progress(plan)

        self.insert(Project, (plan.project for plan in plans), count, "projects", keep=True)
        self.plans = plans
        self.insert_links(
            ProjectPartner,
            [partner for plan in plans for partner in self.partners(plan)],
            "project partners",
        )
        self.insert_links(
            Project.articles.through,
            [
                Project.articles.through(project_id=plan.project.pk, protocolarticle_id=article)
                for plan in plans
                for article in plan.articles
            ],
            "project articles",
        )
        self.insert_links(
            Project.products.through,
            [
                Project.products.through(project_id=plan.project.pk, technologyproduct_id=product)
                for plan in plans
                for product in plan.products
            ],
            "project products",
        )
        self.insert_history(Project, [plan.project for plan in plans], "project history")
        by_start = sorted(plans, key=lambda plan: plan.project.planned_start)
        self.project_starts = [plan.project.planned_start.toordinal() for plan in by_start]
        self.project_ids = [plan.project.pk for plan in by_start]

    def project_status(self, planned_start: date, planned_end: date) -> str:
        rng, today = self.rng, self.today
        if planned_start > today:
            return ProjectStatus.PROPOSED if rng.random() < 0.4 else ProjectStatus.PLANNED
        finished_a_month_ago = planned_end < today - timedelta(days=30)
        # proposed, planned, active, on hold, completed, cancelled
        weights = (0, 0, 7, 5, 78, 10) if finished_a_month_ago else (0, 5, 80, 8, 4, 3)
        return rng.choices(list(ProjectStatus), weights=weights)[0]

    @staticmethod
    def duration(project: Project) -> int:
        return (project.planned_end - project.planned_start).days

    def update_weight(self, project: Project) -> float:
        """Projects report about monthly while they run; a not-yet-started one has a planning note or two."""
        if project.actual_start is None:
            return 0.5
        return max((project.actual_end or self.today) - project.actual_start, timedelta(days=15)).days / 30

    def plan_progress(self, plan: ProjectPlan) -> None:
        """Fix the project's latest report now, so its percent/health/date equal what the updates will say."""
        rng, project, today = self.rng, plan.project, self.today
        health = rng.choices(HEALTHS, weights=HEALTH_BY_STATUS[project.status])[0]
        if project.actual_start is None:
            first, last = today - timedelta(days=120), today - timedelta(days=rng.randint(0, 60))
            final = rng.randint(0, 5)
        else:
            first = project.actual_start
            if project.actual_end is not None:
                last = project.actual_end
            else:  # still running: most report within the month, some went quiet
                last = today - timedelta(days=rng.randint(0, 25) if rng.random() < 0.8 else rng.randint(31, 150))
            last = max(last, first)
            elapsed = (last - first).days / max(self.duration(project), 1)
            if project.status == ProjectStatus.COMPLETED:
                final = 100
            elif project.status == ProjectStatus.CANCELLED:
                final = rng.randint(5, 70)
            else:
                final = max(5, min(95, int(elapsed * 100) + rng.randint(-15, 10)))
        plan.first_report, plan.last_report = min(first, last), last
        if plan.updates:
            project.percent_complete = final
            project.health = health
            project.last_update_on = last
            project.updated_at = max(project.created_at, at(last, 17, 30))
        plan.final_percent, plan.final_health = final, health

    def partners(self, plan: ProjectPlan) -> Iterable[ProjectPartner]:
        rng, project = self.rng, plan.project
        yield ProjectPartner(
            project_id=project.pk,
            organization=plan.lead,
            role=PartnerRole.LEAD,
            contribution=f"Proje yönetimi ve saha uygulaması. {SCALE_TAG}",
            effort_person_months=Decimal(rng.randint(20, 240)) / 10,
        )
        yield ProjectPartner(
            project_id=project.pk,
            organization=self.other[plan.lead.pk],
            role=PartnerRole.PARTNER,
            contribution=f"Teknik danışmanlık ve ürün uyarlaması. {SCALE_TAG}",
            effort_person_months=Decimal(rng.randint(5, 120)) / 10,
        )
        if plan.advisor is not None:
            yield ProjectPartner(
                project_id=project.pk,
                organization=plan.advisor,
                role=PartnerRole.ADVISOR,
                contribution=f"Belediye birimleriyle koordinasyon. {SCALE_TAG}",
            )

    def seed_milestones(self, total: int) -> None:
        self.insert(Milestone, self.milestones(), total, "milestones")

    def milestones(self) -> Iterable[Milestone]:
        rng, today = self.rng, self.today
        for plan in self.plans:
            project, count = plan.project, plan.milestones
            if not count:
                continue
            span = self.duration(project)
            start = project.actual_start or project.planned_start
            done_rate = MILESTONE_DONE_RATE.get(project.status, 0)
            for step in range(1, count + 1):
                due = project.planned_start + timedelta(days=span * step // count)
                title = MILESTONE_TITLES[(step - 1) * len(MILESTONE_TITLES) // count]
                completed = None
                finished = project.status == ProjectStatus.COMPLETED
                if project.actual_start is not None and (finished or due <= today) and rng.random() < done_rate:
                    latest = min(project.actual_end or today, today)
                    completed = min(max(due + timedelta(days=rng.randint(-10, 20)), start), latest)
                yield Milestone(
                    project_id=project.pk,
                    title=title if count <= len(MILESTONE_TITLES) else f"{title} ({step})",
                    due_on=due,
                    completed_on=completed,
                    deliverable=f"{title} (PDF) {SCALE_TAG}",
                )

    def seed_updates(self, total: int) -> None:
        self.insert(ProgressUpdate, self.updates(), total, "progress updates")
        ProgressUpdate.objects.filter(project__code__startswith=CODE_PREFIX).mark_latest_in_month()

    def updates(self) -> Iterable[ProgressUpdate]:
        rng = self.rng
        for plan in self.plans:
            project, count = plan.project, plan.updates
            span = (plan.last_report - plan.first_report).days
            for step in range(1, count + 1):
                latest = step == count
                day = plan.last_report if latest else plan.first_report + timedelta(days=span * step // count)
                percent = plan.final_percent if latest else min(plan.final_percent * step // count, 100)
                health = plan.final_health if latest else rng.choices(HEALTHS, weights=(75, 18, 7))[0]
                author = self.user_of(plan.lead.pk if rng.random() < 0.7 else self.other[plan.lead.pk].pk)
                created = at(day, rng.randint(9, 17), rng.randrange(60))
                yield ProgressUpdate(
                    project_id=project.pk,
                    reported_on=day,
                    percent_complete=percent,
                    health=health,
                    done=f"{rng.choice(DONE)} {SCALE_TAG}",
                    next_steps="" if latest and project.status == ProjectStatus.COMPLETED else rng.choice(NEXT),
                    blockers=rng.choice(BLOCKERS) if health != Health.ON_TRACK else "",
                    author_id=author,
                    created_at=created,
                )

    def project_near(self, day: date) -> int | None:
        """A project that was starting or running around `day`, if any."""
        ordinal = day.toordinal()
        low = bisect_left(self.project_starts, ordinal - 400)
        high = bisect_right(self.project_starts, ordinal + 30)
        if high > low:
            return self.project_ids[self.rng.randrange(low, high)]
        return None

    # --- events and transfers --------------------------------------------------------------------

    def seed_events(self, count: int) -> None:
        rng, today = self.rng, self.today
        span = (today - self.first_day).days + 180
        kinds = list(EVENT_TITLES)
        events, organizers, related, articles = [], [], [], []
        for _index in range(count):
            day = self.first_day + timedelta(days=rng.randrange(span))
            kind = rng.choices(kinds, weights=EVENT_KIND_WEIGHTS)[0]
            starts_at = at(day, rng.randint(9, 14))
            ends_at = starts_at + timedelta(days=rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0])
            ends_at += timedelta(hours=rng.randint(2, 8))
            roll = rng.random()
            city = "" if roll < 0.05 else "İzmir" if roll < 0.5 else "İstanbul" if roll < 0.95 else "Ankara"
            venue = rng.choice(VENUES[city]) if city else ""
            topic = rng.choice(TOPICS)
            planned = rng.randint(10, 300)
            past = ends_at < self.now
            created_at = min(starts_at - timedelta(days=rng.randint(7, 60)), self.now)
            event = Event(
                kind=kind,
                title=f"{EVENT_TITLES[kind]}: {topic[0].upper()}{topic[1:]}" + (f" ({venue})" if venue else ""),
                description=f"{topic.capitalize()} üzerine ortak etkinlik. {SCALE_NOTE}",
                starts_at=starts_at,
                ends_at=ends_at,
                city=city,
                venue=venue,
                is_online=not city,
                online_url="https://meet.example.invalid/kopru" if not city else "",
                planned_participants=planned,
                actual_participants=max(1, planned + rng.randint(-planned // 5, planned // 5)) if past else None,
                outcome=f"Katılımcılarla sonuçlar paylaşıldı. {SCALE_TAG}" if past else "",
                created_at=created_at,
                updated_at=max(ends_at, created_at) if past else created_at,
            )
            event.refresh_search_text()
            events.append(event)
            roll = rng.random()
            organizers.append(self.parties if roll < 0.4 else [self.parties[0] if roll < 0.7 else self.parties[1]])
            related.append([pk for pk in (self.project_near(day) for _ in range(rng.randint(0, 3))) if pk])
            articles.append(rng.sample(self.articles, min(len(self.articles), rng.randint(1, 2))))
        self.insert(Event, events, count, "events", keep=True)
        self.insert_links(
            Event.organizers.through,
            [
                Event.organizers.through(event_id=event.pk, organization_id=org.pk)
                for event, orgs in zip(events, organizers, strict=True)
                for org in orgs
            ],
            "event organizers",
        )
        self.insert_links(
            Event.projects.through,
            [
                Event.projects.through(event_id=event.pk, project_id=project_id)
                for event, project_ids in zip(events, related, strict=True)
                for project_id in set(project_ids)
            ],
            "event projects",
        )
        self.insert_links(
            Event.articles.through,
            [
                Event.articles.through(event_id=event.pk, protocolarticle_id=article)
                for event, numbers in zip(events, articles, strict=True)
                for article in numbers
            ],
            "event articles",
        )
        self.insert_history(Event, events, "event history")

    def seed_transfers(self, count: int) -> None:
        rng, today = self.rng, self.today
        span = (today - self.first_day).days
        kinds = list(TRANSFER_TITLES)
        transfers, articles = [], []
        for _index in range(count):
            provider = rng.choice(self.parties)
            recipient = self.other[provider.pk]
            started_on = self.first_day + timedelta(days=rng.randrange(span))
            kind = rng.choices(kinds, weights=TRANSFER_KIND_WEIGHTS)[0]
            hours = Decimal(rng.randint(20, 2000)) / 10
            ongoing = (today - started_on).days < 60 and rng.random() < 0.5
            ended_on = None if ongoing else min(started_on + timedelta(days=int(hours // 8) + 1), today)
            products = self.products.get(provider.pk) or []
            product = rng.choice(products) if products and rng.random() < 0.75 else None
            topic = rng.choice(TOPICS)
            created_at = min(at(started_on, 10) - timedelta(days=rng.randint(1, 30)), self.now)
            transfer = KnowHowTransfer(
                title=f"{topic[0].upper()}{topic[1:]} {TRANSFER_TITLES[kind]}",
                description=f"{provider} ekibinden {recipient} ekibine bilgi aktarımı. {SCALE_NOTE}",
                provider=provider,
                recipient=recipient,
                kind=kind,
                started_on=started_on,
                ended_on=ended_on,
                hours=hours,
                participants=rng.randint(1, 40),
                product_id=product,
                project_id=self.project_near(started_on) if rng.random() < 0.6 else None,
                outcome="" if ongoing else f"Katılımcılar uygulamalı olarak bilgilendirildi. {SCALE_TAG}",
                recipient_rating=None
                if ongoing or rng.random() < 0.15
                else rng.choices((1, 2, 3, 4, 5), (2, 5, 18, 45, 30))[0],
                created_at=created_at,
                updated_at=max(at(ended_on, 18), created_at) if ended_on else created_at,
            )
            transfer.refresh_search_text()
            transfers.append(transfer)
            article_count = min(len(self.articles), rng.randint(1, 2))
            articles.append(rng.sample(self.articles, article_count))
        self.insert(KnowHowTransfer, transfers, count, "know-how transfers", keep=True)
        self.insert_links(
            KnowHowTransfer.articles.through,
            [
                KnowHowTransfer.articles.through(knowhowtransfer_id=transfer.pk, protocolarticle_id=article)
                for transfer, numbers in zip(transfers, articles, strict=True)
                for article in numbers
            ],
            "transfer articles",
        )
        self.insert_history(KnowHowTransfer, transfers, "transfer history")

    # --- the bench login's notifications, and the public page ---------------------------------------

    def seed_notifications(self, count: int) -> None:
        """`count` reminders of overdue milestones for the bench login, as the reminder run writes
        them, the older two thirds read: its notification centre has pages to show."""
        bench = get_user_model().objects.filter(username=BENCH_USERNAME).first()
        if bench is None or not count:
            return
        overdue = Milestone.objects.filter(
            project__code__startswith=CODE_PREFIX, completed_on__isnull=True, due_on__lt=self.today
        ).select_related("project")
        milestones = list(overdue.order_by("-due_on", "pk")[:count])
        rows = []
        for index, milestone in enumerate(milestones):
            created = self.now - timedelta(hours=index * 7)
            rows.append(
                Notification(
                    recipient=bench,
                    kind=NotificationKind.MILESTONE_OVERDUE,
                    key=f"{NOTIFICATION_KEY_PREFIX}{milestone.pk}",
                    url=milestone.get_absolute_url(),
                    title_tr=f"{milestone.project.code}: “{milestone.title}” {milestone.due_on:%d.%m.%Y} tarihinde "
                    "gecikti",
                    title_en=f"{milestone.project.code}: “{milestone.title}” is overdue since {milestone.due_on}",
                    created_at=created,
                    read_at=created + timedelta(hours=2) if index >= len(milestones) // 3 else None,
                )
            )
        self.insert(Notification, rows, len(rows), "notifications")

    def publish(self, share: float) -> None:
        call_command("seed_public", scale_share=share, seed=self.seed, stdout=self.stdout, verbosity=1)

    # --- replacing -------------------------------------------------------------------------------

    def delete_scale_data(self) -> None:
        """Remove earlier [Scale] records (users stay and are reused).

        Deletes in SQL without loading rows: a model-level delete would send a signal per
        row, and simple-history would answer each with a "deleted" history record.
        """
        self.publish(0)
        notifications = Notification.objects.filter(key__startswith=NOTIFICATION_KEY_PREFIX)
        notifications._raw_delete(notifications.db)
        projects = Project.objects.filter(code__startswith=CODE_PREFIX)
        events = Event.objects.filter(description__contains=SCALE_TAG)
        transfers = KnowHowTransfer.objects.filter(description__contains=SCALE_TAG)
        ProductAdoption.objects.filter(transfer__in=transfers).update(transfer=None)
        ProductAdoption.objects.filter(project__in=projects).update(project=None)
        KnowHowTransfer.objects.filter(project__in=projects).exclude(pk__in=transfers).update(project=None)
        doomed = [
            KnowHowTransfer.articles.through.objects.filter(knowhowtransfer__in=transfers),
            transfers,
            Event.projects.through.objects.filter(models.Q(event__in=events) | models.Q(project__in=projects)),
            Event.organizers.through.objects.filter(event__in=events),
            Event.articles.through.objects.filter(event__in=events),
            events,
            Milestone.objects.filter(project__in=projects),
            ProgressUpdate.objects.filter(project__in=projects),
            ProjectPartner.objects.filter(project__in=projects),
            Project.articles.through.objects.filter(project__in=projects),
            Project.products.through.objects.filter(project__in=projects),
            projects,
            Project.history.filter(code__startswith=CODE_PREFIX),
            Event.history.filter(description__contains=SCALE_TAG),
            KnowHowTransfer.history.filter(description__contains=SCALE_TAG),
        ]
        for queryset in doomed:
            queryset._raw_delete(queryset.db)
