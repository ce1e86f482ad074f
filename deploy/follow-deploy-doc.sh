#!/bin/bash
# Run the `sh <section>` blocks of docs/deploy.md in order, as root, on a fresh Debian-family machine:
#   sudo SRC=/path/to/release DOMAIN=anxiao.example.gov.cn deploy/follow-deploy-doc.sh install|upgrade|rollback
#   deploy/follow-deploy-doc.sh --print install      (only print the script)
# The page is the procedure; this runs it line by line, stopping at the first failing command.
set -euo pipefail
print=0
if [ "${1:-}" = "--print" ]; then print=1; shift; fi
section="${1:-install}"
here="$(cd "$(dirname "$0")/.." && pwd)"
script="$(awk -v want="$section" '
  /^```sh / { split($0, a, " "); run = (a[2] == want); next }
  /^```/    { run = 0; next }
  run       { print }' "$here/docs/deploy.md")"
if [ -z "$script" ]; then echo "docs/deploy.md has no \`sh $section\` blocks" >&2; exit 2; fi
if [ "$print" = 1 ]; then printf '%s\n' "$script"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "run as root (on a machine meant for it)" >&2; exit 1; fi
export SRC="${SRC:-$here}"
exec bash -euo pipefail -x -c "$script"
