#!/bin/sh
# Install the Debian packages of a set from deploy/debian-packages.txt that are not installed yet.
#   deploy/debian-packages.sh run|server|test|render [--check]
# run: what `make run` needs; server: run + server; test: run + test; render: run + render (docs/render_exports.py).
# --check only lists what is missing.
# Without root (and without sudo) it prints the apt-get command to run and exits 0: the product still
# starts (PDF exports answer a clear message until the font is installed).
set -eu
here=$(dirname "$0")
want=${1:-run}
case "$want" in
  run) sets="run" ;;
  server) sets="run server" ;;
  test) sets="run test" ;;
  render) sets="run render" ;;
  *) echo "usage: $0 run|server|test|render [--check]" >&2; exit 2 ;;
esac
missing=""
for pkg in $(awk -v sets=" $sets " '!/^#/ && NF >= 2 { n = split($2, s, ","); for (i = 1; i <= n; i++) if (index(sets, " " s[i] " ")) { print $1; break } }' "$here/debian-packages.txt"); do
  # Installed as a package, or its command already on PATH from elsewhere (npm from NodeSource, say).
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
     && ! command -v "$pkg" >/dev/null 2>&1; then
    missing="$missing $pkg"
  fi
done
[ -z "$missing" ] && exit 0
if [ "${2:-}" = "--check" ]; then echo "missing:$missing"; exit 1; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian-family system: install these packages yourself:$missing" >&2; exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
  echo "WARNING: missing Debian packages:$missing"
  echo "         run as root: apt-get install -y$missing"
  exit 0
fi
echo "Installing Debian packages:$missing"
$SUDO apt-get update -qq || true
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null; then
  echo "WARNING: apt-get could not install:$missing (offline? see docs/deploy.md)" >&2
fi
exit 0
