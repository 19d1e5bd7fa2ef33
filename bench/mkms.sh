#!/bin/bash
# Benchmark: mkms against xorriso -dev and genisoimage -C -M, in one run.
#
#   bench/mkms.sh [BUILD_DIR]        (default build; needs make all first)
#
# Workload (made once, kept in $BENCH_DIR, default BUILD_DIR/bench):
#   base:  20,000 files of 4 KiB in 1,000 directories
#   add:   2,000 files of 4 KiB in 100 directories and one 1 GiB file
#   tiny:  one small file
# Cases:
#   base     first session of base
# xorriso runs with -joliet on, as mkms always writes Joliet.
#   add      next session adding "add" on top of base
#   import   next session adding "tiny" on top of base (cost of importing)
# Each tool runs each case RUNS times (default 3); the best wall time and
# the largest peak RSS are reported, with mkms/xorriso ratios.  Both
# MD5 settings are measured: mkms (MD5 on by default) against
# xorriso -md5 on, and mkms --no-md5 against plain xorriso.
# genisoimage records no MD5 and only builds an image file; it is listed
# beside "mkms -o file", which does the same.
set -eu

build=$(cd "${1:-build}" && pwd)
bin=$build/bin
benchdir=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-$build/bench}
runs=${RUNS:-3}
mkdir -p "$dir"
cd "$dir"

for t in xorriso genisoimage /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: needs $t" >&2; exit 1; }
done

# make_files DIR COUNT DIRS: COUNT files of 4 KiB spread over DIRS dirs
make_files() {
	local out=$1 count=$2 dirs=$3 per i
	per=$((count / dirs))
	rm -rf "$out" "$out.tmp"
	mkdir -p "$out.tmp"
	head -c $((count * 4096)) /dev/urandom >"$out.tmp/all"
	(cd "$out.tmp" && split -b 4096 -a 5 -d all f && rm all)
	mkdir -p "$out"
	i=0
	ls "$out.tmp" | while read -r f; do
		d=$(printf 'd%04d' $((i / per)))
		[ $((i % per)) -eq 0 ] && mkdir -p "$out/$d"
		mv "$out.tmp/$f" "$out/$d/"
		i=$((i + 1))
	done
	rmdir "$out.tmp"
}

if [ ! -e work.done ]; then
	echo "bench: making the workload in $dir"
	make_files base 20000 1000
	make_files add 2000 100
	head -c $((1024 * 1024 * 1024)) /dev/urandom >add/big.bin
	mkdir -p tiny && echo tiny >tiny/tiny.txt
	touch work.done
fi
[ "$runs" -eq 0 ] && exit 0

. "$benchdir/lib.sh"


# Base discs of every kind, made once per run before timing increments.
fresh_bases() {
	rm -f mk.iso mk0.iso x.iso x0.iso g.iso
	"$bin/mkms" -M mk.iso -o - base | "$bin/burnms" -d mk.iso -
	"$bin/mkms" --no-md5 -M mk0.iso -o - base | "$bin/burnms" -d mk0.iso -
	xorriso -joliet on -md5 on -dev x.iso -map base / -commit >/dev/null 2>&1
	xorriso -joliet on -dev x0.iso -map base / -commit >/dev/null 2>&1
	genisoimage -quiet -R -J -o g.iso base
}

for r in $(seq 1 "$runs"); do
	echo "bench: run $r of $runs"
	rm -f b.iso bx.iso
	measure "base mkms|burnms" sh -c "'$bin/mkms' -M b.iso -o - base | '$bin/burnms' -d b.iso -"
	measure "base xorriso -md5 on" xorriso -joliet on -md5 on -dev bx.iso -map base / -commit
	rm -f b.iso bx.iso
	measure "base mkms -o file" "$bin/mkms" -o b.iso base
	measure "base genisoimage" genisoimage -quiet -R -J -o b.iso base
	rm -f b.iso

	for c in add import; do
		src=add
		[ $c = import ] && src=tiny
		fresh_bases
		measure "$c mkms|burnms" sh -c "'$bin/mkms' -M mk.iso -o - $src | '$bin/burnms' -d mk.iso -"
		measure "$c xorriso -md5 on" xorriso -joliet on -md5 on -dev x.iso -map $src / -commit
		measure "$c mkms --no-md5|burnms" sh -c "'$bin/mkms' --no-md5 -M mk0.iso -o - $src | '$bin/burnms' -d mk0.iso -"
		measure "$c xorriso" xorriso -joliet on -dev x0.iso -map $src / -commit
		measure "$c mkms -o file" "$bin/mkms" -M mk.iso -o n.iso $src
		measure "$c genisoimage -C -M" sh -c "genisoimage -quiet -R -J -C \$('$bin/lsms' -m g.iso) -M g.iso -o n.iso $src"
		rm -f n.iso
	done
done
rm -f mk.iso mk0.iso x.iso x0.iso g.iso

ratio() {
	awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"
}

printf '\n%-28s %10s %12s\n' "case / tool" "wall s" "peak RSS KiB"
for c in base add import; do
	for name in "${!wall[@]}"; do
		case $name in "$c "*) printf '%-28s %10s %12s\n' "$name" \
			"${wall[$name]}" "${rss[$name]}" ;; esac
	done | sort
done
echo
echo "ratios, mkms over xorriso (wall; below 1.00 is faster):"
for c in base add import; do
	if [ $c = base ]; then
		echo "  $c, MD5 on:  $(ratio "${wall["$c mkms|burnms"]}" "${wall["$c xorriso -md5 on"]}")"
	else
		echo "  $c, MD5 on:  $(ratio "${wall["$c mkms|burnms"]}" "${wall["$c xorriso -md5 on"]}")"
		echo "  $c, MD5 off: $(ratio "${wall["$c mkms --no-md5|burnms"]}" "${wall["$c xorriso"]}")"
		echo "  $c, image only, mkms over genisoimage: $(ratio "${wall["$c mkms -o file"]}" "${wall["$c genisoimage -C -M"]}")"
	fi
done
echo "peak RSS of mkms -o file: add (with 1 GiB file) ${rss["add mkms -o file"]} KiB," \
	"import only ${rss["import mkms -o file"]} KiB"
