#!/bin/bash
# Benchmark: mkms --archive against mkms on the same tree as a directory,
# in one run.
#
#   bench/archive.sh [BUILD_DIR]     (default build; needs make all first)
#
# Workload (made once, kept in $BENCH_DIR, default BUILD_DIR/bench-archive):
#   tree:      4,000 files of 128 KiB in 100 directories and one file of
#              512 MiB: 1 GiB of random data
#   tree.tar:  the same tree as a tar file (GNU tar)
# Cases, each an image of a first session written to standard output
# (/dev/null):
#   dir       mkms -o - tree
#   stdin     cat tree.tar | mkms -o - --archive -   (a pipe: spooled
#             under TMPDIR, which is $BENCH_DIR/tmp unless set; the
#             peak RSS is mkms's, the largest of the pipeline)
#   in place  mkms -o - --archive tree.tar      (read where it lies)
# Each case runs RUNS times (default 3); the best wall time and the
# largest peak RSS are reported, with the ratios over the directory.
# The targets: stdin within 1.3x the time of dir, peak RSS at most 1.2x.
set -eu

build=$(cd "${1:-build}" && pwd)
bin=$build/bin
benchdir=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-$build/bench-archive}
runs=${RUNS:-3}
mkdir -p "$dir"
cd "$dir"
export TMPDIR=${TMPDIR:-$dir/tmp}
mkdir -p "$TMPDIR"

for t in tar /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: needs $t" >&2; exit 1; }
done

if [ ! -e work.done ]; then
	echo "bench: making the workload in $dir"
	rm -rf tree tree.tar
	mkdir -p tree.tmp
	head -c $((4000 * 128 * 1024)) /dev/urandom >tree.tmp/all
	(cd tree.tmp && split -b $((128 * 1024)) -a 4 -d all f && rm all)
	i=0
	mkdir tree
	for f in tree.tmp/*; do
		d=$(printf 'tree/d%03d' $((i / 40)))
		[ $((i % 40)) -eq 0 ] && mkdir -p "$d"
		mv "$f" "$d/"
		i=$((i + 1))
	done
	rmdir tree.tmp
	head -c $((512 * 1024 * 1024)) /dev/urandom >tree/big.bin
	tar -C tree -cf tree.tar .
	touch work.done
fi
[ "$runs" -eq 0 ] && exit 0

. "$benchdir/lib.sh"

for r in $(seq 1 "$runs"); do
	echo "bench: run $r of $runs"
	measure "dir" "$bin/mkms" -o - tree
	measure "stdin" sh -c "cat tree.tar | '$bin/mkms' -o - --archive -"
	measure "in place" "$bin/mkms" -o - --archive tree.tar
done

ratio() {
	awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"
}

printf '\n%-12s %10s %12s\n' "case" "wall s" "peak RSS KiB"
for name in dir stdin "in place"; do
	printf '%-12s %10s %12s\n' "$name" "${wall[$name]}" "${rss[$name]}"
done
echo
echo "ratios over the directory (target: time <= 1.30, RSS <= 1.20):"
echo "  tar on stdin:    time $(ratio "${wall[stdin]}" "${wall[dir]}")," \
	"peak RSS $(ratio "${rss[stdin]}" "${rss[dir]}")"
echo "  tar file:        time $(ratio "${wall["in place"]}" "${wall[dir]}")," \
	"peak RSS $(ratio "${rss["in place"]}" "${rss[dir]}")"
