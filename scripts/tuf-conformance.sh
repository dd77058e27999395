#!/usr/bin/env bash
# Runs the tuf-conformance suite against `craudit tuf-client`, from sources
# fetched beforehand (nothing is downloaded or committed here):
#   scripts/tuf-conformance.sh SUITE_DIR PYTHON_TUF_DIR SECURESYSTEMSLIB_DIR [pytest args...]
# SUITE_DIR is a checkout of github.com/theupdateframework/tuf-conformance,
# the other two of python-tuf and securesystemslib. Needs python3,
# python3-cryptography, python3-pytest and faketime (Debian packages) and
# builds craudit-client (the lean build of `craudit tuf-client`) into a
# temporary folder unless CRAUDIT names a binary (craudit or craudit-client).
# PYTHON picks the interpreter (default: Debian's /usr/bin/python3, where
# its packages are installed, else python3 on PATH).
set -euo pipefail
if (($# < 3)); then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
suite=$(cd "$1" && pwd) pytuf=$(cd "$2" && pwd) ssl=$(cd "$3" && pwd)
shift 3
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-/usr/bin/python3}
[[ -x $python ]] || python=python3
for tool in "$python" faketime; do
  command -v "$tool" >/dev/null || { echo "tuf-conformance: $tool is not installed" >&2; exit 2; }
done
if [[ -z ${CRAUDIT:-} ]]; then
  tmp=$(mktemp -d)
  (cd "$here/.." && go build -trimpath -o "$tmp/craudit-client" ./cmd/craudit/craudit-client)
  export CRAUDIT=$tmp/craudit-client
fi
shim=$(mktemp -d)
trap 'rm -rf "$shim" ${tmp:-}' EXIT
# securesystemslib 1.x imports the key-type aliases that pyca/cryptography
# named PrivateKeyTypes/PublicKeyTypes from version 40 on; Debian 12 ships
# 38, where they are PRIVATE_KEY_TYPES/PUBLIC_KEY_TYPES. Alias them.
cat >"$shim/sitecustomize.py" <<'PY'
from cryptography.hazmat.primitives.asymmetric import types as _t
for _new, _old in (("PrivateKeyTypes", "PRIVATE_KEY_TYPES"), ("PublicKeyTypes", "PUBLIC_KEY_TYPES")):
    if not hasattr(_t, _new):
        setattr(_t, _new, getattr(_t, _old))
PY
cd "$suite"
PYTHONPATH="$shim:$suite:$pytuf:$ssl" "$python" -m pytest -p no:cacheprovider -q tuf_conformance \
  --entrypoint "$here/tuf-conformance-client.sh" "$@"
