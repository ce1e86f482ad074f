#!/bin/sh
# Prove the offline install: clone this checkout into a temporary folder, carry ./wheelhouse and var/vendor
# over as a release would (tar keeps their old file times), cut the network (`unshare -n`, needs root) and run
# `make install` (the install step of `make run`) and the test extras with pip's own configuration and an empty
# npm cache, so that nothing but the wheelhouse and var/vendor can be used.
#   deploy/check-offline-install.sh            (after `make wheelhouse`)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
ls "$src"/wheelhouse/*.whl >/dev/null 2>&1 || { echo "no $src/wheelhouse: run make wheelhouse first" >&2; exit 2; }
[ -f "$src/var/vendor/html5-qrcode/html5-qrcode.min.js" ] || { echo "no var/vendor: run make assets" >&2; exit 2; }
tmp=$(mktemp -d /var/tmp/anxiao-offline.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$src" "$tmp/anxiao"
tar -C "$src" -cf - wheelhouse var/vendor | tar -C "$tmp/anxiao" -xf -
mkdir "$tmp/npm-cache"
cd "$tmp/anxiao"
start=$(date +%s)
unshare -n env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
  npm_config_cache="$tmp/npm-cache" make install .venv/.installed-test
.venv/bin/python -c "import anxiao, django, gunicorn, pytest; print('offline install ok: Django', django.__version__)"
echo "wheelhouse: $(ls "$src"/wheelhouse | wc -l) wheels, $(du -sh "$src/wheelhouse" | cut -f1); install took $(( $(date +%s) - start )) s"
