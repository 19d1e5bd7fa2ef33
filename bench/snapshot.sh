#!/bin/bash
# Snapshot size and export time for a last session of 20,000 files (the
# base workload of bench/mkms.sh), against the size of the disc.
#
#   bench/snapshot.sh [BUILD_DIR]
set -eu

build=$(cd "${1:-build}" && pwd)
bin=$build/bin
dir=${BENCH_DIR:-$build/bench}
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-3}

[ -e "$dir/work.done" ] || RUNS=0 "$here/mkms.sh" "$build" >/dev/null
cd "$dir"
rm -f snap.iso snap.mss
"$bin/mkms" -M snap.iso -o - base | "$bin/burnms" -d snap.iso -

best=
for r in $(seq 1 "$runs"); do
	/usr/bin/time -f '%e %M' -o time.out "$bin/lsms" --export snap.mss \
		snap.iso
	set -- $(tail -n 1 time.out)
	if [ -z "$best" ] || awk "BEGIN{exit !($1 < $best)}"; then
		best=$1
		rss=$2
	fi
done
"$bin/lsms" -v --export snap.mss snap.iso 2>note.out >/dev/null
disc=$(stat -c %s snap.iso)
snap=$(stat -c %s snap.mss)
blocks=$(sed -n 's/.*saved \([0-9]*\) blocks.*/\1/p' note.out)
payload=$(sed -n 's/.*: \([0-9]*\) bytes, .*/\1/p' note.out)
echo "disc file:       $disc bytes ($((disc / 2048)) blocks, 20,000 files)"
echo "blocks recorded: $blocks ($payload bytes of payload)"
echo "snapshot:        $snap bytes, $(awk "BEGIN{printf \"%.3f\", 100 * $snap / $disc}")% of the disc"
echo "export:          $best s wall (best of $runs), peak RSS $rss KiB"
rm -f snap.iso snap.mss time.out note.out
