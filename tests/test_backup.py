"""A backup restored into an empty database gives back every table, row for row.

Each side is fingerprinted the same way: per table, the row count and an md5 over its
rows in a fixed order, plus the schema objects the ORM does not model (the milestone
trigger, sequences). SQLite is always tested; PostgreSQL when the tests run on it and
pg_dump / pg_restore are installed.
"""

import hashlib
import shutil
import sqlite3
import stat
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from django.core import serializers
from django.db import connection

from scripts import backup as backup_script
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MembershipFactory,
    MilestoneFactory,
    ProductAdoptionFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    ProtocolPartyFactory,
)

ON_SQLITE = connection.vendor == "sqlite"
ON_POSTGRESQL = connection.vendor == "postgresql"
HAS_PG_TOOLS = bool(shutil.which("pg_dump") and shutil.which("pg_restore"))


def some_of_everything():
    """Rows in every domain table, with what a lossy copy would damage: microseconds, decimals, Turkish text."""
    project = ProjectFactory(title="Akıllı kavşak — İzmir/İstanbul ğüşıöç", description="çok\nsatırlı")
    ProjectPartnerFactory(project=project, effort_person_months=Decimal("12.5"))
    MilestoneFactory(project=project, title="Saha kurulumu")
    ProgressUpdateFactory(project=project, percent_complete=37, done="Sinyal planları hazır.")
    event = EventFactory(starts_at=datetime(2025, 4, 27, 7, 30, 15, 123456, tzinfo=timezone.utc), title="ITS Kongresi")
    event.organizers.set([project.lead_organization])
    transfer = KnowHowTransferFactory(project=project, hours=Decimal("7.5"))
    ProductAdoptionFactory(transfer=transfer, adopter_city="Bursa")
    ProtocolPartyFactory()
    ProtocolArticleFactory(text="Taraflar ortak etkinlikler düzenler.")
    MembershipFactory(job_title="Proje yöneticisi")
    project.title = "Akıllı kavşak (güncel)"
    project.save()  # a second history row


# --- fingerprints -------------------------------------------------------------------------------


def sqlite_fingerprint(path) -> dict:
    """{table: (rows, md5)} plus the schema, for an SQLite file."""
    with closing(sqlite3.connect(path)) as db:
        schema = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        tables = [name for kind, name, _table, _sql in schema if kind == "table"]
        fingerprint = {"schema": schema}
        for table in tables:
            columns = len(db.execute(f'SELECT * FROM "{table}" LIMIT 0').description)  # noqa: S608
            order = ", ".join(str(index) for index in range(1, columns + 1))
            digest = hashlib.md5(usedforsecurity=False)
            count = 0
            for row in db.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):  # noqa: S608
                digest.update(repr(row).encode())
                count += 1
            fingerprint[table] = (count, digest.hexdigest())
    return fingerprint


def postgres_fingerprint(cursor) -> dict:
    """{table: (rows, md5)} plus sequences and triggers, computed inside PostgreSQL."""
    cursor.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = [name for (name,) in cursor.fetchall()]
    fingerprint = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608
        )
        fingerprint[table] = cursor.fetchone()
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
    fingerprint["sequences"] = cursor.fetchall()
    cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
    fingerprint["triggers"] = cursor.fetchall()
    return fingerprint


# --- SQLite -------------------------------------------------------------------------------------


@pytest.fixture
def live_sqlite(tmp_path, transactional_db):
    """The test database, with data in every table, copied to a file: the 'production' database."""
    if not ON_SQLITE:
        pytest.skip("the tests run on PostgreSQL")
    some_of_everything()
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    return path


def test_a_sqlite_backup_restored_into_an_empty_database_is_identical(live_sqlite, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{live_sqlite}")
    assert backup_script.main(["backup", "--output-dir", str(tmp_path / "backups")]) == 0
    (made,) = (tmp_path / "backups").iterdir()
    assert made.name.startswith("kopru-") and made.suffix == ".sqlite3"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600  # backups hold personal data

    empty = tmp_path / "restored.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    assert backup_script.main(["restore", str(made), "--yes"]) == 0

    before, after = sqlite_fingerprint(live_sqlite), sqlite_fingerprint(empty)
    assert after == before
    assert before["projects_project"][0] == 1 and before["projects_historicalproject"][0] == 2
    assert any(kind == "trigger" for kind, *_rest in before["schema"])  # the milestone rule came along


def test_a_sqlite_backup_taken_during_a_write_holds_only_committed_rows(tmp_path):
    live = tmp_path / "busy.sqlite3"
    with closing(sqlite3.connect(live)) as db:
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO note (text) VALUES ('committed')")
        db.commit()
    with closing(sqlite3.connect(live, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO note (text) VALUES ('in flight')")
        made = backup_script.backup({"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}, tmp_path / "out")
        writer.execute("COMMIT")
    with closing(sqlite3.connect(made)) as copy:
        assert copy.execute("SELECT text FROM note").fetchall() == [("committed",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_restore_refuses_a_file_of_the_other_kind_or_none(tmp_path, monkeypatch, capsys):
    dump = tmp_path / "kopru-x.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert backup_script.main(["restore", str(dump), "--yes"]) == 2
    assert "PostgreSQL dump" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("hello")
    assert backup_script.main(["restore", str(tmp_path / "notes.txt"), "--yes"]) == 2
    assert backup_script.main(["restore", str(tmp_path / "missing.sqlite3"), "--yes"]) == 2
    assert not (tmp_path / "db.sqlite3").exists()


def test_restore_asks_before_replacing_the_database(tmp_path, monkeypatch):
    source = tmp_path / "a.sqlite3"
    with closing(sqlite3.connect(source)) as db:
        db.execute("CREATE TABLE t (x)")
        db.commit()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'b.sqlite3'}")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert backup_script.main(["restore", str(source)]) == 1
    assert not (tmp_path / "b.sqlite3").exists()


def test_a_missing_sqlite_database_is_an_error_not_an_empty_backup(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nothing.sqlite3'}")
    assert backup_script.main(["backup", "--output-dir", str(tmp_path / "out")]) == 2
    assert list((tmp_path / "out").iterdir()) == []


def test_the_database_comes_from_database_url_or_the_default_sqlite_file():
    postgres = backup_script.database_config({"DATABASE_URL": "postgres://kopru:geheim@db.example:5433/kopru"})
    assert backup_script.is_postgresql(postgres)
    env = backup_script.postgres_env(postgres)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"]) == (
        "db.example",
        "5433",
        "kopru",
        "geheim",
        "kopru",
    )
    default = backup_script.database_config({})
    assert backup_script.is_sqlite(default) and default["NAME"].endswith("db.sqlite3")


@pytest.mark.django_db
def test_dumpdata_would_cut_the_microseconds_that_the_backup_keeps():
    # Why the backup is pg_dump / an SQLite copy and not `manage.py dumpdata` (see README).
    event = EventFactory(starts_at=datetime(2025, 4, 27, 7, 30, 15, 123456, tzinfo=timezone.utc))
    dumped = serializers.serialize("json", [event])
    assert "07:30:15.123Z" in dumped and "123456" not in dumped


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def empty_postgres_database(transactional_db):
    if not ON_POSTGRESQL:
        pytest.skip("the tests run on SQLite; set DATABASE_URL to a PostgreSQL server to run this")
    if not HAS_PG_TOOLS:
        pytest.skip("pg_dump / pg_restore are not installed")
    config = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_restore"}
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    yield config
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def fingerprint_of(config) -> dict:
    import psycopg2

    with (
        closing(
            psycopg2.connect(
                dbname=config["NAME"],
                user=config.get("USER") or None,
                password=config.get("PASSWORD") or None,
                host=config.get("HOST") or None,
                port=config.get("PORT") or None,
            )
        ) as db,
        db.cursor() as cursor,
    ):
        return postgres_fingerprint(cursor)


@pytest.mark.postgresql
def test_a_postgresql_backup_restored_into_an_empty_database_is_identical(empty_postgres_database, tmp_path):
    some_of_everything()
    source = connection.settings_dict

    made = backup_script.backup(source, tmp_path)
    assert made.suffix == ".dump" and made.read_bytes().startswith(b"PGDMP")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    backup_script.restore(empty_postgres_database, made)

    before, after = fingerprint_of(source), fingerprint_of(empty_postgres_database)
    assert after == before
    assert before["projects_project"][0] == 1 and before["projects_historicalproject"][0] == 2
    assert before["triggers"]  # the milestone rule came along


@pytest.mark.postgresql
def test_restoring_over_a_database_with_data_replaces_it(empty_postgres_database, tmp_path):
    some_of_everything()
    made = backup_script.backup(connection.settings_dict, tmp_path)
    backup_script.restore(empty_postgres_database, made)
    ProjectFactory(title="Sonradan eklendi")  # the live database moves on; restoring twice must still work
    backup_script.restore(empty_postgres_database, made)
    assert fingerprint_of(empty_postgres_database)["projects_project"][0] == 1


@pytest.mark.postgresql
def test_a_failed_pg_dump_leaves_no_partial_file(empty_postgres_database, tmp_path):
    missing = {**empty_postgres_database, "NAME": "kopru_no_such_database"}
    with pytest.raises(backup_script.subprocess.CalledProcessError):
        backup_script.backup(missing, tmp_path)
    assert list(tmp_path.iterdir()) == []
