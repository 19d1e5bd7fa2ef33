#!/bin/bash
# How the cost of a next session grows with the disc (a measurement, not
# a test): time and peak memory of mkms, xorriso and genisoimage side by
# side in one run, on discs of FILES files written in SESSIONS sessions.
#
#   bench/scale.sh [BUILD_DIR [FILES [SESSIONS]]]
#   bench/scale.sh build full          (200,000 files and 100 sessions too)
#
# FILES and SESSIONS are lists: the default "10000 50000" and "1 10" took
# a minute and a half here; "full" means "10000 50000 200000" and
# "1 10 100", which took 23 minutes (most of it building 100 sessions of
# 200,000 files with each tool).  The files are of 1 KiB, 100 to a
# directory; each session adds FILES/SESSIONS of them under /sK.
#
# For each disc, two discs are built the same way, one by mkms | burnms
# and one by xorriso -md5 on (the time of building all SESSIONS sessions
# is printed too); then each run (RUNS, default 3, interleaved) times an
# import-only next session, one tiny file added:
#   mkms      mkms -M d -o - tiny | burnms -d d -        (MD5 on)
#   xorriso   xorriso -joliet on -md5 on -dev d -map tiny /tiny -commit
#   geniso    genisoimage -R -J -C msinfo -M d -o n.iso tiny, on xorriso's
#             disc (no MD5, no write to the disc: the lower bound)
# Reported: the median wall time, the largest peak RSS (/usr/bin/time %M;
# for the pipeline the larger of mkms and burnms), ratios to xorriso, and
# the peak RSS per file between the smallest and the largest disc.  A
# final check builds 2,000 files twice, once of 32 KiB and once of
# 256 KiB each (both images larger than libisofs' 16 MiB ring buffer),
# and compares mkms's peak RSS: it must not grow with file sizes.
set -eu

build=$(cd "${1:-build}" && pwd)
bin=$build/bin
files=${2:-"10000 50000"}
sessions=${3:-"1 10"}
if [ "$files" = full ]; then
	files="10000 50000 200000"
	sessions="1 10 100"
fi
runs=${RUNS:-3}
dir=${BENCH_DIR:-$build/bench-scale}
per_dir=100

for t in xorriso genisoimage /usr/bin/time "$bin/mkms" "$bin/burnms"; do
	command -v "$t" >/dev/null || { echo "scale: needs $t" >&2; exit 1; }
done
mkdir -p "$dir"
cd "$dir"

# make_tree OUT COUNT SESSIONS SIZE: COUNT files of SIZE bytes, 100 to a
# directory, in SESSIONS folders OUT/s1.. (made once, kept)
make_tree() {
	local out=$1 count=$2 nses=$3 size=$4 d k per_ses n
	[ -e "$out.done" ] && return 0
	rm -rf "$out"
	per_ses=$((count / nses))
	for k in $(seq 1 "$nses"); do
		n=0
		d=0
		while [ "$n" -lt "$per_ses" ]; do
			local take=$((per_ses - n > per_dir ? per_dir : per_ses - n))
			local sub
			sub=$(printf '%s/s%d/d%04d' "$out" "$k" "$d")
			mkdir -p "$sub"
			head -c $((take * size)) /dev/urandom |
				(cd "$sub" && split -b "$size" -a 3 -d - f)
			n=$((n + take))
			d=$((d + 1))
		done
	done
	touch "$out.done"
}

# build_discs TREE SESSIONS: mk.iso and x.iso hold TREE/s1.. as sessions
declare -A build_s
build_discs() {
	local tree=$1 nses=$2 k t0 t1
	rm -f mk.iso x.iso
	t0=$(date +%s%N)
	for k in $(seq 1 "$nses"); do
		"$bin/mkms" -M mk.iso -o - "/s$k=$tree/s$k" |
			"$bin/burnms" -q -d mk.iso - ||
			{ echo "scale: mkms session $k failed" >&2; exit 1; }
	done
	t1=$(date +%s%N)
	build_s[mkms]=$(awk "BEGIN{printf \"%.2f\", ($t1 - $t0) / 1e9}")
	t0=$t1
	for k in $(seq 1 "$nses"); do
		xorriso -joliet on -md5 on -dev x.iso -map "$tree/s$k" "/s$k" \
			-commit >xorriso.log 2>&1 ||
			{ echo "scale: xorriso session $k failed" >&2; exit 1; }
	done
	t1=$(date +%s%N)
	build_s[xorriso]=$(awk "BEGIN{printf \"%.2f\", ($t1 - $t0) / 1e9}")
	build_s[geniso]=-
}

# measure KEY CMD...: append wall seconds to times[KEY], keep max RSS
declare -A times rss
measure() {
	local key=$1
	shift
	sync
	/usr/bin/time -f '%e %M' -o time.out "$@" >/dev/null 2>cmd.err || {
		echo "scale: '$key' failed:" >&2
		tail -n 5 cmd.err >&2
		exit 1
	}
	set -- $(tail -n 1 time.out)
	times[$key]="${times[$key]:-} $1"
	if [ -z "${rss[$key]:-}" ] || [ "$2" -gt "${rss[$key]}" ]; then
		rss[$key]=$2
	fi
}

median() {
	tr ' ' '\n' | grep . | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		      else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
	awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"
}

mkdir -p tiny
echo tiny >tiny/tiny.txt
table=$dir/table.txt
printf '%7s %5s  %-8s %9s %6s %10s %6s %10s\n' files sess tool "import s" \
	"x xor" "peak KiB" "x xor" "build s" >"$table"
declare -A first_rss last_rss
for f in $files; do
	for s in $sessions; do
		[ $((f / s)) -ge 1 ] || continue
		echo "scale: $f files in $s sessions" >&2
		make_tree "tree-$f-$s" "$f" "$s" 1024
		build_discs "tree-$f-$s" "$s"
		for t in mkms xorriso geniso; do
			unset "times[$t]" "rss[$t]"
		done
		msinfo=$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
			 dev=x.iso 2>/dev/null)
		for r in $(seq 1 "$runs"); do
			cp mk.iso d.iso
			measure mkms sh -c "'$bin/mkms' -M d.iso -o - tiny |
					    '$bin/burnms' -d d.iso -"
			cp x.iso d.iso
			measure xorriso xorriso -joliet on -md5 on -dev d.iso \
				-map tiny /tiny -commit
			measure geniso genisoimage -quiet -R -J -C "$msinfo" \
				-M x.iso -o n.iso tiny
			rm -f n.iso
		done
		xm=$(echo "${times[xorriso]}" | median)
		for t in mkms xorriso geniso; do
			m=$(echo "${times[$t]}" | median)
			printf '%7s %5s  %-8s %9s %6s %10s %6s %10s\n' "$f" "$s" \
				"$t" "$m" "$(ratio "$m" "$xm")" "${rss[$t]}" \
				"$(ratio "${rss[$t]}" "${rss[xorriso]}")" \
				"${build_s[$t]}" >>"$table"
			if [ "$s" = "${sessions%% *}" ]; then
				[ -n "${first_rss[$t]:-}" ] ||
					first_rss[$t]="$f ${rss[$t]}"
				last_rss[$t]="$f ${rss[$t]}"
			fi
		done
	done
done
rm -f mk.iso x.iso d.iso n.iso time.out cmd.err xorriso.log

echo
cat "$table"
echo
echo "peak RSS per file, from the smallest to the largest disc ($runs runs," \
	"${sessions%% *} session(s)):"
for t in mkms xorriso geniso; do
	set -- ${first_rss[$t]} ${last_rss[$t]}
	if [ "$1" != "$3" ]; then
		awk -v t="$t" -v f0="$1" -v r0="$2" -v f1="$3" -v r1="$4" \
		    'BEGIN{ printf "  %-8s %6.0f bytes\n", t,
			    (r1 - r0) * 1024 / (f1 - f0) }'
	fi
done

# RSS flat in file sizes: the same 2,000 files of 32 KiB and of 256 KiB
make_tree small-files 2000 1 32768
make_tree large-files 2000 1 262144
for t in small-files large-files; do
	unset "rss[$t]"
	measure "$t" "$bin/mkms" -o n.iso "$t"
	rm -f n.iso
done
echo
echo "mkms -o file, 2,000 files: peak RSS ${rss[small-files]} KiB with" \
	"32 KiB files, ${rss[large-files]} KiB with 256 KiB files" \
	"($(ratio "${rss[large-files]}" "${rss[small-files]}")x)"
rm -f time.out cmd.err
