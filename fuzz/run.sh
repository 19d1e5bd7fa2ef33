#!/bin/sh
# Run the fuzz targets one after the other (fuzz/README.md).
#
#   run.sh BUILD OPTIONS [-ci] SECONDS TARGET...
#
# Each target first runs once over each of its saved findings,
# fuzz/regress/TARGET-*; if one still fails, the target is not fuzzed (it
# would stop at that failure).  Then it fuzzes for SECONDS from its seeds:
# fuzz/corpus/, the seeds make-corpus.sh made in BUILD/seeds/, and what
# earlier runs found in BUILD/corpus/TARGET.  With -ci, any crash, hang, leak or sanitizer
# report makes the run fail; without, it is only reported.  Inputs that
# fail are kept in BUILD/findings/ and the logs in BUILD/logs/.
set -u
build=$1
opts=$2
shift 2
ci=0
if [ "$1" = -ci ]; then
	ci=1
	shift
fi
seconds=$1
shift
src=$(dirname "$0")

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# the seed directories of a target: several share the disc seeds
seed_dirs() {
	case $1 in
	toc) set -- toc disc ;;
	lsms|import|check) set -- disc snapshot-file snapshot ;;
	*) set -- "$1" ;;
	esac
	for d; do
		for base in "$src/corpus" "$build/seeds"; do
			[ -d "$base/$d" ] && printf ' %s' "$base/$d"
		done
	done
}

# the targets' scratch media, in memory when there is a tmpfs; a target
# that crashes leaves its own behind
if [ -w /dev/shm ]; then
	TMPDIR=/dev/shm/msfuzz-run-$$
else
	TMPDIR=$(cd "$build" && pwd)/tmp
fi
export TMPDIR
mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

failed=
mkdir -p "$build/logs" "$build/findings"
for t; do
	# a known leak inside libisofs' AAIP decoder: fuzz/lsan-libisofs.supp
	case $t in
	import|check) export LSAN_OPTIONS="suppressions=$src/lsan-libisofs.supp" ;;
	*) unset LSAN_OPTIONS ;;
	esac
	bin=$build/fuzz/fuzz_$t
	log=$build/logs/$t.log
	stale=
	for r in "$src"/regress/"$t"-*; do
		[ -e "$r" ] || continue
		rlog=$build/logs/$(basename "$r").log
		# shellcheck disable=SC2086
		if ! "$bin" $opts "$r" >"$rlog" 2>&1; then
			echo "fuzz: $t: saved finding $(basename "$r") still fails" \
				"(see $rlog):"
			grep -E '^==[0-9]+==.*ERROR|SUMMARY|runtime error' \
				"$rlog" | head -n 3
			stale=1
		fi
	done
	if [ -n "$stale" ]; then
		failed="$failed $t"
		# a known failure would end the run at once
		continue
	fi
	case $t in
	link|snapshot) dict=$src/dict/$t.dict ;;
	toc|vd|lsms|import|check) dict=$src/dict/disc.dict ;;
	esac
	mkdir -p "$build/corpus/$t"
	echo "fuzz: $t for $seconds s"
	# shellcheck disable=SC2046,SC2086
	"$bin" $opts -max_total_time="$seconds" -dict="$dict" \
		-artifact_prefix="$build/findings/$t-" \
		"$build/corpus/$t" $(seed_dirs "$t") >"$log" 2>&1
	rc=$?
	grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' "$log"
	if [ $rc -ne 0 ]; then
		echo "fuzz: $t: finding (exit $rc), see $log:"
		grep -E '^==[0-9]+==ERROR|SUMMARY|^[^ ]*: runtime error|Test unit written' "$log" |
			head -n 5
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed"
	[ $ci -eq 1 ] && exit 1
fi
exit 0
