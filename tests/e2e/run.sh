#!/bin/sh
# Run the end-to-end tests: run.sh BUILD_DIR [t-file.sh ...]
# Three files run at a time (the drive tests mostly wait on libburn);
# the exit status is 1 if any test failed.  The last line adds up the
# files' "N passed, N failed, N skipped"; a file that ends without its
# count (it stopped before run_tests) counts as one failure.
set -u
build=$1
shift
here=$(dirname "$0")
[ $# -eq 0 ] && set -- "$here"/t-*.sh
results=$(mktemp -d)
# every run gets a directory of its own; failed tests stay in it
MS_TEST_TMP=${MS_TEST_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/mstools-tests.XXXXXX")}
export MS_TEST_TMP
for f in "$@"; do
	echo "$f"
done | xargs -P "${MS_TEST_JOBS:-3}" -I{} sh -c \
	'MS_BUILD="$1" bash "$2" >"$3/$(basename "$2").out" 2>&1 ||
	 touch "$3/$(basename "$2").failed"' sh "$build" {} "$results"
status=0 passed=0 failed=0 skipped=0
for f in "$@"; do
	b=$(basename "$f")
	cat "$results/$b.out"
	[ -e "$results/$b.failed" ] && status=1
	count=$(tail -n 1 "$results/$b.out" | sed -n \
		's/^.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')
	if [ -z "$count" ]; then
		[ -e "$results/$b.failed" ] && failed=$((failed + 1))
		continue
	fi
	rest=${count#* }
	passed=$((passed + ${count%% *}))
	failed=$((failed + ${rest%% *}))
	skipped=$((skipped + ${rest#* }))
done
rm -rf "$results"
rmdir "$MS_TEST_TMP" 2>/dev/null || true
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ $status -eq 0 ] && echo "e2e: all passed" || echo "e2e: FAILED"
exit $status
