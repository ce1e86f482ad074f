from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxiao.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 anxiao backup 的备份文件恢复到一个空数据库和空附件目录，恢复后核对各表行数"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="备份文件（.tar.gz）")

    def handle(self, *args: Any, **opts: Any) -> None:
        archive = Path(opts["archive"])
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        try:
            manifest = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc))
        total = sum(manifest["counts"].values())
        self.stdout.write(f"恢复完成：{manifest['created_at']} 的备份（版本 {manifest['version']}），"
                          f"{len(manifest['counts'])} 张表共 {total} 行，{manifest['media']['files']} 个附件，行数一致。")
