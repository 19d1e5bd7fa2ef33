#!/bin/bash
# lsms --extract and --cat against xorriso's -extract of the same session,
# in one run: a session of 5,000 small files and one 256 MiB file, on a
# disc file of two sessions (the second replaces some files, so the tree
# points into both).  Prints the best of RUNS wall times and the ratios.
#
#   bench/extract.sh [BUILD_DIR]
set -eu

build=$(cd "${1:-build}" && pwd)
bin=$build/bin
dir=${BENCH_DIR:-$build/bench-extract}
runs=${RUNS:-3}

mkdir -p "$dir"
cd "$dir"
if ! [ -e disc.done ]; then
	rm -rf s1 s2 disc.iso
	mkdir -p s1/small s2/small
	for i in $(seq 1 5000); do
		echo "file $i of the first session" >s1/small/f$i
	done
	head -c $((256 << 20)) /dev/urandom >s1/big
	"$bin/mkms" -M disc.iso -o - s1 | "$bin/burnms" -d disc.iso -
	for i in $(seq 1 500); do
		echo "file $i, replaced" >s2/small/f$i
	done
	"$bin/mkms" -M disc.iso -o - s2 | "$bin/burnms" -d disc.iso -
	touch disc.done
fi
start=$(xorriso -indev disc.iso -toc 2>/dev/null |
	sed -n 's/^ISO session *: *2 , *\([0-9]*\) ,.*/\1/p')

# best CMD...: the best wall time of RUNS runs, each into a new out/
best() {
	local b= r t
	for r in $(seq 1 "$runs"); do
		rm -rf out
		sync
		/usr/bin/time -f %e -o time.out "$@" >/dev/null 2>&1
		t=$(tail -n 1 time.out)
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then
			b=$t
		fi
	done
	rm -rf out time.out
	echo "$b"
}

lsms_x=$(best "$bin/lsms" --extract 2 out disc.iso)
xorriso_x=$(best xorriso -osirrox on -load sbsector "$start" \
	-indev disc.iso -extract / out)
# both write the file into a fresh out/ (never name a device or
# /dev/stdout to xorriso -extract: it replaces what is there)
lsms_c=$(best sh -c "mkdir out && '$bin/lsms' --cat 2:/big disc.iso \
	>out/big")
xorriso_c=$(best sh -c "mkdir out && xorriso -osirrox on -load sbsector \
	$start -indev disc.iso -extract /big out/big")
echo "extract of session 2 (5,000 files + 256 MiB):"
echo "  lsms --extract $lsms_x s, xorriso -extract $xorriso_x s," \
	"ratio $(awk "BEGIN{printf \"%.2f\", $lsms_x / $xorriso_x}")"
echo "one 256 MiB file:"
echo "  lsms --cat $lsms_c s, xorriso -extract $xorriso_c s," \
	"ratio $(awk "BEGIN{printf \"%.2f\", $lsms_c / $xorriso_c}")"
