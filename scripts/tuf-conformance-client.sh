#!/bin/sh
# The tuf-conformance suite fakes the clock with libfaketime, which reaches
# programs that ask libc for the time (date(1)) but not a Go binary. This
# wrapper reads the (faked) time from date(1) and hands it to craudit's
# tuf-client as SOURCE_DATE_EPOCH, the clock that test-protocol adapter
# takes. CRAUDIT names the binary: craudit, or the lean craudit-client
# (default: craudit on PATH).
SOURCE_DATE_EPOCH=$(date +%s) exec "${CRAUDIT:-craudit}" tuf-client "$@"
