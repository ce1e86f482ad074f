from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxiao.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份：数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）、附件和清单（版本、行数、校验值）打成一个文件"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", "-o", help="备份文件路径（默认 var/backups/anxiao-时间.tar.gz）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            path = backup(Path(opts["output"]) if opts["output"] else None)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"备份完成：{path}（{path.stat().st_size / 1e6:.1f} MB）")
