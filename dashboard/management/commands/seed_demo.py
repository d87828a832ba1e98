"""Load Köprü's demo data: the real protocol of August 2024 plus invented, clearly marked work.

Idempotent: records are found by their natural keys and created only when
missing, never updated, so a second run changes nothing. Dates of the invented
records are set relative to the day of the first run, so a fresh install always
has current, overdue and upcoming work to show.
"""

import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.roles import MANAGERS_GROUP, STAFF_GROUP
from dashboard.models import PeriodBaseline
from dashboard.queries import Period
from dashboard.services import baseline_close
from events.choices import EventKind
from events.models import Event
from partnership.choices import OrganizationKind, ProductCategory, ProtocolStatus
from partnership.models import Membership, Organization, Protocol, ProtocolArticle, ProtocolParty, TechnologyProduct
from projects.choices import Health, PartnerRole, ProjectStatus
from projects.models import Milestone, Project, ProjectPartner
from projects.services import milestone_complete, milestone_confirm, milestone_dispute, progress_update_record
from transfers.choices import AdoptionStatus, TransferKind
from transfers.models import KnowHowTransfer, ProductAdoption
from transfers.services import knowhowtransfer_confirm

ISTANBUL = ZoneInfo("Europe/Istanbul")
DEMO_NOTE = "[Demo] Bu kayıt örnek amaçlı uydurulmuştur; gerçek programı yansıtmaz."

IZT, ISBAK = "İzmir Teknoloji", "İSBAK"

ARTICLES = [
    (1, "Ortak etkinlikler", "Tarafların birlikte düzenleyeceği etkinlikler."),
    (2, "Ortak çalışma, araştırma ve projeler", "Ortak çalışmalar, araştırmalar ve projeler yürütülmesi."),
    (
        3,
        "Bilimsel, teknolojik, sosyal ve kültürel iş birliği",
        "Bilimsel, teknolojik, sosyal ve kültürel alanlarda somut ve sürdürülebilir bir zeminde iş birliği.",
    ),
    (
        4,
        "Know-how transferi ve ürünlerin yaygınlaştırılması",
        "Tarafların mevcut teknoloji ürünlerinin yaygınlaşması için karşılıklı know-how transferi.",
    ),
    (5, "Akıllı şehir teknolojileri", "Akıllı şehir teknolojileri alanında iş birliği."),
    (6, "Dijital altyapı", "Dijital altyapı alanında iş birliği."),
    (
        7,
        "Yapay zekâ ve veri mühendisliği",
        "İzmir Teknoloji'nin odak alanları olan yapay zekâ ve veri mühendisliğinde iş birliği.",
    ),
]

PRODUCTS = [
    (ISBAK, "Adaptif Trafik Sinyal Kontrol Sistemi", ProductCategory.SMART_TRANSPORTATION),
    (ISBAK, "Kavşak Kontrol Cihazı", ProductCategory.SMART_TRANSPORTATION),
    (ISBAK, "Trafik Yönetim Merkezi Yazılımı", ProductCategory.SMART_TRANSPORTATION),
    (ISBAK, "Toplu Taşıma Araç İçi Teknolojileri", ProductCategory.PUBLIC_TRANSPORT),
    (ISBAK, "Akıllı Şehir Platformu", ProductCategory.SMART_CITY_PLATFORM),
    (IZT, "Kent Veri Platformu", ProductCategory.DATA_ENGINEERING),
    (IZT, "Yapay Zekâ Destekli Talep Tahmini", ProductCategory.ARTIFICIAL_INTELLIGENCE),
    (IZT, "Akıllı Şehir Sensör Ağı", ProductCategory.SMART_CITY_PLATFORM),
]

# code, title, lead, status, health, start offset (days from today), length (days), articles, products
PROJECTS = [
    (
        "KPR-01",
        "İzmir'de adaptif sinyal kontrolü pilotu",
        ISBAK,
        ProjectStatus.ACTIVE,
        Health.ON_TRACK,
        -300,
        540,
        [2, 4, 5],
        ["Adaptif Trafik Sinyal Kontrol Sistemi"],
    ),
    (
        "KPR-02",
        "Ortak kent veri platformu",
        IZT,
        ProjectStatus.ACTIVE,
        Health.AT_RISK,
        -420,
        600,
        [2, 6, 7],
        ["Kent Veri Platformu"],
    ),
    (
        "KPR-03",
        "Yapay zekâ ile trafik talep tahmini",
        IZT,
        ProjectStatus.ACTIVE,
        Health.OFF_TRACK,
        -240,
        365,
        [2, 7],
        ["Yapay Zekâ Destekli Talep Tahmini"],
    ),
    (
        "KPR-04",
        "Toplu taşıma araç içi teknolojileri uyarlaması",
        ISBAK,
        ProjectStatus.ACTIVE,
        Health.ON_TRACK,
        -150,
        420,
        [4, 5],
        ["Toplu Taşıma Araç İçi Teknolojileri"],
    ),
    (
        "KPR-05",
        "Trafik yönetim merkezleri arası veri paylaşımı",
        ISBAK,
        ProjectStatus.ACTIVE,
        Health.AT_RISK,
        -200,
        480,
        [5, 6],
        ["Trafik Yönetim Merkezi Yazılımı"],
    ),
    (
        "KPR-06",
        "Akıllı şehir sensör ağı ortak standardı",
        IZT,
        ProjectStatus.PLANNED,
        Health.ON_TRACK,
        40,
        300,
        [5, 6],
        ["Akıllı Şehir Sensör Ağı"],
    ),
    (
        "KPR-07",
        "Kavşak kontrol cihazı saha testi",
        ISBAK,
        ProjectStatus.PLANNED,
        Health.ON_TRACK,
        75,
        240,
        [4, 5],
        ["Kavşak Kontrol Cihazı"],
    ),
    (
        "KPR-08",
        "Belediye verisiyle açık inovasyon programı",
        IZT,
        ProjectStatus.PROPOSED,
        Health.ON_TRACK,
        120,
        365,
        [1, 3],
        [],
    ),
    (
        "KPR-09",
        "Akıllı durak bilgilendirme ekranları",
        ISBAK,
        ProjectStatus.ON_HOLD,
        Health.OFF_TRACK,
        -330,
        400,
        [5],
        ["Akıllı Şehir Platformu"],
    ),
    (
        "KPR-10",
        "Ortak akıllı şehir olgunluk değerlendirmesi",
        IZT,
        ProjectStatus.COMPLETED,
        Health.ON_TRACK,
        -700,
        300,
        [2, 3, 5],
        [],
    ),
    (
        "KPR-11",
        "Veri mühendisliği eğitim programı",
        IZT,
        ProjectStatus.COMPLETED,
        Health.ON_TRACK,
        -620,
        240,
        [3, 4, 7],
        ["Kent Veri Platformu"],
    ),
    ("KPR-12", "Bisiklet yolu sayım sensörleri", ISBAK, ProjectStatus.CANCELLED, Health.OFF_TRACK, -500, 200, [5], []),
]

# title, kind, start offset (days), length (days), city, venue, organizers, planned, actual, articles, project codes
EVENTS = [
    (
        "Ortak çalıştay: adaptif sinyal kontrolü",
        EventKind.WORKSHOP,
        -280,
        1,
        "İzmir",
        "İzmir Teknoloji ofisi",
        [IZT, ISBAK],
        30,
        34,
        [1, 5],
        ["KPR-01"],
    ),
    (
        "Yönlendirme kurulu toplantısı — 1. dönem",
        EventKind.STEERING_MEETING,
        -250,
        0,
        "İstanbul",
        "İSBAK Genel Müdürlüğü",
        [IZT, ISBAK],
        12,
        11,
        [1],
        [],
    ),
    (
        "Kent verisi hackathonu",
        EventKind.HACKATHON,
        -160,
        2,
        "İzmir",
        "Kültürpark",
        [IZT],
        120,
        138,
        [1, 7],
        ["KPR-02"],
    ),
    (
        "Trafik yönetim merkezi teknik ziyareti",
        EventKind.VISIT,
        -120,
        0,
        "İstanbul",
        "Trafik Yönetim Merkezi",
        [ISBAK],
        15,
        15,
        [4, 5],
        ["KPR-05"],
    ),
    (
        "Yapay zekâ ve veri mühendisliği eğitimi",
        EventKind.TRAINING,
        -90,
        3,
        "İzmir",
        "İzmir Teknoloji eğitim salonu",
        [IZT],
        40,
        36,
        [3, 7],
        ["KPR-03", "KPR-11"],
    ),
    (
        "Yönlendirme kurulu toplantısı — 2. dönem",
        EventKind.STEERING_MEETING,
        -60,
        0,
        "",
        "",
        [IZT, ISBAK],
        12,
        12,
        [1],
        [],
    ),
    (
        "Akıllı şehir sensör standardı çalıştayı",
        EventKind.WORKSHOP,
        20,
        1,
        "İzmir",
        "İzmir Teknoloji ofisi",
        [IZT, ISBAK],
        35,
        None,
        [5, 6],
        ["KPR-06"],
    ),
    (
        "Toplu taşıma teknolojileri tanıtım günü",
        EventKind.WORKSHOP,
        45,
        0,
        "İstanbul",
        "İSBAK Ar-Ge Merkezi",
        [ISBAK],
        60,
        None,
        [4],
        ["KPR-04"],
    ),
    (
        "Yönlendirme kurulu toplantısı — 3. dönem",
        EventKind.STEERING_MEETING,
        70,
        0,
        "İzmir",
        "İzmir Teknoloji ofisi",
        [IZT, ISBAK],
        12,
        None,
        [1],
        [],
    ),
    (
        "Açık inovasyon programı bilgilendirme günü",
        EventKind.CONFERENCE,
        110,
        0,
        "İzmir",
        "Kültürpark",
        [IZT],
        200,
        None,
        [1, 3],
        ["KPR-08"],
    ),
]

# title, provider, recipient, kind, start offset, hours, participants, product, project, rating, articles
TRANSFERS = [
    (
        "Adaptif sinyal kontrolü işletme eğitimi",
        ISBAK,
        IZT,
        TransferKind.TRAINING,
        -270,
        24,
        12,
        "Adaptif Trafik Sinyal Kontrol Sistemi",
        "KPR-01",
        5,
        [4, 5],
    ),
    (
        "Kavşak kontrol cihazı teknik dokümantasyonu",
        ISBAK,
        IZT,
        TransferKind.DOCUMENTATION,
        -240,
        8,
        4,
        "Kavşak Kontrol Cihazı",
        "KPR-07",
        4,
        [4],
    ),
    (
        "Kent veri platformu mimarisi danışmanlığı",
        IZT,
        ISBAK,
        TransferKind.CONSULTANCY,
        -220,
        16,
        5,
        "Kent Veri Platformu",
        "KPR-02",
        4,
        [4, 6],
    ),
    (
        "Trafik yönetim merkezi çalışma ziyareti",
        ISBAK,
        IZT,
        TransferKind.STUDY_VISIT,
        -120,
        10,
        15,
        "Trafik Yönetim Merkezi Yazılımı",
        "KPR-05",
        5,
        [4, 5],
    ),
    (
        "Talep tahmini modellerinin paylaşımı",
        IZT,
        ISBAK,
        TransferKind.PRODUCT_SHARING,
        -110,
        6,
        6,
        "Yapay Zekâ Destekli Talep Tahmini",
        "KPR-03",
        3,
        [4, 7],
    ),
    (
        "Veri mühendisliği eğitim programı",
        IZT,
        ISBAK,
        TransferKind.TRAINING,
        -500,
        60,
        25,
        "Kent Veri Platformu",
        "KPR-11",
        5,
        [3, 7],
    ),
    (
        "Sinyal optimizasyonu uzman görevlendirmesi",
        ISBAK,
        IZT,
        TransferKind.SECONDMENT,
        -180,
        80,
        2,
        "Adaptif Trafik Sinyal Kontrol Sistemi",
        "KPR-01",
        4,
        [4],
    ),
    (
        "Araç içi sistemler entegrasyon rehberi",
        ISBAK,
        IZT,
        TransferKind.DOCUMENTATION,
        -100,
        4,
        3,
        "Toplu Taşıma Araç İçi Teknolojileri",
        "KPR-04",
        None,
        [4],
    ),
    (
        "Sensör ağı saha kurulum deneyimi",
        IZT,
        ISBAK,
        TransferKind.CONSULTANCY,
        -75,
        12,
        4,
        "Akıllı Şehir Sensör Ağı",
        "KPR-06",
        None,
        [5],
    ),
    (
        "Ortak Ar-Ge: kavşak verisiyle kısa vadeli tahmin",
        IZT,
        ISBAK,
        TransferKind.JOINT_RND,
        -60,
        120,
        6,
        "Yapay Zekâ Destekli Talep Tahmini",
        "KPR-03",
        None,
        [2, 7],
    ),
    (
        "Akıllı şehir platformu yönetici eğitimi",
        ISBAK,
        IZT,
        TransferKind.TRAINING,
        -45,
        16,
        20,
        "Akıllı Şehir Platformu",
        None,
        4,
        [4, 5],
    ),
    (
        "Açık veri yayınlama rehberi",
        IZT,
        ISBAK,
        TransferKind.DOCUMENTATION,
        -30,
        5,
        3,
        "Kent Veri Platformu",
        None,
        None,
        [6],
    ),
    (
        "Trafik verisi kalite kontrol danışmanlığı",
        IZT,
        ISBAK,
        TransferKind.CONSULTANCY,
        -20,
        10,
        4,
        None,
        "KPR-05",
        None,
        [6, 7],
    ),
    (
        "Sinyal planı hazırlama atölyesi",
        ISBAK,
        IZT,
        TransferKind.TRAINING,
        -10,
        12,
        18,
        "Adaptif Trafik Sinyal Kontrol Sistemi",
        "KPR-01",
        None,
        [4],
    ),
    (
        "Olgunluk değerlendirmesi yöntem paylaşımı",
        IZT,
        ISBAK,
        TransferKind.DOCUMENTATION,
        -400,
        6,
        5,
        None,
        "KPR-10",
        4,
        [3],
    ),
]

ADOPTIONS = [
    ("Adaptif Trafik Sinyal Kontrol Sistemi", IZT, "İzmir", AdoptionStatus.PILOT, -150),
    ("Kent Veri Platformu", ISBAK, "", AdoptionStatus.EVALUATING, -90),
    ("Kavşak Kontrol Cihazı", None, "İzmir", AdoptionStatus.EVALUATING, -40),
]

USERS = [
    # username, first, last, organization, group, is admin
    ("admin", "Yönetici", "Köprü", None, None, True),
    ("manager", "Merve", "Yıldız", IZT, MANAGERS_GROUP, False),
    ("izmir.staff", "Ayşe", "Demir", IZT, STAFF_GROUP, False),
    ("isbak.staff", "Mehmet", "Kaya", ISBAK, STAFF_GROUP, False),
    # A manager of each party: publishing on /public/ needs both to agree.
    ("isbak.manager", "Kerem", "Aydın", ISBAK, MANAGERS_GROUP, False),
]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An Istanbul wall-clock moment."""
    return datetime.combine(day, time(hour, minute), tzinfo=ISTANBUL)


class Command(BaseCommand):
    help = "Load the demo data: the real İzmir Teknoloji–İSBAK protocol plus invented, marked records."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Run with --force to load demo data anyway.")
        self.today = timezone.localdate()
        with transaction.atomic():
            self.seed_organizations()
            self.seed_protocol()
            self.seed_products()
            self.seed_users()
            self.seed_projects()
            self.seed_events()
            self.seed_transfers()
            self.seed_second_keys()
            # By name, not by import: the public app sits above the dashboard (pyproject.toml's layers).
            call_command("seed_public", verbosity=options.get("verbosity", 1))
        # The demo's overdue and soon-due work, told to the demo users as it would be each morning.
        call_command("send_reminders", stdout=self.stdout)
        password = os.environ.get("DEMO_PASSWORD", "kopru-demo")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ with:"))
        for username, *_rest in USERS:
            self.stdout.write(f"  {username:<12} / {password}")

    def seed_organizations(self):
        izmir_bb, _ = Organization.objects.get_or_create(
            name="İzmir Büyükşehir Belediyesi",
            defaults={"short_name": "İzmir BB", "kind": OrganizationKind.MUNICIPALITY, "city": "İzmir"},
        )
        istanbul_bb, _ = Organization.objects.get_or_create(
            name="İstanbul Büyükşehir Belediyesi",
            defaults={"short_name": "İBB", "kind": OrganizationKind.MUNICIPALITY, "city": "İstanbul"},
        )
        Organization.objects.get_or_create(
            name="İzmir İnovasyon ve Teknoloji A.Ş.",
            defaults={
                "short_name": IZT,
                "parent": izmir_bb,
                "city": "İzmir",
                "description": "İzmir Büyükşehir Belediyesi iştiraki. Odak alanları: akıllı şehirler, "
                "yapay zekâ ve veri mühendisliği.",
            },
        )
        Organization.objects.get_or_create(
            name="İstanbul Bilişim ve Akıllı Kent Teknolojileri A.Ş.",
            defaults={
                "short_name": ISBAK,
                "parent": istanbul_bb,
                "city": "İstanbul",
                "description": "İstanbul Büyükşehir Belediyesi iştiraki. Akıllı ulaşım, toplu taşıma araç "
                "teknolojileri ve akıllı şehir platformları.",
            },
        )
        self.orgs = {org.short_name: org for org in Organization.objects.all()}

    def seed_protocol(self):
        signed = date(2024, 8, 30)
        self.protocol, created = Protocol.objects.get_or_create(
            number="IZT-ISBAK-2024/1",
            defaults={
                "title": "İzmir Teknoloji ile İSBAK Arasında İş birliği Protokolü",
                "signed_on": signed,
                "signed_place": "İzmir Teknoloji standı, Kültürpark, İzmir — 93. İzmir Enternasyonal Fuarı",
                "effective_on": signed,
                "term_months": 36,
                "expires_on": date(2027, 8, 30),
                "status": ProtocolStatus.IN_FORCE,
                "summary": (
                    "93. İzmir Enternasyonal Fuarı'nın (teması: Teknoloji; konuk şehir: İstanbul) açılışında "
                    "imzalanan protokol; ortak etkinlikler, çalışmalar, araştırmalar ve projeler; bilimsel, "
                    "teknolojik, sosyal ve kültürel iş birliği; tarafların teknoloji ürünlerinin yaygınlaşması "
                    "için karşılıklı know-how transferi; akıllı şehir teknolojileri ve dijital altyapı.\n"
                    "[Demo] Protokol numarası, süresi ve madde metinleri örnek amaçlıdır."
                ),
            },
        )
        if created:
            ProtocolParty.objects.create(
                protocol=self.protocol,
                organization=self.orgs[IZT],
                signatory_name="Dr. Cemil Tugay",
                signatory_title="İzmir Büyükşehir Belediye Başkanı",
            )
            ProtocolParty.objects.create(
                protocol=self.protocol,
                organization=self.orgs[ISBAK],
                signatory_name="Ekrem İmamoğlu",
                signatory_title="İstanbul Büyükşehir Belediye Başkanı",
            )
        for number, title, text in ARTICLES:
            ProtocolArticle.objects.get_or_create(
                protocol=self.protocol, number=number, defaults={"title": title, "text": text}
            )
        self.articles = {a.number: a for a in self.protocol.articles.all()}

    def seed_products(self):
        for owner, name, category in PRODUCTS:
            TechnologyProduct.objects.get_or_create(
                organization=self.orgs[owner],
                name=name,
                defaults={"category": category, "description": "[Demo] Ürün adı temsilidir; alanı gerçektir."},
            )
        self.products = {p.name: p for p in TechnologyProduct.objects.all()}

    def seed_users(self):
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD", "kopru-demo")
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in (STAFF_GROUP, MANAGERS_GROUP)}
        self.users = {}
        for username, first, last, org, group, is_admin in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@demo.invalid",
                    is_staff=is_admin,
                    is_superuser=is_admin,
                )
                user.set_password(password)
                user.save()
                if group:
                    user.groups.add(groups[group])
                if org:
                    Membership.objects.create(user=user, organization=self.orgs[org], job_title="[Demo]")
            self.users[username] = user

    def seed_projects(self):
        other = {IZT: ISBAK, ISBAK: IZT}
        author_of = {IZT: self.users["izmir.staff"], ISBAK: self.users["isbak.staff"]}
        for index, (code, title, lead, status, health, offset, length, articles, products) in enumerate(PROJECTS):
            if Project.objects.filter(code=code).exists():
                continue
            start = self.today + timedelta(days=offset)
            end = start + timedelta(days=length)
            started = status in (
                ProjectStatus.ACTIVE,
                ProjectStatus.ON_HOLD,
                ProjectStatus.COMPLETED,
                ProjectStatus.CANCELLED,
            )
            project = Project.objects.create(
                code=code,
                title=title,
                description=f"{title}. {DEMO_NOTE}",
                lead_organization=self.orgs[lead],
                owner=author_of[lead],
                status=status,
                planned_start=start,
                planned_end=end,
                actual_start=start if started else None,
                actual_end=min(end, self.today)
                if status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
                else None,
            )
            project.articles.set([self.articles[n] for n in articles])
            project.products.set([self.products[name] for name in products])
            ProjectPartner.objects.create(
                project=project,
                organization=self.orgs[lead],
                role=PartnerRole.LEAD,
                contribution="Proje yönetimi ve saha uygulaması. [Demo]",
                effort_person_months=Decimal("12.0"),
            )
            ProjectPartner.objects.create(
                project=project,
                organization=self.orgs[other[lead]],
                role=PartnerRole.PARTNER,
                contribution="Teknik danışmanlık ve ürün uyarlaması. [Demo]",
                effort_person_months=Decimal("6.5"),
            )
            self.seed_milestones(project, start, end, status)
            self.seed_updates(project, status, health, author_of[lead], updates=2 + index % 5, lag=index % 7)

    def seed_milestones(self, project, start, end, status):
        span = (end - start).days
        titles = ["İhtiyaç analizi raporu", "Pilot kurulum", "Saha testleri", "Kapanış raporu"]
        for step, title in enumerate(titles, start=1):
            due = start + timedelta(days=span * step // len(titles))
            # Active projects leave one past-due milestone open, so "overdue" has something to show.
            done = (
                due <= self.today
                and not (status == ProjectStatus.ACTIVE and step == 2)
                and status != ProjectStatus.ON_HOLD
            )
            Milestone.objects.create(
                project=project,
                title=title,
                due_on=due,
                completed_on=max(due - timedelta(days=3), start) if done else None,
                deliverable=f"{title} (PDF) [Demo]",
            )

    def seed_updates(self, project, status, health, author, updates, lag):
        """Spread `updates` reports over the project's life so far, the last one `lag` days ago."""
        if project.actual_start is None:  # not started: planning notes only
            first, last, final = self.today - timedelta(days=60), self.today - timedelta(days=lag), 5
        else:
            first = project.actual_start
            last = project.actual_end or self.today - timedelta(days=lag)
            final = 100 if status == ProjectStatus.COMPLETED else min(85, 15 + (last - first).days // 8)
        if project.code in ("KPR-05", "KPR-09"):  # these went quiet, so they show as "update due"
            last -= timedelta(days=75)
        span = max((last - first).days, 0)
        for step in range(1, updates + 1):
            progress_update_record(
                project=project,
                author=author,
                reported_on=first + timedelta(days=span * step // updates),
                percent_complete=final * step // updates,
                health=health if step == updates else Health.ON_TRACK,
                done=f"Dönem {step} çalışmaları tamamlandı. [Demo]",
                next_steps="Bir sonraki dönemin planlaması." if step < updates else "",
                blockers="Veri erişim izinleri bekleniyor." if health != Health.ON_TRACK and step == updates else "",
            )

    def seed_events(self):
        real = [
            {
                "title": "İş birliği protokolünün imza töreni",
                "kind": EventKind.SIGNING,
                "starts_at": at(date(2024, 8, 30), 18),
                "ends_at": at(date(2024, 8, 30), 20),
                "city": "İzmir",
                "venue": "İzmir Teknoloji standı, Kültürpark — 93. İzmir Enternasyonal Fuarı",
                "description": "Protokol, İzmir Büyükşehir Belediye Başkanı Dr. Cemil Tugay ve İstanbul Büyükşehir "
                "Belediye Başkanı Ekrem İmamoğlu tarafından fuarın açılışında imzalandı.",
                "organizers": [IZT, ISBAK],
                "articles": list(self.articles),
            },
            {
                "title": "ITS European Congress 2026",
                "kind": EventKind.CONFERENCE,
                "starts_at": at(date(2026, 4, 27), 9),
                "ends_at": at(date(2026, 4, 29), 18),
                "city": "İstanbul",
                "venue": "",
                "description": (
                    "İSBAK'ın ev sahipliğinde İstanbul'da düzenlenen Avrupa Akıllı Ulaşım Sistemleri Kongresi."
                ),
                "organizers": [ISBAK],
                "articles": [1, 4, 5],
            },
        ]
        for spec in real:
            self.create_event(spec)
        for title, kind, offset, length, city, venue, orgs, planned, actual, articles, codes in EVENTS:
            day = self.today + timedelta(days=offset)
            self.create_event(
                {
                    "title": title,
                    "kind": kind,
                    "starts_at": at(day, 10),
                    "ends_at": at(day + timedelta(days=length), 17),
                    "city": city,
                    "venue": venue,
                    "is_online": not (city or venue),
                    "description": DEMO_NOTE,
                    "planned_participants": planned,
                    "actual_participants": actual,
                    "organizers": orgs,
                    "articles": articles,
                    "projects": codes,
                }
            )

    def create_event(self, spec):
        if Event.objects.filter(title=spec["title"]).exists():
            return
        organizers = spec.pop("organizers")
        articles = spec.pop("articles")
        codes = spec.pop("projects", [])
        event = Event.objects.create(**spec)
        event.organizers.set([self.orgs[o] for o in organizers])
        event.articles.set([self.articles[n] for n in articles])
        event.projects.set(Project.objects.filter(code__in=codes))

    def seed_second_keys(self):
        """Joint milestones completed by one side and confirmed, disputed or still awaited by the other;
        transfers confirmed by their recipient or not yet; the last two ended quarters closed.

        Through the services, as the pages do it. Run again, it adds nothing: only milestones nobody
        completed yet, transfers nobody confirmed and quarters nobody closed are touched.
        """
        staff = {IZT: self.users["izmir.staff"], ISBAK: self.users["isbak.staff"]}
        joint = (
            Project.objects.filter(partners__organization__in=[self.orgs[IZT], self.orgs[ISBAK]])
            .exclude(status__in=[ProjectStatus.CANCELLED, ProjectStatus.PROPOSED])
            .select_related("lead_organization")
            .distinct()
            .order_by("code")
        )
        answers = ["confirm", "wait", "dispute", "wait", "confirm"]
        open_joint = Milestone.objects.filter(
            project__in=joint, completed_on__isnull=True, confirmation_state=""
        ).select_related("project__lead_organization")
        if not Milestone.objects.exclude(confirmation_state="").exists():
            for answer, milestone in zip(answers, open_joint.order_by("due_on", "pk"), strict=False):
                project = milestone.project
                start = project.start_date or self.today
                lead = project.lead_organization.short_name
                if lead not in staff or start > self.today:
                    continue
                other = ISBAK if lead == IZT else IZT
                completed_on = max(start, min(milestone.due_on, self.today - timedelta(days=3)))
                milestone_complete(milestone=milestone, completed_on=completed_on, by=staff[lead])
                if answer == "confirm":
                    milestone_confirm(milestone=milestone, user=staff[other], comment="[Demo] Sahada birlikte gördük.")
                elif answer == "dispute":
                    milestone_dispute(
                        milestone=milestone, user=staff[other], comment="[Demo] Teslim raporu eksik; ek bekleniyor."
                    )
        recipients = {self.orgs[IZT].pk: staff[IZT], self.orgs[ISBAK].pk: staff[ISBAK]}
        unconfirmed = (
            KnowHowTransfer.objects.unconfirmed().filter(recipient__in=list(recipients)).order_by("started_on")
        )
        if not KnowHowTransfer.objects.confirmed().exists():
            for index, transfer in enumerate(unconfirmed):
                if index % 3 == 2:  # every third one waits for its recipient
                    continue
                knowhowtransfer_confirm(
                    transfer=transfer,
                    user=recipients[transfer.recipient_id],
                    hours=transfer.hours,
                    participants=transfer.participants,
                    rating=transfer.recipient_rating or 4,
                )
        ended = Period.quarter_of(self.today).previous()
        for period in (ended.previous(), ended):
            if not PeriodBaseline.objects.standing().of(period).exists():
                baseline_close(period=period, user=self.users["manager"])

    def seed_transfers(self):
        projects = {p.code: p for p in Project.objects.all()}
        for title, provider, recipient, kind, offset, hours, people, product, code, rating, articles in TRANSFERS:
            if KnowHowTransfer.objects.filter(title=title).exists():
                continue
            started = self.today + timedelta(days=offset)
            transfer = KnowHowTransfer.objects.create(
                title=title,
                description=DEMO_NOTE,
                provider=self.orgs[provider],
                recipient=self.orgs[recipient],
                kind=kind,
                started_on=started,
                ended_on=started + timedelta(days=max(1, hours // 8)),
                hours=Decimal(hours),
                participants=people,
                product=self.products.get(product),
                project=projects.get(code),
                outcome="Katılımcılar uygulamalı olarak bilgilendirildi. [Demo]",
                recipient_rating=rating,
            )
            transfer.articles.set([self.articles[n] for n in articles])
        for product, adopter, city, status, offset in ADOPTIONS:
            ProductAdoption.objects.get_or_create(
                product=self.products[product],
                adopter=self.orgs.get(adopter),
                adopter_city=city,
                defaults={"status": status, "adopted_on": self.today + timedelta(days=offset), "notes": DEMO_NOTE},
            )
