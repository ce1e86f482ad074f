"""`anxiao backup` of the demo restores into an empty database of the same kind with identical row counts
and identical files. Runs on the database of the pass: SQLite files, or PostgreSQL databases next to the
test run's (DATABASE_URL=postgres://…)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.install.test_production import DATABASE_URL, drop_database, pg_database

ROOT = Path(__file__).resolve().parents[2]
COUNTS = ("import json; from anxiao.core.backup import current_counts; "
          "from django.contrib.auth import authenticate; "
          "print(json.dumps([current_counts(), authenticate(username='anquanban', password='Anxiao@2026') is not None]))")


def counts_and_login(env: dict[str, str]) -> tuple[dict[str, int], bool]:
    counts, login = json.loads(run(env, "shell", "-c", COUNTS).stdout.strip().splitlines()[-1])
    return counts, login


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(Path(sys.executable).with_name("anxiao")), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"anxiao {' '.join(args)}: {proc.stderr[-3000:]}"
    return proc


def environment(var: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANXIAO_", "PYTEST", "DJANGO_", "DATABASE_URL"))}
    env.update(ANXIAO_ENV="test", ANXIAO_VAR_DIR=str(var))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_demo_round_trips_through_backup_and_restore(tmp_path: Path) -> None:
    postgres = DATABASE_URL.startswith("postgres")
    source_db = pg_database("backup_src") if postgres else ""
    target_db = pg_database("backup_dst") if postgres else ""
    try:
        source = environment(tmp_path / "source", source_db)
        target = environment(tmp_path / "target", target_db)
        run(source, "migrate", "--noinput", "-v0")
        run(source, "demo", "-v0")
        media = tmp_path / "source" / "media"
        (media / "manual").mkdir(parents=True, exist_ok=True)
        (media / "manual" / "检查记录.txt").write_text("附件样例", encoding="utf-8")
        archive = tmp_path / "demo.tar.gz"
        run(source, "backup", "--output", str(archive))
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        assert manifest["database"]["vendor"] == ("postgresql" if postgres else "sqlite")
        assert manifest["version"] and manifest["migrations"]["notifications"] and manifest["media"]["files"] >= 1
        assert all(len(d) == 64 for d in manifest["sha256"].values())

        answer = run(target, "restore", str(archive))
        assert "行数一致" in answer.stdout
        before, _ = counts_and_login(source)
        after, login = counts_and_login(target)
        assert before == after and before["org_unit"] > 40 and before["accounts_user"] > 10
        assert files(media) == files(tmp_path / "target" / "media")
        # the restored site works: migrations are all applied and people can log in
        assert login
        run(target, "migrate", "--check", "-v0")
        # a second restore refuses the database that is no longer empty
        again = run(target, "restore", str(archive), ok=False)
        assert again.returncode != 0 and "不是空的" in again.stderr
    finally:
        if postgres:
            drop_database(source_db)
            drop_database(target_db)


def test_a_damaged_archive_is_refused(tmp_path: Path) -> None:
    env = environment(tmp_path / "var")
    archive = tmp_path / "bad.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        manifest = json.dumps({"format": 1, "product": "anxiao", "version": "x", "created_at": "",
                               "database": {"vendor": "sqlite", "file": "database.sqlite3"}, "counts": {},
                               "media": {"files": 0}, "sha256": {"database.sqlite3": "0" * 64}}).encode()
        for name, data in (("manifest.json", manifest), ("database.sqlite3", b"not a database")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            import io

            tar.addfile(info, io.BytesIO(data))
    answer = run(env, "restore", str(archive), ok=False)
    assert answer.returncode != 0 and "校验值不符" in answer.stderr
    answer = run(env, "restore", str(tmp_path / "missing.tar.gz"), ok=False)
    assert "找不到备份文件" in answer.stderr


@pytest.mark.skipif(DATABASE_URL.startswith("postgres"), reason="the SQLite archive check runs in the SQLite pass")
def test_backup_needs_no_running_server_on_sqlite() -> None:
    from anxiao.core.backup import product_version

    assert product_version() != ""
