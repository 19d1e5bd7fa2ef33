# Shared by the benchmarks (bash): source it after cd-ing into the work
# directory.
#
# measure NAME CMD...: run CMD with its output discarded and keep, per
# NAME, the best wall time in seconds (wall[NAME]) and the largest peak
# RSS in KiB (rss[NAME]).  With MEASURE_SYNC set, dirty pages are written
# back first, so that one command's write-back is not timed in the next.
declare -A wall rss
measure() {
	local name=$1
	shift
	[ -n "${MEASURE_SYNC:-}" ] && sync
	/usr/bin/time -f '%e %M' -o time.out "$@" >/dev/null 2>&1 ||
		{ echo "bench: '$name' failed" >&2; exit 1; }
	set -- $(tail -n 1 time.out)
	if [ -z "${wall[$name]:-}" ] ||
	   awk "BEGIN{exit !($1 < ${wall[$name]})}"; then
		wall[$name]=$1
	fi
	if [ -z "${rss[$name]:-}" ] || [ "$2" -gt "${rss[$name]}" ]; then
		rss[$name]=$2
	fi
}
