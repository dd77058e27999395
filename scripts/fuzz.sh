#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a short time each. The time per
# target is $1 (default 5s), shrunk so that all targets together fuzz for at
# most FUZZBUDGET seconds (default 60; the instrumented builds come on top, the limit
# for the whole run is 3 minutes).
set -euo pipefail
fuzztime=${1:-5s}
budget=${FUZZBUDGET:-60}
cd "$(dirname "$0")/.."
list=()
while IFS= read -r file; do
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    list+=("./$(dirname "$file") $target")
  done
done < <(git ls-files '*_test.go' 2>/dev/null || find . -name '*_test.go')
secs=${fuzztime%s}
if [[ $secs =~ ^[0-9]+$ ]] && ((${#list[@]} * secs > budget)); then
  secs=$((budget / ${#list[@]}))
  ((secs < 1)) && secs=1
  echo "fuzz: ${#list[@]} targets x $fuzztime is over the ${budget}s budget: ${secs}s each"
  fuzztime=${secs}s
fi
start=$SECONDS
for entry in "${list[@]}"; do
  read -r pkg target <<<"$entry"
  echo "fuzz $pkg $target ($fuzztime)"
  out=$(mktemp)
  if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" 2>&1 | tee "$out"; then
    # Go's fuzzer can end with "context deadline exceeded" when the time runs
    # out while a worker is inside one slow input; that is not a crash. A
    # crash always writes its failing input, so only that fails the run.
    if grep -q "context deadline exceeded" "$out" && ! grep -q "Failing input written" "$out"; then
      echo "fuzz: $target stopped at the deadline inside an input (not a crash)"
    else
      rm -f "$out"
      exit 1
    fi
  fi
  rm -f "$out"
done
echo "fuzz: ${#list[@]} targets ran without a crash in $((SECONDS - start))s"
