#!/bin/sh
# How lsms scales with sessions (a measurement, not a test):
#
#   bench/lsms-sessions.sh [BUILD_DIR [SESSIONS [FILE]]]
#
# Builds a disc file of SESSIONS (200) tiny sessions with xorriso, one run
# per session, unless FILE already exists (then it is measured as it is).
# Runs lsms -v on it five times and reports the best wall time, the blocks
# lsms read (it prints "read N blocks") against the file's size, and the
# time of xorriso -toc on the same file for comparison.
set -eu

build=${1:-build}
n=${2:-200}
lsms=$build/bin/lsms
[ -x "$lsms" ] || { echo "lsms-sessions: no $lsms; run make" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mstools-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
file=${3:-$work/disc.iso}

now_ns() {
	date +%s%N
}

if [ ! -e "$file" ]; then
	echo "building $n sessions with xorriso in $file ..."
	mkdir "$work/src"
	t0=$(now_ns)
	i=1
	while [ "$i" -le "$n" ]; do
		echo "session $i" >"$work/src/f"
		xorriso -dev "$file" -volid "S$i" -map "$work/src/f" "/f$i" \
			-commit >"$work/xorriso.log" 2>&1 || {
			tail -n 5 "$work/xorriso.log" >&2
			exit 1
		}
		i=$((i + 1))
	done
	t1=$(now_ns)
	echo "built in $(( (t1 - t0) / 1000000 )) ms"
fi

best=
for run in 1 2 3 4 5; do
	t0=$(now_ns)
	"$lsms" -v --json "$file" >"$work/lsms.json" 2>"$work/lsms.err"
	t1=$(now_ns)
	us=$(( (t1 - t0) / 1000 ))
	if [ -z "$best" ] || [ "$us" -lt "$best" ]; then
		best=$us
	fi
done
t0=$(now_ns)
toc=$(xorriso -indev "$file" -toc 2>/dev/null | grep -c '^ISO session')
t1=$(now_ns)
xorriso_us=$(( (t1 - t0) / 1000 ))

sessions=$(jq '.sessions | length' "$work/lsms.json")
read_blocks=$(sed -n 's/^lsms: read \([0-9]*\) blocks.*/\1/p' "$work/lsms.err")
file_blocks=$(( $(stat -c %s "$file") / 2048 ))

echo "sessions           lsms $sessions, xorriso -toc $toc"
echo "file               $file_blocks blocks"
echo "lsms -v wall time  $best us (best of 5)"
echo "blocks read        $read_blocks ($(( read_blocks / sessions )).$(( read_blocks * 10 / sessions % 10 )) per session)"
echo "xorriso -toc       $xorriso_us us"
