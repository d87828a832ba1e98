#!/usr/bin/env python3
"""Back up Köprü's database to a file, and restore such a file into a database.

    python scripts/backup.py backup [--output-dir backups]
    python scripts/backup.py restore FILE [--yes]

The database is the one the application uses: `DATABASE_URL` from the environment
(or `.env`), else the SQLite file `db.sqlite3` next to manage.py.

- PostgreSQL: `pg_dump -Fc` writes `backups/kopru-<UTC timestamp>.dump`; restore runs
  `pg_restore --clean --if-exists --no-owner` in a single transaction, so a failed
  restore leaves the database as it was. The password travels in PGPASSWORD, never on
  a command line that `ps` shows.
- SQLite: sqlite3's online backup API writes `backups/kopru-<UTC timestamp>.sqlite3`, a
  consistent snapshot even while the application writes (a plain `cp` can catch a
  half-written page). Restore copies the backup into the database file the same way.

A backup is written under a temporary name and renamed when complete, so a file named
kopru-*.dump or kopru-*.sqlite3 is never a partial one. Backups hold personal data:
they are created readable by their owner only.

Not `manage.py dumpdata`: its JSON cuts every timestamp to milliseconds, so a database
rebuilt from it is not the one that was saved (every history record's time changes).
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = BASE_DIR / "backups"
SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    """Something the operator must fix; printed without a traceback."""


def database_config(environ=None) -> dict:
    """The default database as the application sees it: DATABASE_URL, else the SQLite file."""
    import environ as django_environ  # django-environ, a runtime dependency

    env = django_environ.Env()
    if environ is None:
        django_environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
        environ = os.environ
    url = environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    return env.db_url_config(url)


def is_postgresql(config: dict) -> bool:
    return "postgresql" in config["ENGINE"]


def is_sqlite(config: dict) -> bool:
    return "sqlite3" in config["ENGINE"]


def timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def postgres_env(config: dict) -> dict:
    """libpq's own variables: the password stays out of the process list."""
    env = dict(os.environ)
    for variable, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")]:
        value = config.get(key)
        if value:
            env[variable] = str(value)
    env["PGDATABASE"] = config["NAME"]
    return env


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (on Debian/Ubuntu: apt-get install postgresql-client)")
    return path


def private_temp(directory: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=".kopru-partial-", suffix=suffix, dir=directory)
    os.close(handle)
    os.chmod(name, 0o600)
    return Path(name)


# --- backup -------------------------------------------------------------------------------------


def sqlite_copy(source: Path | str, target: Path | str) -> None:
    """Copy one SQLite database into another with the online backup API (consistent while in use)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(target)) as check:
        (result,) = check.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise BackupError(f"the copy in {target} failed its integrity check: {result}")


def backup(config: dict, output_dir: Path) -> Path:
    """Write a backup of the database into `output_dir`; return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    if is_postgresql(config):
        target = output_dir / f"kopru-{timestamp()}.dump"
        partial = private_temp(output_dir, ".dump")
        try:
            subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
                [tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"],
                env=postgres_env(config),
                check=True,
            )
        except (subprocess.CalledProcessError, BackupError):
            partial.unlink(missing_ok=True)
            raise
    elif is_sqlite(config):
        source = Path(config["NAME"])
        if not source.is_file():
            raise BackupError(f"there is no SQLite database at {source}")
        target = output_dir / f"kopru-{timestamp()}.sqlite3"
        partial = private_temp(output_dir, ".sqlite3")
        try:
            sqlite_copy(source, partial)
        except Exception:
            partial.unlink(missing_ok=True)
            raise
    else:
        raise BackupError(f"no backup method for {config['ENGINE']}")
    partial.replace(target)
    return target


# --- restore ------------------------------------------------------------------------------------


def file_kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    raise BackupError(f"{path} is neither a pg_dump custom-format file nor an SQLite database")


def restore(config: dict, backup_file: Path) -> None:
    """Replace the database's contents with those of `backup_file`."""
    if not backup_file.is_file():
        raise BackupError(f"no such backup file: {backup_file}")
    kind = file_kind(backup_file)
    if is_postgresql(config):
        if kind != "postgresql":
            raise BackupError(f"{backup_file} is an SQLite backup, but DATABASE_URL points at PostgreSQL")
        subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
            [
                tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={config['NAME']}",
                str(backup_file),
            ],
            env=postgres_env(config),
            check=True,
        )
    elif is_sqlite(config):
        if kind != "sqlite":
            raise BackupError(f"{backup_file} is a PostgreSQL dump, but the database is SQLite")
        target = Path(config["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(backup_file, target)
    else:
        raise BackupError(f"no restore method for {config['ENGINE']}")


def describe(config: dict) -> str:
    if is_sqlite(config):
        return f"the SQLite database {config['NAME']}"
    return f"the PostgreSQL database {config['NAME']!r} on {config.get('HOST') or 'localhost'}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a backup file")
    make.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, help="default: backups/")
    back = commands.add_parser("restore", help="replace the database with a backup file")
    back.add_argument("file", type=Path)
    back.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)

    try:
        config = database_config()
        if args.command == "backup":
            print(backup(config, args.output_dir))
            return 0
        if not args.yes:
            try:
                answer = input(f"Replace everything in {describe(config)} with {args.file}? Type 'yes': ")
            except EOFError:  # no terminal to ask (a script, CI): only --yes restores
                answer = ""
            if answer.strip().lower() != "yes":
                print("Nothing restored.", file=sys.stderr)
                return 1
        restore(config, args.file)
        print(f"Restored {args.file} into {describe(config)}.")
        return 0
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"error: {Path(error.cmd[0]).name} failed with exit status {error.returncode}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
