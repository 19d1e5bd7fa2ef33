#!/bin/sh
# lsms's audits against the tools they replace (a measurement, not a test):
#
#   bench/lsms-audit.sh [BUILD_DIR [MIB [FILES]]]
#
# MIB 0 skips (a).
#
# (a) lsms --check of a disc file whose second session holds MIB (1024)
#     MiB of data, grown by xorriso with -md5 on, against md5sum of the
#     same file and xorriso -md5 on -check_media on it: wall time (best of
#     three, page cache warm) and peak RSS, and the ratios.  The target:
#     within 1.3x md5sum, no slower than xorriso.
# (b) lsms --diff between two sessions of FILES (200000) files against the
#     two xorriso -load sbsector S -find / -exec report_lba listings it
#     replaces.  The target: at most 0.5x.
#
# Needs xorriso, md5sum, /usr/bin/time; about 2 * MIB MiB in TMPDIR.
set -eu

build=${1:-build}
mib=${2:-1024}
nfiles=${3:-200000}
lsms=$build/bin/lsms
mkms=$build/bin/mkms
burnms=$build/bin/burnms
for t in "$lsms" "$mkms" "$burnms"; do
	[ -x "$t" ] || { echo "lsms-audit: no $t; run make" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mstools-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# best OUT CMD...: run CMD three times; OUT gets "seconds peak_kib
# cpu_seconds" of the fastest run
best() {
	out=$1
	shift
	: >"$work/$out"
	for run in 1 2 3; do
		/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" \
			>"$work/stdout" 2>"$work/stderr" || true
		cat "$work/time" >>"$work/$out"
	done
	sort -n "$work/$out" | head -n 1 >"$work/$out.best"
	cp "$work/$out.best" "$work/$out"
}

secs() { cut -d' ' -f1 "$work/$1"; }
kib() { cut -d' ' -f2 "$work/$1"; }
cpu() { awk '{ printf "%.2f", $3 + $4 }' "$work/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# --- (a) --check of a 1 GiB session ------------------------------------
if [ "$mib" -gt 0 ]; then
echo "(a) building a disc file with a ${mib} MiB session (xorriso -md5 on) ..."
mkdir "$work/s1" "$work/s2"
echo "first" >"$work/s1/first"
i=0
while [ "$i" -lt $((mib / 64)) ]; do
	head -c $((64 * 1024 * 1024)) /dev/urandom >"$work/s2/part$i"
	i=$((i + 1))
done
disc=$work/disc.iso
xorriso -md5 on -outdev "$disc" -map "$work/s1" /s1 -commit >/dev/null 2>&1
xorriso -md5 on -dev "$disc" -map "$work/s2" /s2 -commit >/dev/null 2>&1
rm -rf "$work/s2"
cat "$disc" >/dev/null

best lsms "$lsms" --check "$disc"
grep -q '^intact:' "$work/stdout" || {
	echo "lsms --check did not find the disc intact:" >&2
	cat "$work/stdout" "$work/stderr" >&2
	exit 1
}
best md5 md5sum "$disc"
best xo xorriso -md5 on -indev "$disc" -check_media --
grep -q 'md5_match' "$work/stdout" || {
	echo "xorriso -check_media found no matching tag" >&2
	exit 1
}
echo "    file                $(( $(stat -c %s "$disc") / 1048576 )) MiB"
echo "    lsms --check        $(secs lsms) s (cpu $(cpu lsms) s), peak RSS $(kib lsms) KiB"
echo "    md5sum              $(secs md5) s (cpu $(cpu md5) s), peak RSS $(kib md5) KiB"
echo "    xorriso -check_media $(secs xo) s (cpu $(cpu xo) s), peak RSS $(kib xo) KiB"
echo "    lsms / md5sum       $(ratio "$(secs lsms)" "$(secs md5)") (target <= 1.3)"
echo "    lsms / xorriso      $(ratio "$(secs lsms)" "$(secs xo)") (target <= 1.0)"
echo "    (lsms hashes the data twice, the session's MD5 and the files' MD5s,"
echo "    on two threads: its cpu time is about twice md5sum's, and its wall"
echo "    time near md5sum's only when a second core is free)"
rm -f "$disc"
fi

# --- (b) --diff of two sessions of many files --------------------------
echo "(b) building two sessions of $nfiles files (mkms) ..."
# 1000 files a directory: libisofs inserts names into sorted lists
mkdir -p "$work/t1" "$work/t2"
(cd "$work/t1" && seq 1 $(( (nfiles + 999) / 1000 )) | xargs mkdir &&
 seq 0 $((nfiles - 1)) | awk '{ print int($1 / 1000) + 1 "/" $1 }' |
	xargs touch)
seq 1 100 >"$work/t2/changed"
disc=$work/many.iso
"$mkms" -q -M "$disc" -o "$work/n.iso" /t="$work/t1"
"$burnms" -q -d "$disc" "$work/n.iso"
"$mkms" -q -M "$disc" -o "$work/n.iso" /t/1/1="$work/t2/changed" \
	/t/new="$work/t2/changed"
"$burnms" -q -d "$disc" "$work/n.iso"
rm -rf "$work/n.iso" "$work/t1"
starts=$("$lsms" --json "$disc" | jq -r '.sessions[].start' | xargs)
s1=${starts% *}
s2=${starts#* }

best diff "$lsms" --diff "$disc"
tail -n 1 "$work/stdout" | grep -q '1 added, 0 removed, 1 changed' || {
	echo "lsms --diff says: $(tail -n 1 "$work/stdout")" >&2
	exit 1
}
cat >"$work/listings.sh" <<EOF
xorriso -indev "$disc" -load sbsector $s1 -find / -exec report_lba >"$work/l1" 2>/dev/null
xorriso -indev "$disc" -load sbsector $s2 -find / -exec report_lba >"$work/l2" 2>/dev/null
EOF
best xfind sh "$work/listings.sh"
[ "$(grep -c '^File data lba' "$work/l1")" -ge "$nfiles" ] || {
	echo "xorriso lists fewer than $nfiles files" >&2
	exit 1
}
echo "    lsms --diff         $(secs diff) s, peak RSS $(kib diff) KiB"
echo "    2 xorriso listings  $(secs xfind) s"
echo "    lsms / xorriso      $(ratio "$(secs diff)" "$(secs xfind)") (target <= 0.5)"
