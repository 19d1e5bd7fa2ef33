#!/bin/bash
# Benchmark: mkms --update against xorriso -update_r, in one run.
#
#   bench/update.sh [BUILD_DIR]      (default build; needs make all first)
#
# Workload (made once, kept in $BENCH_DIR, default BUILD_DIR/bench-update):
#   base:  20,000 files of 4 KiB in 200 directories
#   cur:   base with 20 files rewritten (new bytes, a new mtime), hard
#          links to base for the rest, so base itself never changes
# Each run makes one disc file per tool holding base at /home (mkms|burnms
# and xorriso, both with MD5 tags and Joliet), then times the update that
# makes /home equal cur:
#   mkms --update -M disc -o - /home=cur | burnms -d disc -
#   xorriso -dev disc -update_r cur /home -commit
# and, as xorriso's fastest form, the same on a base written with
# -for_backup (which records inode numbers, so -update_r skips reading
# unchanged files).  Each runs RUNS times (default 3); the best wall time
# is reported, with the ratios, and the blocks of each update's session.
set -eu

build=$(cd "${1:-build}" && pwd)
bin=$build/bin
benchdir=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-$build/bench-update}
runs=${RUNS:-3}
mkdir -p "$dir"
cd "$dir"

for t in xorriso /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: needs $t" >&2; exit 1; }
done

if [ ! -e work.done ]; then
	echo "bench: making the workload in $dir"
	rm -rf base cur all.tmp
	mkdir -p all.tmp base
	head -c $((20000 * 4096)) /dev/urandom >all.tmp/all
	(cd all.tmp && split -b 4096 -a 5 -d all f && rm all)
	i=0
	for f in all.tmp/*; do
		d=base/$(printf 'd%03d' $((i / 100)))
		[ $((i % 100)) -eq 0 ] && mkdir -p "$d"
		mv "$f" "$d/"
		i=$((i + 1))
	done
	rmdir all.tmp
	find base -exec touch -h -d @1700000000 {} +
	cp -al base cur
	for i in $(seq 0 19); do
		f=$(printf 'cur/d%03d/f%05d' $((i * 10)) $((i * 1000)))
		rm "$f"
		head -c 4096 /dev/urandom >"$f"
	done
	touch work.done
fi
[ "$runs" -eq 0 ] && exit 0

. "$benchdir/lib.sh"

# The size in blocks of a disc file's last session, as xorriso sees it.
last_blocks() {
	xorriso -indev "$1" -toc 2>/dev/null |
		awk -F, '/^ISO session/ { n = $3 } END { gsub(/[ s]/, "", n); print n }'
}

for r in $(seq 1 "$runs"); do
	echo "bench: run $r of $runs"
	rm -f mk.iso x.iso xb.iso
	"$bin/mkms" -q -M mk.iso -o - /home=base | "$bin/burnms" -d mk.iso -
	xorriso -joliet on -md5 on -dev x.iso -map base /home -commit \
		>/dev/null 2>&1
	xorriso -for_backup -joliet on -dev xb.iso -map base /home -commit \
		>/dev/null 2>&1
	measure "mkms --update|burnms" sh -c "'$bin/mkms' -q --update -M mk.iso -o - /home=cur | '$bin/burnms' -d mk.iso -"
	measure "xorriso -update_r" xorriso -joliet on -md5 on -dev x.iso \
		-update_r cur /home -commit
	measure "xorriso -for_backup -update_r" xorriso -for_backup -joliet on \
		-dev xb.iso -update_r cur /home -commit
done

ratio() {
	awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"
}

printf '\n%-32s %8s %16s\n' "tool" "wall s" "session blocks"
printf '%-32s %8s %16s\n' "mkms --update|burnms" \
	"${wall["mkms --update|burnms"]}" "$(last_blocks mk.iso)"
printf '%-32s %8s %16s\n' "xorriso -update_r" \
	"${wall["xorriso -update_r"]}" "$(last_blocks x.iso)"
printf '%-32s %8s %16s\n' "xorriso -for_backup -update_r" \
	"${wall["xorriso -for_backup -update_r"]}" "$(last_blocks xb.iso)"
echo
echo "ratios, mkms over xorriso (wall; below 1.00 is faster):"
echo "  -update_r:             $(ratio "${wall["mkms --update|burnms"]}" "${wall["xorriso -update_r"]}")"
echo "  -for_backup -update_r: $(ratio "${wall["mkms --update|burnms"]}" "${wall["xorriso -for_backup -update_r"]}")"
rm -f mk.iso x.iso xb.iso
