#!/bin/sh
# st200-ota 2.3 - over-the-air updater of the ST-200 room thermostat.
# EXAMPLE ONLY (craudit docs/examples/st200): a fictional vendor's hand-rolled
# updater in the style of ENISA's thermostat example, tested by
# `craudit attack --profile manifest --layout st200.layout.yaml` as it is.
#
# Trust: the device holds the root public key. The root key certifies the
# vendor key (ota/trust/vendor-cert.json + .sig); the vendor key signs the
# release file (ota/st200/release.json + .sig), which names the model, the
# boards, the firmware version, an anti-rollback counter, its validity and
# the SHA-256 and length of each image. Keys are ECDSA P-256.
#
#   st200-ota.sh -k ROOT.pem -c CA.pem -s https://SERVER -d DATA -v VERSION \
#       -i SLOTS -m MODEL -b BOARD [-x HOST:PORT:ADDR:PORT2] install
#
# -d DATA keeps the counter, the installed release's digest and update.log;
# -i SLOTS holds the active image set (SLOTS/active) and the one before it
# (SLOTS/previous); -x reaches HOST at ADDR:PORT2 (curl --connect-to).
# Exit 0: the release is installed (or is the installed one); 1: refused,
# with SLOTS/active and DATA as they were.
set -u
umask 077
LC_ALL=C
export LC_ALL

MAX_META=65536        # release file, certificate, signatures
MAX_IMAGE=134217728   # any image, whatever the release file says
NOW=${SOURCE_DATE_EPOCH:-$(date +%s)}

say() { echo "st200-ota: $*" >&2; }
refuse() {
	say "refused: $*"
	[ -z "${DATA:-}" ] || [ ! -d "$DATA" ] || echo "$NOW refused $*" >>"$DATA/update.log"
	exit 1
}

ROOTKEY= CACERT= SERVER= DATA= CURRENT= SLOTS= MODEL= BOARD= VIA=
while getopts k:c:s:d:v:i:m:b:x: opt; do
	case $opt in
	k) ROOTKEY=$OPTARG ;; c) CACERT=$OPTARG ;; s) SERVER=${OPTARG%/} ;;
	d) DATA=$OPTARG ;; v) CURRENT=$OPTARG ;; i) SLOTS=$OPTARG ;;
	m) MODEL=$OPTARG ;; b) BOARD=$OPTARG ;; x) VIA=$OPTARG ;;
	*) refuse "usage: st200-ota.sh -k ROOT.pem -c CA.pem -s URL -d DATA -v VERSION -i SLOTS -m MODEL -b BOARD [-x RULE] install" ;;
	esac
done
shift $((OPTIND - 1))
[ "$*" = install ] || refuse "nothing to do (want: install)"
[ -n "$ROOTKEY" ] && [ -n "$CACERT" ] && [ -n "$SERVER" ] && [ -n "$DATA" ] && [ -n "$CURRENT" ] &&
	[ -n "$SLOTS" ] && [ -n "$MODEL" ] && [ -n "$BOARD" ] || refuse "-k -c -s -d -v -i -m -b are required"
case $SERVER in https://*) ;; *) refuse "$SERVER: the update server is reached over https only" ;; esac
case $NOW in '' | *[!0-9]*) refuse "SOURCE_DATE_EPOCH is not a number" ;; esac
mkdir -p "$DATA" "$SLOTS" || refuse "cannot make $DATA or $SLOTS"

# Staging beside the slots, so that installing is a rename; removed on every
# exit, also what a killed run left.
rm -rf "$SLOTS"/.staging-*
STAGE=$SLOTS/.staging-$$
mkdir "$STAGE" "$STAGE/noca" || refuse "cannot make $STAGE"
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 1' HUP INT TERM

# get PATH LIMIT FILE: SERVER/PATH into FILE, at most LIMIT bytes. TLS 1.2+
# against the pinned CA only, https also after redirects, bounded in time
# and rate; head cuts a body sent without Content-Length.
get() {
	rm -f "$STAGE/rc"
	{
		curl --silent --show-error --fail --location --max-redirs 2 \
			--proto =https --proto-redir =https --tlsv1.2 \
			--cacert "$CACERT" --capath "$STAGE/noca" ${VIA:+--connect-to "$VIA"} \
			--connect-timeout 10 --max-time 60 --speed-limit 2048 --speed-time 5 \
			--max-filesize "$2" "$SERVER/$1" 2>"$STAGE/err" || echo $? >"$STAGE/rc"
	} | head -c "$(($2 + 1))" >"$3"
	if [ -s "$STAGE/rc" ]; then
		read -r why <"$STAGE/err" || why=
		refuse "$1: download failed: $why"
	fi
	[ "$(wc -c <"$3")" -le "$2" ] || refuse "$1: larger than $2 bytes"
}

# signed PUB FILE SIG: an ECDSA P-256 / SHA-256 signature (DER) over FILE.
signed() { openssl dgst -sha256 -verify "$1" -signature "$3" "$2" >/dev/null 2>&1; }

# The vendor's signed files are JSON written with two-space indentation, one
# value per line. flat turns one into NAME<TAB>VALUE lines: top-level values
# as NAME, members of top-level objects as NAME.MEMBER, strings of arrays as
# NAME[], each object of an array as NAME{} with "member:value" words. Any
# other line, a name given twice, a backslash other than \n, or data after
# the closing brace makes it fail: it is only ever run on verified bytes.
flat() {
	awk '
	function no() { bad = 1; exit 1 }
	function v(s) {
		sub(/,$/, "", s)
		if (s ~ /^"([^"\\]|\\n)*"$/) return substr(s, 2, length(s) - 2)
		if (s ~ /^[0-9]+$/) return s
		no()
	}
	function put(k, x) { if (k in seen) no(); seen[k] = 1; print k "\t" x }
	NR == 1 { if ($0 != "{") no(); next }
	closed { no() }
	$0 == "}" { if (ctx != "") no(); closed = 1; next }
	{
		ind = match($0, /[^ ]/) - 1; s = substr($0, ind + 1); k = ""
		if (match(s, /^"[a-z0-9_.-]+": /)) { k = substr(s, 2, RLENGTH - 4); s = substr(s, RLENGTH + 1) }
	}
	ctx == "" && ind == 2 && k != "" {
		if (s == "{") { ctx = "obj"; name = k }
		else if (s == "[") { ctx = "arr"; name = k }
		else if (s ~ /^\[\],?$/) put(k, "")
		else put(k, v(s))
		next
	}
	ctx == "obj" && ind == 4 && k != "" { put(name "." k, v(s)); next }
	ctx == "obj" && ind == 2 && s ~ /^},?$/ { ctx = ""; next }
	ctx == "arr" && ind == 4 && k == "" && s ~ /^"/ { print name "[]\t" v(s); next }
	ctx == "arr" && ind == 4 && s == "{" { ctx = "item"; item = ""; split("", got); next }
	ctx == "arr" && ind == 2 && s ~ /^\],?$/ { ctx = ""; next }
	ctx == "item" && ind == 6 && k != "" { if (k in got) no(); got[k] = 1; item = item " " k ":" v(s); next }
	ctx == "item" && ind == 4 && s ~ /^},?$/ { print name "{}\t" substr(item, 2); ctx = "arr"; next }
	{ no() }
	END { if (!bad && !closed) exit 1 }
	' "$1"
}

# newer A B: dotted version A is above B (parts compared as numbers).
newer() {
	a=$1. b=$2.
	while [ -n "$a$b" ]; do
		x=${a%%.*} y=${b%%.*}
		a=${a#*.} b=${b#*.}
		case $x$y in *[!0-9]*) return 1 ;; esac
		[ "${x:-0}" -gt "${y:-0}" ] && return 0
		[ "${x:-0}" -lt "${y:-0}" ] && return 1
	done
	return 1
}

TAB=$(printf '\t')
COUNTER=0
[ ! -f "$DATA/counter" ] || read -r COUNTER <"$DATA/counter" || COUNTER=
case $COUNTER in '' | *[!0-9]*) refuse "$DATA/counter is damaged: no update without the anti-rollback counter" ;; esac
INSTALLED_SHA=
[ ! -f "$DATA/release.sha256" ] || read -r INSTALLED_SHA <"$DATA/release.sha256" || INSTALLED_SHA=

# 1. The vendor key, certified by the root key.
get ota/trust/vendor-cert.json "$MAX_META" "$STAGE/cert.json"
get ota/trust/vendor-cert.json.sig "$MAX_META" "$STAGE/cert.sig"
signed "$ROOTKEY" "$STAGE/cert.json" "$STAGE/cert.sig" || refuse "vendor certificate: not signed by the root key"
flat "$STAGE/cert.json" >"$STAGE/cert.txt" || refuse "vendor certificate: unreadable"
KEY= FROM= UNTIL= FORMODEL=
while IFS=$TAB read -r k x; do
	case $k in
	subject.public_key) KEY=$x ;;
	not_before) FROM=$x ;;
	not_after) UNTIL=$x ;;
	'scope[]') [ "$x" != "$MODEL" ] || FORMODEL=1 ;;
	esac
done <"$STAGE/cert.txt"
[ -n "$FORMODEL" ] || refuse "vendor certificate: not for the $MODEL"
case $KEY in '-----BEGIN PUBLIC KEY-----\n'*'-----END PUBLIC KEY-----\n') ;; *) refuse "vendor certificate: no public key" ;; esac
printf '%b' "$KEY" >"$STAGE/vendor.pem"
set -- $(printf '%s\n%s\n' "$FROM" "$UNTIL" | date -u -f - +%s 2>/dev/null)
[ $# = 2 ] || refuse "vendor certificate: unreadable validity"
[ "$1" -le "$NOW" ] && [ "$NOW" -lt "$2" ] || refuse "vendor certificate: not valid now"

# 2. The release file, signed by the vendor key.
get ota/st200/release.json "$MAX_META" "$STAGE/release.json"
get ota/st200/release.json.sig "$MAX_META" "$STAGE/release.sig"
signed "$STAGE/vendor.pem" "$STAGE/release.json" "$STAGE/release.sig" || refuse "release: not signed by the vendor key"
flat "$STAGE/release.json" >"$STAGE/release.txt" || refuse "release: unreadable"
FORMAT= DEVICE= FORBOARD= VERSION= EPOCH= ISSUED= VALID= IMAGES=
while IFS=$TAB read -r k x; do
	case $k in
	format) FORMAT=$x ;;
	device) DEVICE=$x ;;
	'boards[]') [ "$x" != "$BOARD" ] || FORBOARD=1 ;;
	fw_version) VERSION=$x ;;
	anti_rollback) EPOCH=$x ;;
	issued_at) ISSUED=$x ;;
	valid_until) VALID=$x ;;
	'images{}') IMAGES="$IMAGES$x
" ;;
	esac
done <"$STAGE/release.txt"
[ "$FORMAT" = st200-ota/1 ] || refuse "release: format ${FORMAT:-none}, want st200-ota/1"
RELEASE_SHA=$(sha256sum <"$STAGE/release.json") || refuse "release: cannot hash"
RELEASE_SHA=${RELEASE_SHA%% *}

# 3. For this device: model and board.
[ "$DEVICE" = "$MODEL" ] || refuse "release: for ${DEVICE:-no device}, this is a $MODEL"
[ -n "$FORBOARD" ] || refuse "release: board $BOARD not listed"

# 4. Fresh: issued, not yet expired (unix seconds).
case $ISSUED$VALID in '' | *[!0-9]*) refuse "release: no validity" ;; esac
[ "$ISSUED" -le "$NOW" ] || refuse "release: issued in the future"
[ "$NOW" -lt "$VALID" ] || refuse "release: expired"

# 5. Anti-rollback: a newer version and a higher counter.
if [ "$RELEASE_SHA" = "$INSTALLED_SHA" ] && [ "$VERSION" = "$CURRENT" ]; then
	say "$CURRENT is installed and current"
	exit 0
fi
newer "$VERSION" "$CURRENT" || refuse "release: $VERSION is not newer than $CURRENT"
case $EPOCH in '' | *[!0-9]*) refuse "release: no anti-rollback counter" ;; esac
[ "$EPOCH" -gt "$COUNTER" ] || refuse "release: anti-rollback counter $EPOCH is not above $COUNTER"

# 6. Images: length and SHA-256, into the staging slot.
[ -n "$IMAGES" ] || refuse "release: no images"
mkdir "$STAGE/slot" || refuse "cannot make the staging slot"
while read -r f l h; do
	[ -n "$f" ] || continue
	f=${f#file:} l=${l#length:} h=${h#sha256:}
	case $f in '' | .* | *[!A-Za-z0-9._-]*) refuse "release: image name \"$f\"" ;; esac
	case $l in '' | *[!0-9]*) refuse "$f: no length" ;; esac
	[ "$l" -le "$MAX_IMAGE" ] || refuse "$f: $l bytes is over $MAX_IMAGE"
	get "ota/st200/images/$f" "$l" "$STAGE/slot/$f"
	[ "$(wc -c <"$STAGE/slot/$f")" -eq "$l" ] || refuse "$f: length differs from the release file"
	got=$(sha256sum <"$STAGE/slot/$f") || refuse "$f: cannot hash"
	[ "${got%% *}" = "$h" ] || refuse "$f: SHA-256 differs from the release file"
done <<EOT
$IMAGES
EOT

# 7. Switch slots, then raise the counter. (A real ST-200 raises it after the
# new firmware booted and passed its health check.)
rm -rf "$SLOTS/previous"
[ ! -d "$SLOTS/active" ] || mv "$SLOTS/active" "$SLOTS/previous" || refuse "cannot keep the previous slot"
mv "$STAGE/slot" "$SLOTS/active" || refuse "cannot activate the new slot"
echo "$EPOCH" >"$DATA/.counter" && mv "$DATA/.counter" "$DATA/counter" &&
	echo "$RELEASE_SHA" >"$DATA/release.sha256" || refuse "installed, but the counter could not be stored"
echo "$NOW installed $VERSION counter $EPOCH" >>"$DATA/update.log"
say "installed $VERSION (anti-rollback counter $EPOCH)"
exit 0
