#!/bin/sh
# Run the end-to-end tests: run.sh BUILD_DIR [t-file.sh ...]
# Three files run at a time (the drive tests mostly wait on libburn);
# the exit status is 1 if any test failed.
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
status=0
for f in "$@"; do
	b=$(basename "$f")
	cat "$results/$b.out"
	[ -e "$results/$b.failed" ] && status=1
done
rm -rf "$results"
rmdir "$MS_TEST_TMP" 2>/dev/null || true
[ $status -eq 0 ] && echo "e2e: all passed" || echo "e2e: FAILED"
exit $status
