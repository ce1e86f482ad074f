"""`anxiao backup` / `anxiao restore`: one archive with the database, the uploaded files and a manifest.

Archive (``.tar.gz``)::

    manifest.json       format, product version, time, database vendor, migrations, row counts per table,
                        and the SHA-256 of every other member
    database.dump       PostgreSQL: ``pg_dump --format=custom`` of a snapshot (the counts are read in the same
                        snapshot); SQLite: ``database.sqlite3``, a copy made with the online backup API
    media/…             every file under MEDIA_ROOT

Restore refuses an archive whose checksums do not match and a database that is not empty, restores the
database (``pg_restore`` / a file copy) and the files, then compares the row counts with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def product_version() -> str:
    try:
        return version("anxiao")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: Any) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore/psql and the environment carrying the password."""
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names(include_views=False))


def _count(cursor: Any, tables: list[str]) -> dict[str, int]:
    qn = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _dump_database(workdir: Path) -> tuple[str, dict[str, int]]:
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        target = workdir / "database.dump"
        args, env = _pg_env(db)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor, _tables())
            proc = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                                   f"--snapshot={snapshot}", "--file", str(target), *args],
                                  env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BackupError(f"pg_dump 失败（请安装与服务器版本相同的 postgresql-client）：{proc.stderr.strip()[-500:]}")
        return target.name, counts
    if connection.vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)
            tables = [r[0] for r in dest.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            counts = {t: int(dest.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}
        finally:
            dest.close()
        return target.name, counts
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def backup(output: Path | None = None) -> Path:
    """Write one archive; returns its path (default var/backups/anxiao-<time>.tar.gz)."""
    now = datetime.datetime.now().astimezone()
    if output is None:
        output = Path(settings.VAR_DIR) / "backups" / f"anxiao-{now:%Y%m%d-%H%M%S}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="anxiao-backup-") as tmp:
        workdir = Path(tmp)
        db_file, counts = _dump_database(workdir)
        files = {db_file: _sha256(workdir / db_file)}
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        for p in media_files:
            files[f"media/{p.relative_to(media).as_posix()}"] = _sha256(p)
        manifest = {
            "format": FORMAT, "product": "anxiao", "version": product_version(), "created_at": now.isoformat(),
            "database": {"vendor": connection.vendor, "file": db_file}, "migrations": _migrations(),
            "counts": counts, "media": {"files": len(media_files), "bytes": sum(p.stat().st_size for p in media_files)},
            "sha256": files,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(workdir / db_file, arcname=db_file)
            for p in media_files:
                tar.add(p, arcname=f"media/{p.relative_to(media).as_posix()}")
        partial.replace(output)  # a half-written archive never has the final name
    return output


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError
            manifest: dict[str, Any] = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError):
        raise BackupError(f"{archive} 不是安校的备份文件（缺少 manifest.json 或已损坏）")
    if manifest.get("product") != "anxiao" or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} 的格式不受支持（format {manifest.get('format')}）")
    return manifest


def current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _count(cursor, _tables())


def _database_is_empty() -> bool:
    tables = set(_tables())
    if "django_migrations" not in tables:
        return True
    counts = current_counts()
    return not any(n for t, n in counts.items() if t != "django_migrations" and t != "django_content_type"
                   and t != "auth_permission")


def restore(archive: Path) -> dict[str, Any]:
    """Restore into an empty database and media folder; returns the manifest. Raises BackupError."""
    manifest = read_manifest(archive)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，不能恢复到 {connection.vendor}")
    if not _database_is_empty():
        raise BackupError("目标数据库不是空的：请新建一个空数据库（不要运行 migrate）后再恢复")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(f"附件目录 {media} 不是空的：请换一个空目录（ANXIAO_MEDIA_ROOT）或先移走其中的文件")
    with tempfile.TemporaryDirectory(prefix="anxiao-restore-") as tmp:
        workdir = Path(tmp)
        with tarfile.open(archive, "r:*") as tar:
            for member in tar.getmembers():
                if member.name not in manifest["sha256"] and member.name != "manifest.json":
                    raise BackupError(f"备份文件含有清单之外的内容：{member.name}")
                if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in member.name.split("/"):
                    raise BackupError(f"备份文件含有不安全的路径：{member.name}")
            tar.extractall(workdir, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))  # type: ignore[arg-type]
        for name, digest in manifest["sha256"].items():
            path = workdir / name
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"备份文件已损坏：{name} 的校验值不符")
        _restore_database(workdir / manifest["database"]["file"])
        if (workdir / "media").is_dir():
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(workdir / "media", media, dirs_exist_ok=True)
    restored = current_counts()
    differences = {t: (n, restored.get(t)) for t, n in manifest["counts"].items() if restored.get(t) != n}
    if differences:
        raise BackupError(f"恢复后的行数与备份不一致：{differences}")
    return manifest


def _restore_database(dump: Path) -> None:
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env(db)
        proc = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
                               "--exit-on-error", *args, str(dump)], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BackupError(f"pg_restore 失败：{proc.stderr.strip()[-800:]}")
        return
    target = Path(db["NAME"])
    connection.close()
    source = sqlite3.connect(dump)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        source.close()
        dest.close()
