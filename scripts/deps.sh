#!/usr/bin/env bash
# Installs, from Debian, the tools the tests use that this machine lacks.
# Best effort: as root it runs `apt-get update` once and installs the missing
# packages; otherwise (not root, offline, not Debian) it only prints one line
# per missing tool, and the tests that need it skip (or fail under CI=true).
# Used by `make test` (make deps) and .ci/run. Always exits 0.
#
# To add a tool: one line in the list below, "COMMAND-OR-FILE PACKAGE".
set -uo pipefail

need_list='
openssl                          openssl
make                             make
git                              git
pdftotext                        poppler-utils
chromium                         chromium
softhsm2-util                    softhsm2
/usr/lib/softhsm/libsofthsm2.so  softhsm2
pkcs11-tool                      opensc
curl                             curl
script                           bsdutils
rauc                             rauc
mksquashfs                       squashfs-tools
swupdate                         swupdate
cpio                             cpio
mender-artifact                  mender-artifact
mender                           mender-client
ostree                           ostree
gpg                              gnupg
dbus-daemon                      dbus
xz                               xz-utils
zstd                             zstd
pg_ctlcluster                    postgresql
faketime                         faketime
setpriv                          util-linux
'

missing=() # packages, deduplicated
while read -r probe pkg; do
  [ -z "$probe" ] && continue
  if [[ $probe == /* ]]; then
    [ -e "$probe" ] && continue
  else
    command -v "$probe" >/dev/null 2>&1 && continue
  fi
  case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
  echo "deps: missing $probe (Debian package $pkg)"
done <<<"$need_list"

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: not root or no apt-get: not installing ${missing[*]}; the tests that need them will skip"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps: installing ${missing[*]}"
if ! apt-get update -qq >/dev/null 2>&1; then
  echo "deps: apt-get update failed (offline?); trying the cached package lists"
fi
# One package at a time, so that one that is unavailable does not stop the others.
for pkg in "${missing[@]}"; do
  if ! apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1; then
    echo "deps: could not install $pkg; the tests that need it will skip (fail under CI=true)"
  fi
done
exit 0
