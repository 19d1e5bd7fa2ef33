# End-to-end test library, sourced by every tests/e2e/t-*.sh file.
#
# A test file defines functions named t_<what_it_checks> and ends with
# run_tests.  Each test runs in a subshell inside a fresh directory, which
# is removed when the test passes and kept (and named) when it fails.
#
# Helpers:
#   run CMD...              run, keep stdout in ./out, stderr in ./err,
#                           exit status in $rc
#   expect_ok CMD...        run; fail unless it exits 0 with empty stderr
#   expect_exit N CMD...    run; fail unless it exits N and says something
#   assert_eq WANT GOT [what]
#   assert_grep PATTERN FILE
#   assert_no_grep PATTERN FILE
#   assert_same_file A B
#   fail MESSAGE

set -u

: "${MS_BUILD:?MS_BUILD must name the build directory}"
MS_BUILD=$(cd "$MS_BUILD" && pwd)
MS_SRC=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$MS_BUILD/bin:$MS_BUILD/tests:$PATH"
export PATH MS_BUILD MS_SRC LC_ALL=C.UTF-8 TZ=UTC

fail() {
	echo "FAIL: $*" >&2
	if [ -f err ] && [ -s err ]; then
		echo "--- stderr of the last command:" >&2
		head -n 20 err >&2
	fi
	exit 1
}

run() {
	rc=0
	"$@" >out 2>err || rc=$?
}

expect_ok() {
	run "$@"
	[ "$rc" -eq 0 ] || fail "'$*' exited $rc, want 0"
	[ -s err ] && fail "'$*' wrote to stderr: $(head -n 3 err)"
	return 0
}

expect_exit() {
	local want=$1
	shift
	run "$@"
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, want $want"
	[ "$want" -ne 0 ] && ! [ -s err ] &&
		fail "'$*' exited $rc without a message"
	return 0
}

assert_eq() {
	[ "$1" = "$2" ] ||
		fail "${3:-value}: want '$1', got '$2'"
}

assert_grep() {
	grep -q -e "$1" "$2" || fail "'$2' lacks '$1': $(head -n 5 "$2")"
}

assert_no_grep() {
	! grep -q -e "$1" "$2" || fail "'$2' has '$1'"
}

assert_same_file() {
	cmp -s "$1" "$2" || fail "'$1' and '$2' differ"
}

# The sessions xorriso sees: "start size volid" lines.
xorriso_toc() {
	xorriso -indev "$1" -toc 2>/dev/null |
		sed -n "s/^ISO session *: *[0-9]* , *\([0-9]*\) , *\([0-9]*\)s , \(.*\)$/\1 \2 \3/p"
}

# What cdrecord's -msinfo would print for FILE, as xorriso emulates it.
xorriso_msinfo() {
	xorriso -as cdrecord -msinfo --grow_overwriteable_iso dev="$1" \
		2>/dev/null
}

# growisofs on a regular file.  growisofs unmounts whatever matches its
# target's st_rdev before writing, which for a regular file means pseudo
# file systems such as /proc; the shim hides the mount table from it.
growisofs_file() {
	LD_PRELOAD="$MS_BUILD/tests/libnomnt.so" growisofs "$@"
}

# The sessions lsms sees, in the same form.
lsms_toc() {
	lsms --json "$1" |
		jq -r '.sessions[] | "\(.start) \(.blocks) \(.volume_id)"'
}

run_tests() {
	local file name dir base status=0 pass=0 failed=0 t
	base=${MS_TEST_TMP:-${TMPDIR:-/tmp}}
	file=$(basename "$0" .sh)
	for t in $(declare -F | sed -n 's/^declare -f \(t_.*\)$/\1/p'); do
		if [ -n "${MS_TEST_ONLY:-}" ] && [ "$t" != "$MS_TEST_ONLY" ]; then
			continue
		fi
		dir=$(mktemp -d "$base/mstools-$file-$t.XXXXXX")
		if (cd "$dir" && "$t") >"$dir.log" 2>&1; then
			pass=$((pass + 1))
			rm -rf "$dir" "$dir.log"
		else
			failed=$((failed + 1))
			status=1
			echo "not ok - $file $t (kept in $dir)"
			sed 's/^/    /' "$dir.log"
		fi
	done
	echo "$file: $pass passed, $failed failed"
	return $status
}
