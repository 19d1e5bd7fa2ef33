#!/bin/bash
# lsms --history: every version of a path, checked against xorriso's
# listings of each session, --diff and the recorded MD5s; and snapshots of
# every session (--export --all-sessions) that answer --files, --diff and
# --history as the disc does.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-audit.sh"

# xorriso_versions DISC PATH: "session size start" of PATH in every
# session whose tree holds it (its first extent, "-" for no data).
xorriso_versions() {
	local n=0 start
	for start in $(session_starts "$1"); do
		n=$((n + 1))
		xorriso -indev "$1" -load sbsector "$start" -find "$2" \
			-exec report_lba 2>/dev/null |
			sed -n "s/^File data lba: *[0-9]* , *\([0-9]*\) , *\([0-9]*\) , *\([0-9]*\) , '\(.*\)'\$/\3 \1 \2/p" |
			head -n 1 | awk -v n=$n '{ print n, $1, ($3 == 0 ? "-" : $2) }'
	done
}

lsms_versions() {
	lsms --history "$2" --json "$1" |
		jq -r '.[] | "\(.session) \(.size) \(.extents | map(select(.blocks > 0)) | if length == 0 then "-" else .[0].start end)"'
}

# check_history DISC PATH...: sessions, sizes and extents as xorriso
# lists them; the change of each version as --diff says; MD5s as the
# data --cat gives.
check_history() {
	local disc=$1 path n change code
	shift
	for path in "$@"; do
		xorriso_versions "$disc" "$path" >want
		[ -s want ] || fail "xorriso finds no '$path'"
		lsms_versions "$disc" "$path" >got || fail "--history $path"
		diff want got >&2 || fail "--history $path against xorriso"
		lsms --history "$path" --json "$disc" >h.json
		jq -r '.[] | "\(.session) \(.change) \(.md5)"' h.json |
		while read -r n change md5; do
			code=$(lsms --diff --session "$n" "$disc" |
				awk -v p="$path" '$2 == p { print $1 }')
			case "$code" in
			A) [ "$change" = added ] ;;
			M) [ "$change" = changed ] ;;
			m) [ "$change" = metadata ] ;;
			"") [ "$change" = unchanged ] ;;
			*) false ;;
			esac || fail "$path in session $n: '$change' but --diff says '$code'"
			[ "$md5" = null ] && continue
			[ "$md5" = "$(lsms --cat "$n:$path" "$disc" | md5sum | cut -d' ' -f1)" ] ||
				fail "MD5 of $path in session $n"
		done || exit 1
	done
}

t_history_xorriso_disc() {
	xorriso_grown disc.iso
	check_history disc.iso /a /keep /d/big /big "/späť.txt" /sub/deep/x
	expect_ok lsms --history /a disc.iso
	assert_eq "added changed unchanged changed" \
		"$(awk '{ print $7 }' out | xargs)" "changes of /a"
	# xorriso -md5 on records the MD5 of the data it writes
	assert_eq 32 "$(jq -r '.[0].md5 | length' <(lsms --history /a --json disc.iso))" \
		"MD5 of /a in session 1"
}

t_history_mkms_disc() {
	mkms_grown disc.iso
	check_history disc.iso /a /d/big /big /d/c /sub/deep/x
	lsms --history /a --json disc.iso >h || fail "--history"
	[ "$(jq '[.[] | select(.md5 != null)] | length' h)" -ge 1 ] ||
		fail "no MD5 recorded by mkms"
}

t_history_of_links_directories_and_gaps() {
	xorriso_grown disc.iso
	expect_ok lsms --history /l disc.iso
	assert_eq 4 "$(wc -l <out)" "versions of /l"
	assert_grep '^   1 l .* added -> a$' out
	assert_grep '^   2 l .* metadata -> d$' out
	expect_ok lsms --history "/ünï" disc.iso
	assert_eq "1 2" "$(awk '{ print $1 }' out | xargs)" "sessions of /ünï"
	expect_ok lsms --history /sub/deep disc.iso
	assert_grep '^   4 d .* metadata$' out
	expect_ok lsms --history / disc.iso
	assert_eq 4 "$(wc -l <out)" "versions of /"
	lsms --history /sub/deep disc.iso >want || fail "--history"
	expect_ok lsms --history sub//deep/ disc.iso
	assert_same_file want out
}

t_history_refusals() {
	xorriso_grown disc.iso
	expect_exit 1 lsms --history /nothing disc.iso
	assert_grep "no session of 'disc.iso' holds '/nothing'" err
	expect_exit 2 lsms --history /a --session 2 disc.iso
	expect_exit 2 lsms --history /a --map disc.iso
	assert_grep "history excludes" err
	: >blank.iso
	expect_exit 4 lsms --history /a blank.iso
	assert_grep "'blank.iso' holds no session" err
}

# --files, --diff and --history of every session: the same from a
# snapshot of every session as from the disc.
check_snapshot() {
	local n
	for n in 1 2 3 4; do
		lsms --files --json --session $n disc.iso >want || fail "disc $n"
		expect_ok lsms --files --json --session $n all.mss
		assert_same_file want out
		lsms --diff --session $n disc.iso >want || fail "diff $n"
		expect_ok lsms --diff --session $n all.mss
		assert_same_file want out
	done
	lsms --history /a --json disc.iso >want || fail "history"
	expect_ok lsms --history /a --json all.mss
	assert_same_file want out
}

t_snapshot_of_every_session_xorriso_disc() {
	xorriso_grown disc.iso
	expect_ok lsms --export all.mss --all-sessions disc.iso
	check_snapshot
}

t_snapshot_of_every_session_mkms_disc() {
	mkms_grown disc.iso
	expect_ok lsms --export all.mss --all-sessions disc.iso
	check_snapshot
	# the snapshot still builds the next session as the disc does
	mkdir more && echo m >more/m
	SOURCE_DATE_EPOCH=1700000000 mkms -M disc.iso -o want.iso more ||
		fail "mkms from the disc"
	expect_ok env SOURCE_DATE_EPOCH=1700000000 mkms -M all.mss -o got.iso more
	cmp want.iso got.iso || fail "the image from the snapshot differs"
}

t_snapshot_of_newest_session_refuses_older_trees() {
	xorriso_grown disc.iso
	expect_ok lsms --export new.mss disc.iso
	expect_exit 4 lsms --history /a new.mss
	assert_grep "snapshot 'new.mss' holds the tree of its last session (4) only: the tree of session 1 is on the medium (lsms --export --all-sessions records every session's tree)" err
	[ -s out ] && fail "output on refusal"
	return 0
}

t_snapshot_missing_block_is_named() {
	xorriso_grown disc.iso
	expect_ok lsms --export all.mss --all-sessions disc.iso
	start=$(session_starts disc.iso | head -n 1)
	root=$(root_block disc.iso "$start")
	msnap drop all.mss "$root" cut.mss || fail "msnap drop"
	expect_exit 1 lsms --files --session 1 cut.mss
	assert_grep "snapshot 'cut.mss' lacks block $root" err
	expect_exit 1 lsms --history /a cut.mss
	assert_grep "lacks block $root" err
	expect_ok lsms --files --session 2 cut.mss
}

t_export_argument_is_the_snapshot() {
	xorriso_grown disc.iso
	expect_refused 2 disc.iso -- lsms --export --all-sessions all.mss disc.iso
	assert_grep "bad --export '--all-sessions'" err
	expect_exit 2 lsms --all-sessions disc.iso
	assert_grep "all-sessions goes with --export" err
}

run_tests
