#!/usr/bin/env bash
# `make bench`: craudit against the tools a user would otherwise run, each
# pair side by side on this machine, with ratios; writes the table into
# docs/performance.md between its bench markers.
#
# Environment:
#   BENCH_RUNS      runs per command, the median is kept (default 3)
#   BENCH_SIZE_MIB  size of the opaque artefact (default 1024)
#   BENCH_TMP       work folder parent (default /tmp); needs 2x BENCH_SIZE_MIB free
#   BENCH_TOOLS     where syft and osv-scanner are installed (default ~/.cache/craudit-bench)
#   BENCH_ONLY      space-separated subset of: bundle sbom scan verify report
#   BENCH_NO_DOC=1  print the table only, leave docs/performance.md alone
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${BENCH_RUNS:-3}
size_mib=${BENCH_SIZE_MIB:-1024}
only=${BENCH_ONLY:-"bundle sbom scan verify report"}
tools=${BENCH_TOOLS:-$HOME/.cache/craudit-bench}
mkdir -p "$tools"
work=$(mktemp -d "${BENCH_TMP:-/tmp}/craudit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
want() { [[ " $only " == *" $1 "* ]]; }
log() { echo "bench: $*" >&2; }

# --- measuring -------------------------------------------------------------
# measure NAME CMD...: runs CMD $runs times (after `clean`, untimed), keeps
# the median wall time and the largest peak RSS; sets T[NAME] and M[NAME].
declare -A T M
clean() { :; }
measure() {
  local name=$1
  shift
  local times=() rss=0 i
  for ((i = 0; i < runs; i++)); do
    clean
    if ! /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
      log "$name failed: $(tail -n 3 "$work/err")"
      T[$name]=failed
      return 0
    fi
    read -r e m <"$work/time"
    times+=("$e")
    if ((m > rss)); then rss=$m; fi
  done
  T[$name]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  M[$name]=$((rss / 1024))
  log "$name: ${T[$name]} s, ${M[$name]} MiB peak RSS"
}
ratio() { # ratio A B -> A/B with two decimals, or "-"
  if [[ ${T[$1]:-} =~ ^[0-9.]+$ && ${T[$2]:-} =~ ^[0-9.]+$ ]]; then
    awk -v a="${T[$1]}" -v b="${T[$2]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
  else
    echo "-"
  fi
}
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
skipped() { rows+=("| $1 | skipped: $2 | | | | $3 |"); }

# --- inputs ----------------------------------------------------------------
log "building craudit"
go build -trimpath -o "$work/craudit" ./cmd/craudit
craudit=$work/craudit
log "generating inputs in $work"
go run ./fixtures/benchgen -out "$work/in" >/dev/null
"$craudit" keys generate --out "$work/keys" --name vendor >/dev/null 2>&1
in=$work/in
bundle_args=(--product "$in/product.yaml" --release "$in/release.yaml" --signing-key "$work/keys/vendor.key")
image=$(ls "$in"/thermostat-fw-*.tar)
syft_version=$(go list -m -f '{{.Version}}' github.com/anchore/syft)
osv_version=$(go list -m -f '{{.Version}}' github.com/google/osv-scanner/v2 2>/dev/null || echo v2.5.1)

install_tool() { # install_tool NAME MODULE/CMD VERSION
  local bin=$tools/$1-$3
  if [[ ! -x $bin ]]; then
    log "installing $1 $3 (go install, once)"
    GOBIN=$tools/gobin-$1-$3 GOFLAGS= go install "$2@$3" >&2
    mv "$tools/gobin-$1-$3/$1" "$bin"
    rmdir "$tools/gobin-$1-$3"
  fi
  echo "$bin"
}

# --- 1. bundle of an opaque artefact vs cp + sync ----------------------------
if want bundle; then
  free_mib=$(df -Pm "$work" | awk 'NR == 2 {print $4}')
  if ((free_mib < 2 * size_mib + 512)); then
    skipped "bundle ${size_mib} MiB opaque artefact" "only ${free_mib} MiB free in $work" "<= 1.15x cp+sync"
  else
    log "writing a ${size_mib} MiB opaque artefact"
    head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/firmware.bin"
    sync
    clean() { rm -rf "$work/out-bundle" "$work/out-cp"; sync; }
    measure cp sh -c "cp '$work/firmware.bin' '$work/out-cp' && sync"
    measure naive sh -c "cp '$work/firmware.bin' '$work/out-cp' && sha256sum '$work/firmware.bin' && sha512sum '$work/firmware.bin' && sync"
    # The three tools side by side, each reading the artefact on its own.
    measure parallel sh -c "cp '$work/firmware.bin' '$work/out-cp' & sha256sum '$work/firmware.bin' & sha512sum '$work/firmware.bin'; wait; sync"
    measure bundle "$craudit" bundle "${bundle_args[@]}" --artefact "$work/firmware.bin" --out "$work/out-bundle"
    clean
    clean() { :; }
    rm -f "$work/firmware.bin"
    row "bundle, ${size_mib} MiB opaque artefact (no --sbom)" "${T[bundle]}" "cp + sync" "${T[cp]}" "$(ratio bundle cp)" "<= 1.15"
    row "bundle, ${size_mib} MiB opaque artefact (no --sbom)" "${T[bundle]}" "cp & sha256sum & sha512sum; sync (in parallel)" "${T[parallel]}" "$(ratio bundle parallel)" "(informative)"
    row "bundle, ${size_mib} MiB opaque artefact (no --sbom)" "${T[bundle]}" "cp; sha256sum; sha512sum; sync" "${T[naive]}" "$(ratio bundle naive)" "(informative)"
  fi
fi

# --- 2. SBOM of the demo image vs the syft CLI ------------------------------
if want sbom; then
  syft=$(install_tool syft github.com/anchore/syft/cmd/syft "$syft_version")
  clean() { rm -rf "$work/out-sbom" "$work/syft.cdx.json"; }
  # bundle does more than the SBOM (copy, manifest, signatures): an upper bound.
  measure sbom "$craudit" bundle "${bundle_args[@]}" --artefact "$image" --out "$work/out-sbom"
  measure syft env SYFT_CHECK_FOR_APP_UPDATE=false "$syft" scan "file:$image" -q -o "cyclonedx-json=$work/syft.cdx.json"
  clean
  clean() { :; }
  row "SBOM of the demo image (craudit bundle)" "${T[sbom]}" "syft $syft_version scan" "${T[syft]}" "$(ratio sbom syft)" "<= 1.05"
fi

# --- 3. offline vulnerability scan vs the osv-scanner CLI ---------------------
if want scan; then
  if ! "$craudit" bundle "${bundle_args[@]}" --artefact "$image" --sbom "$in/big.cdx.json" --osv-db "$in/osv-db" --out "$work/probe" >/dev/null 2>"$work/err"; then
    skipped "offline scan of a 10,000-component SBOM" "$(tail -n 1 "$work/err")" "<= 1.0x"
  else
    rm -rf "$work/probe"
    osv=$(install_tool osv-scanner github.com/google/osv-scanner/v2/cmd/osv-scanner "$osv_version")
    cp "$in/big.cdx.json" "$work/scan.cdx.json"
    clean() { rm -rf "$work/out-scan" "$work/out-noscan"; }
    measure noscan "$craudit" bundle "${bundle_args[@]}" --artefact "$image" --sbom "$work/scan.cdx.json" --out "$work/out-noscan"
    measure scan "$craudit" bundle "${bundle_args[@]}" --artefact "$image" --sbom "$work/scan.cdx.json" --osv-db "$in/osv-db" --out "$work/out-scan"
    # osv-scanner exits 1 when it finds vulnerabilities: that is its success here.
    measure osv sh -c "OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY='$in/osv-db' '$osv' scan source --offline --offline-vulnerabilities -L '$work/scan.cdx.json' --format json >/dev/null; test \$? -le 1"
    clean
    clean() { :; }
    T[scanonly]=$(awk -v a="${T[scan]}" -v b="${T[noscan]}" 'BEGIN { printf "%.2f", a - b }')
    row "offline scan, 10,000 components, 1,000 findings (bundle with minus without --osv-db)" "${T[scanonly]}" "osv-scanner $osv_version --offline-vulnerabilities" "${T[osv]}" "$(ratio scanonly osv)" "<= 1.0"
    row "offline scan (whole bundle command)" "${T[scan]}" "osv-scanner $osv_version" "${T[osv]}" "$(ratio scan osv)" "(informative)"
  fi
fi

# --- 4. verify of a 10,000-target TUF repository vs go-tuf's updater ----------
if want verify; then
  log "go test -bench (verify vs go-tuf updater)"
  go test ./checks/verifier/ -run '^$' -bench '10k$' -benchtime "${runs}x" -count 1 >"$work/gobench" 2>&1 || { cat "$work/gobench" >&2; exit 1; }
  nsop() { awk -v b="$1" '$1 ~ "^"b"(-[0-9]+)?$" {print $3}' "$work/gobench"; }
  T[verify]=$(awk -v n="$(nsop BenchmarkVerifyTUF10k)" 'BEGIN {printf "%.2f", n / 1e9}')
  T[gotuf]=$(awk -v n="$(nsop BenchmarkGoTUFUpdater10k)" 'BEGIN {printf "%.2f", n / 1e9}')
  row "verify, 10,000-target TUF repository, refresh + 3 downloads" "${T[verify]}" "go-tuf v2 updater, same steps" "${T[gotuf]}" "$(ratio verify gotuf)" "<= 1.1"
fi

# --- 5. check + HTML + PDF of a 10,000-component SBOM with 1,000 findings -----
if want report; then
  if ! "$craudit" bundle "${bundle_args[@]}" --artefact "$image" --sbom "$in/big.cdx.json" --osv-db "$in/osv-db" --out "$work/big-bundle" >/dev/null 2>"$work/err"; then
    skipped "check + HTML + PDF, 10,000 components, 1,000 findings" "$(tail -n 1 "$work/err")" "< 3 s, < 400 MB"
  else
    trust=$work/keys/vendor.pub # no certificate: the signer is the trust anchor
    clean() { rm -f "$work/r.json" "$work/r.html" "$work/r.pdf"; }
    # check exits 1 here (the generated release is noncompliant): that is a result.
    formats="html pdf"
    what="check + HTML + PDF"
    if ! "$craudit" report --help 2>&1 | grep -q pdf; then
      formats=html
      what="check + HTML (this build renders no PDF)"
    fi
    script="'$craudit' check '$work/big-bundle' --trust '$trust' --format json --out '$work/r.json'; test \$? -le 1"
    for f in $formats; do
      script+=" && { '$craudit' report '$work/big-bundle' --trust '$trust' --format $f --out '$work/r.$f'; test \$? -le 1; }"
    done
    measure report sh -c "$script"
    clean
    clean() { :; }
    row "$what, 10,000 components, 1,000 findings" "${T[report]} (${M[report]:-?} MiB peak)" "goal" "3 s, 400 MB" "-" "< 3 s, < 400 MB"
  fi
fi

# --- table -----------------------------------------------------------------
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(free -h | awk '/^Mem:/ {print $2}')
load=$(cut -d' ' -f1-3 /proc/loadavg)
table=$(
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($cpu), $mem RAM, load average $load;"
  echo "median of $runs runs, warm page cache, $(go version | awk '{print $3}')."
  echo
  echo "| craudit | s | peer | s | ratio | goal |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
)
echo "$table"
if [[ -z ${BENCH_NO_DOC:-} ]]; then
  doc=docs/performance.md
  TABLE="$table" python3 - "$doc" <<'EOF'
import os, re, sys
p = sys.argv[1]
s = open(p).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
new = begin + "\n" + os.environ["TABLE"] + "\n" + end
s = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: new, s, flags=re.S)
open(p, "w").write(s)
EOF
  log "table written to $doc"
fi
