#!/bin/bash
# Snapshots whose checksums are right but whose fields contradict each
# other are damaged, for every tool that reads them.
. "$(dirname "$0")/lib.sh"

# snap: a snapshot of a disc file with two sessions, in good.mss
snap() {
	local i
	for i in 1 2; do
		mkdir -p "gen$i" && echo "generation $i" >"gen$i/file$i"
		mkms -M disc.iso -o - "gen$i" | burnms -d disc.iso - ||
			fail "session $i"
	done
	lsms --export good.mss disc.iso || fail "export"
	msnap dump good.mss | sed -n '/^end$/q;p' >good.txt ||
		fail "msnap dump"
}

# craft OUT SED-SCRIPT: good.mss with its text part edited by sed
craft() {
	{ sed "$2" good.txt; echo end; } >"$1.txt"
	msnap text good.mss "$1.txt" "$1" || fail "msnap text"
}

# refused FILE WHY: every tool refuses FILE as damaged, naming WHY
refused() {
	mkdir -p new && echo new >new/new
	expect_exit 1 lsms "$1"
	assert_grep "^lsms: snapshot '$1' is damaged: $2\$" err
	assert_eq "" "$(cat out)" "lsms stdout"
	expect_exit 1 lsms --json "$1"
	assert_grep "damaged: $2" err
	run timeout 60 mkms -M "$1" -o next.iso new
	assert_eq 1 "$rc" "mkms -M $1 exit"
	assert_grep "^mkms: snapshot '$1' is damaged: $2\$" err
	[ -e next.iso ] && fail "mkms wrote an image"
	mkms -M disc.iso -o img.iso new || fail "mkms"
	expect_exit 1 burnms --dummy -d "$1" img.iso
	assert_grep "damaged: $2" err
	return 0
}

t_good_snapshot_passes() {
	snap
	craft same.mss ''
	expect_ok lsms same.mss
	expect_ok mkms -M same.mss -o next.iso gen1
}

# used to crash mkms -M with SIGSEGV, and lsms showed "sessions 0"
t_appendable_without_sessions() {
	snap
	craft empty.mss '/^session /d;/^link /d'
	refused empty.mss "it says appendable but lists no sessions"
}

t_blank_with_sessions() {
	snap
	craft blank.mss 's/^status appendable$/status blank/'
	refused blank.mss "it says blank but lists sessions"
}

t_sessions_overlap() {
	snap
	start2=$(sed -n 's/^session 2 \([0-9]*\) .*/\1/p' good.txt)
	craft overlap.mss "s/^session 2 $start2 /session 2 40 /;s/^last_start .*/last_start 40/"
	refused overlap.mss "session 2 at block 40 starts before session 1 ends (block 64)"
}

t_nwa_inside_the_last_session() {
	snap
	start2=$(sed -n 's/^session 2 \([0-9]*\) .*/\1/p' good.txt)
	craft nwa.mss "s/^nwa .*/nwa $((start2 + 1))/"
	refused nwa.mss "its next writable address $((start2 + 1)) lies inside session 2 (blocks $start2 to .*)"
}

t_duplicated_source_line() {
	snap
	craft dup.mss 's/^source \(.*\)$/source \1\nsource other.iso/'
	refused dup.mss "two 'source' lines"
}

t_missing_status_line() {
	snap
	craft nostatus.mss '/^status /d'
	refused nostatus.mss "it has no 'status' line"
}

run_tests
