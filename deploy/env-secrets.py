#!/usr/bin/env python3
"""Secrets of /etc/anxiao/anxiao.env without a shell variable or a command line ever holding them (so neither
`bash -x`, as deploy/follow-deploy-doc.sh runs docs/deploy.md, nor `ps` shows them). Standard library only.

  env-secrets.py fill FILE       replace the example's placeholders in FILE: a random ANXIAO_SECRET_KEY and the
                                 database password of DATABASE_URL ($DB_PASSWORD when set, else random)
  env-secrets.py role-sql FILE   print the SQL that creates DATABASE_URL's role with its password, for psql's stdin
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

SECRET_PLACEHOLDER = "change-me-to-50-random-characters"
URL = re.compile(r"^DATABASE_URL=(.*)$", re.M)


def fill(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    password = os.environ.get("DB_PASSWORD") or secrets.token_urlsafe(24)
    text = text.replace(SECRET_PLACEHOLDER, secrets.token_urlsafe(50))
    text = re.sub(r"^(DATABASE_URL=postgres://[^:/@]+):change-me@", lambda m: f"{m.group(1)}:{quote(password, safe='')}@",
                  text, flags=re.M)
    path.write_text(text, encoding="utf-8")  # in place: the file's owner and mode stay


def role_sql(path: Path) -> str:
    found = URL.search(path.read_text(encoding="utf-8"))
    if not found:
        raise SystemExit(f"{path}: no DATABASE_URL")
    url = urlsplit(found.group(1).strip().strip("'\""))
    if not url.username or url.password is None:
        raise SystemExit(f"{path}: DATABASE_URL names no user and password")
    role = unquote(url.username).replace('"', '""')
    password = unquote(url.password).replace("'", "''")
    return f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}';\n"


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[1] not in {"fill", "role-sql"}:
        raise SystemExit(__doc__)
    path = Path(argv[2])
    if argv[1] == "fill":
        fill(path)
    else:
        sys.stdout.write(role_sql(path))


if __name__ == "__main__":
    main(sys.argv)
