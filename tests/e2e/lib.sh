# End-to-end test library, sourced by every tests/e2e/t-*.sh file.
#
# A test file defines functions named t_<what_it_checks> and ends with
# run_tests.  Each test runs in a subshell inside a fresh directory, which
# is removed when the test passes and kept (and named) when it fails.
# Helpers shared by some of the files are in lib-*.sh, sourced after this
# one (lib-disc.sh: sessions on files; lib-mmc.sh: the virtual burner).
#
# Helpers:
#   run CMD...              run, keep stdout in ./out, stderr in ./err,
#                           exit status in $rc
#   expect_ok CMD...        run; fail unless it exits 0 with empty stderr
#   expect_exit N CMD...    run; fail unless it exits N and says something
#   expect_refused N FILE... -- CMD...
#                           expect_exit N, and every FILE (a directory: all
#                           files in it) byte for byte as before, and no
#                           file left behind in . or beside any FILE
#   skip REASON             the test did not run (it returns right after);
#                           counted and shown apart from the passed ones
#   skip_part REASON        a part of the test did not run; shown, the
#                           test still counts as passed
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

# The state expect_refused compares: the names in . and beside each FILE
# (but ./out and ./err, which run writes), the size and checksum of each
# FILE, and of each file under a FILE that is a directory.
refused_state() {
	local f
	{
		echo .
		for f in "$@"; do
			[ -d "$f" ] && echo "$f" || dirname "$f"
		done
	} | LC_ALL=C sort -u | while read -r f; do
		find "$f" -mindepth 1 -maxdepth 1 ! -path ./out ! -path ./err
	done | LC_ALL=C sort
	for f in "$@"; do
		if [ -d "$f" ]; then
			find "$f" -type f -printf '%p %s\n' | LC_ALL=C sort
			find "$f" -type f -exec md5sum {} + | LC_ALL=C sort
		elif [ -e "$f" ]; then
			echo "$f $(stat -c %s "$f") $(md5sum <"$f")"
		else
			echo "missing $f"
		fi
	done
}

expect_refused() {
	local want=$1 before after
	local -a files=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		files+=("$1")
		shift
	done
	[ $# -gt 1 ] || fail "expect_refused: want FILE... -- CMD..."
	shift
	before=$(refused_state "${files[@]}")
	expect_exit "$want" "$@"
	after=$(refused_state "${files[@]}")
	[ "$before" = "$after" ] ||
		fail "'$*' was refused but changed things: $(diff \
<(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 5)"
}

# skip and skip_part leave their reason where run_tests finds it.
skip() {
	echo "$*" >>"${MS_SKIPPED:-/dev/null}"
}

skip_part() {
	echo "$*" >>"${MS_SKIPPED_PART:-/dev/null}"
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

# Runs every t_* function; prints "not ok" with the log of each failure,
# "skip" with the reason of each skip, and "FILE: N passed, N failed,
# N skipped" last (tests/e2e/run.sh adds these up).
run_tests() {
	local file name dir base status=0 pass=0 failed=0 skipped=0 t
	base=${MS_TEST_TMP:-${TMPDIR:-/tmp}}
	file=$(basename "$0" .sh)
	for t in $(declare -F | sed -n 's/^declare -f \(t_.*\)$/\1/p'); do
		if [ -n "${MS_TEST_ONLY:-}" ] && [ "$t" != "$MS_TEST_ONLY" ]; then
			continue
		fi
		# never run a test where it was started from
		if ! dir=$(mktemp -d "$base/mstools-$file-$t.XXXXXX") ||
		    [ -z "$dir" ]; then
			failed=$((failed + 1))
			status=1
			echo "not ok - $file $t (no directory of its own under '$base')"
			continue
		fi
		if (cd "$dir" && MS_SKIPPED=$dir.skip \
		    MS_SKIPPED_PART=$dir.part "$t") >"$dir.log" 2>&1; then
			if [ -s "$dir.skip" ]; then
				skipped=$((skipped + 1))
				echo "skip - $file $t: $(head -n 1 "$dir.skip")"
			else
				pass=$((pass + 1))
			fi
			[ -s "$dir.part" ] && sed "s/^/skip - $file $t (part): /" \
				"$dir.part"
			rm -rf "$dir" "$dir.log" "$dir.skip" "$dir.part"
		else
			failed=$((failed + 1))
			status=1
			echo "not ok - $file $t (kept in $dir)"
			sed 's/^/    /' "$dir.log"
			rm -f "$dir.skip" "$dir.part"
		fi
	done
	echo "$file: $pass passed, $failed failed, $skipped skipped"
	return $status
}
