#!/bin/bash
# mkms --from-session N: a new session whose tree is session N's (plus
# any pathspecs and --rm), linked to the newest session: the undo of
# write-once media that keeps the history.  Checked through xorriso:
# the trees it extracts, its TOC and the files' extents.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

# four_sessions DISC: adds, a replacement, a removal, a symlink
four_sessions() {
	mkdir -p g1/d g2/d g3 g4/e
	echo "a, first" >g1/a
	echo "x" >g1/d/x
	ln -s a g1/link
	echo "a, second" >g2/a
	echo "y" >g2/d/y
	echo "b" >g3/b
	echo "y, again" >g4/y
	echo "z" >g4/e/z
	new_session "$1" /=g1
	new_session "$1" /=g2
	new_session "$1" --rm /d/x /b=g3/b
	new_session "$1" /d/y=g4/y /e=g4/e
}

# lba_list DISC START: the files' extents of a session, as xorriso says
lba_list() {
	xorriso -indev "$1" -load sbsector "$2" -find / -exec report_lba \
		2>/dev/null | grep '^File data lba:' | sort
}

# start_of DISC N: the start of session N, as xorriso says
start_of() {
	xorriso_toc "$1" | sed -n "$2p" | cut -d' ' -f1
}

t_from_session_gives_back_an_older_tree() {
	local s2 s5
	four_sessions d.iso
	mkms --from-session 2 -M d.iso -o - | burnms -d d.iso - ||
		fail "mkms --from-session 2 | burnms"
	assert_eq 5 "$(xorriso_toc d.iso | wc -l)" "sessions xorriso sees"
	s2=$(start_of d.iso 2)
	s5=$(start_of d.iso 5)
	assert_eq "$s5" "$(last_start d.iso)" "the newest session"
	extract_session d.iso "$s2" two
	extract_session d.iso "$s5" five
	assert_same_tree two five
	# the newest tree as readers that start at block 16 see it
	extract_newest d.iso newest
	assert_same_tree two newest
	[ "$(cat five/a)" = "a, second" ] || fail "a is not session 2's"
	[ -e five/b ] || [ -e five/e ] && fail "later files came back"
	[ "$(readlink five/link)" = a ] || fail "the symlink"
	# no file data written: every extent is session 2's
	lba_list d.iso "$s2" >lba2
	lba_list d.iso "$s5" >lba5
	[ -s lba2 ] || fail "xorriso reports no extent"
	assert_same_file lba2 lba5
	# linked to the newest session, as always
	expect_ok lsms --json d.iso
	assert_eq 4 "$(jq -r '.sessions[4].link.base_session' out)" \
		"session 5 is linked to"
	# what session 5 changed against 4: the undo of sessions 3 and 4
	expect_ok lsms --diff --session 5 d.iso
	grep '^[A-Z] ' out >diff5
	printf '%s\n' "D /b" "D /e" "D /e/z" "M /d/y" "A /d/x" |
		sort -k2 >want
	sort -k2 diff5 >got
	assert_same_file want got
}

t_from_session_with_pathspecs_and_removals() {
	local s1 s5
	four_sessions d.iso
	mkdir -p more && echo "more" >more/m
	expect_ok mkms --from-session 1 -M d.iso -o img.iso --rm /link \
		/more=more
	expect_ok burnms -d d.iso img.iso
	s1=$(start_of d.iso 1)
	s5=$(start_of d.iso 5)
	extract_session d.iso "$s1" one
	rm one/link
	mkdir -p one/more && cp more/m one/more/m
	extract_session d.iso "$s5" five
	assert_same_tree one five
}

t_from_session_on_a_write_once_disc() {
	local s1 s3
	new_disc cd cd-r 100000
	burn cd 1
	burn cd 2
	on cd mkms --from-session 1 -M "$DEV" -o - |
		on cd burnms -d "$DEV" - || fail "--from-session on the CD-R"
	json cd
	assert_eq 3 "$(jq -r '.sessions | length' json.out)" "sessions"
	s1=$(jq -r '.sessions[0].start' json.out)
	s3=$(jq -r '.sessions[2].start' json.out)
	assert_eq "$(tree cd "$s1")" "$(tree cd "$s3")" "session 3's files"
	lba_list flat.iso "$s1" >lba1
	lba_list flat.iso "$s3" >lba3
	assert_same_file lba1 lba3
}

t_session_out_of_range_is_refused() {
	four_sessions d.iso
	expect_refused 2 d.iso -- mkms --from-session 5 -M d.iso -o img.iso
	assert_grep "^mkms: 'd.iso' has no session 5 (it holds 4)\$" err
	expect_refused 2 d.iso -- mkms --from-session 0 -M d.iso -o img.iso
	assert_grep "bad --from-session '0'" err
	expect_refused 2 d.iso -- mkms --from-session x -M d.iso -o img.iso
}

t_from_session_needs_a_medium_with_sessions() {
	mkdir -p s && echo s >s/s
	expect_refused 2 s -- mkms --from-session 1 -o img.iso s
	assert_grep "needs the medium" err
	four_sessions d.iso
	expect_refused 2 d.iso -- mkms --fresh --from-session 1 -M d.iso \
		-o img.iso s
	assert_grep "exclude each other" err
	: >blank.iso
	expect_refused 4 blank.iso -- mkms --from-session 1 -M blank.iso \
		-o img.iso s
	assert_grep "^mkms: 'blank.iso' is blank: it holds no session 1" err
}

t_from_the_newest_session_is_nothing_to_do() {
	four_sessions d.iso
	expect_refused 7 d.iso -- mkms --from-session 4 -M d.iso -o img.iso
	assert_grep "nothing to do: session 4 is the newest session" err
	run mkms --from-session 4 -M d.iso -o -
	assert_eq 7 "$rc" "exit with -o -"
	assert_eq "mstools_nothing_v1" "$(cat out)" "the marker"
}

# --update compares the sources with session N's tree; going back to an
# older tree is a change even when the sources match it
t_update_from_an_older_session() {
	four_sessions d.iso
	extract_session d.iso "$(start_of d.iso 1)" one
	expect_refused 7 d.iso -- mkms --update --from-session 4 -M d.iso \
		-o img.iso /e=g4/e
	run mkms --update --from-session 1 -M d.iso -o img.iso /d=one/d
	assert_eq 0 "$rc" "mkms exit"
	assert_grep "update: 0 added, 0 changed, 0 removed" err
	expect_ok burnms -d d.iso img.iso
	extract_session d.iso "$(start_of d.iso 5)" five
	assert_same_tree one five
}

t_snapshot_without_the_tree_is_refused() {
	four_sessions d.iso
	expect_ok lsms --export s.mss d.iso
	expect_refused 4 d.iso s.mss -- mkms --from-session 2 -M s.mss \
		-o img.iso
	assert_grep "^mkms: cannot import session 2 of 's.mss': snapshot 's.mss' lacks block $(start_of d.iso 2)" err
	# the last session's tree is there: the same image as from the disc
	mkdir -p n && echo n >n/n
	SOURCE_DATE_EPOCH=1700000000 mkms --from-session 4 -M s.mss \
		-o from-snap.iso /n=n || fail "mkms from the snapshot"
	SOURCE_DATE_EPOCH=1700000000 mkms -M d.iso -o from-disc.iso /n=n ||
		fail "mkms from the disc"
	assert_same_file from-disc.iso from-snap.iso
}

t_snapshot_of_all_sessions_gives_the_same_image() {
	four_sessions d.iso
	expect_ok lsms --export all.mss --all-sessions d.iso
	SOURCE_DATE_EPOCH=1700000000 mkms --from-session 2 -M all.mss \
		-o from-snap.iso || fail "mkms from the snapshot"
	SOURCE_DATE_EPOCH=1700000000 mkms --from-session 2 -M d.iso \
		-o from-disc.iso || fail "mkms from the disc"
	assert_same_file from-disc.iso from-snap.iso
}

run_tests
