#!/bin/bash
# lsms --files and --diff: a session's tree and what a session changed,
# checked against xorriso's view of the same sessions.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

# A command prefix for lsms: "on STATE" for the virtual burner.
AUDIT_ON=

# xorriso_files FILE START: "path size start blocks" of every file of the
# session at START, one line per extent, as xorriso reports them.  An
# empty file's block holds no data: its start is left out ("-").
xorriso_files() {
	xorriso -indev "$1" -load sbsector "$2" -find / -exec report_lba \
		2>/dev/null |
		sed -n "s/^File data lba: *[0-9]* , *\([0-9]*\) , *\([0-9]*\) , *\([0-9]*\) , '\(.*\)'\$/\4 \3 \1 \2/p" |
		awk '{ if ($NF == 0) $(NF-1) = "-"; print }' | sort
}

# lsms_files MEDIUM N: the same from lsms --files --json.
lsms_files() {
	$AUDIT_ON lsms --json --files --session "$2" "$1" |
		jq -r '.[] | select(.type == "file") | .path as $p |
			.size as $s | .extents[] |
			"\($p) \($s) \(if .blocks == 0 then "-" else .start end) \(.blocks)"' |
		sort
}

# expected_diff OLD NEW: A, D and M lines from two xorriso_files lists.
expected_diff() {
	join -a1 -a2 -e '?' -o 0,1.2,2.2 \
		<(awk '{ k[$1] = k[$1] $2 ":" $3 ":" $4 "," }
			END { for (p in k) print p, k[p] }' "$1" | sort) \
		<(awk '{ k[$1] = k[$1] $2 ":" $3 ":" $4 "," }
			END { for (p in k) print p, k[p] }' "$2" | sort) |
		awk '$2 == "?" { print "A", $1; next }
			$3 == "?" { print "D", $1; next }
			$2 != $3 { print "M", $1 }' | sort -k2
}

# check_disc MEDIUM [FLAT]: --files and --diff of every session of MEDIUM
# equal what the xorriso listings of FLAT say.  FLAT is a drive's disc read
# back flat, whose session starts come from the drive's TOC; without it,
# MEDIUM is a disc file and its session starts are xorriso's.
check_disc() {
	local n=0 start prev="" starts
	if [ -n "${2:-}" ]; then
		starts=$($AUDIT_ON xorriso -indev "$1" -toc 2>/dev/null |
			sed -n 's/^ISO session *: *[0-9]* , *\([0-9]*\) ,.*/\1/p')
	else
		starts=$(xorriso_toc "$1" | cut -d' ' -f1)
	fi
	for start in $starts; do
		n=$((n + 1))
		xorriso_files "${2:-$1}" "$start" >want$n
		[ -s want$n ] || fail "xorriso lists no file in session $n"
		lsms_files "$1" $n >got$n || fail "lsms --files --session $n"
		diff want$n got$n >&2 || fail "--files of session $n"
		if [ -n "$prev" ]; then
			expected_diff want$prev want$n >wantdiff$n
			expect_ok $AUDIT_ON lsms --diff --session $n "$1"
			# files only: A, D and M of paths xorriso lists
			cat want$prev want$n | cut -d' ' -f1 | sort -u >paths
			grep '^[ADM] ' out | sort -k2 |
				awk 'NR == FNR { p[$0]; next } ($2 in p)' \
				paths - >gotdiff$n
			diff wantdiff$n gotdiff$n >&2 ||
				fail "--diff of session $n"
		fi
		prev=$n
	done
	[ "$n" -ge 3 ] || fail "only $n sessions"
}

# A disc grown by xorriso: replacements, removals, a rename, a changed
# symlink, a chmod and Unicode names.
xorriso_disc() {
	mkdir -p t/d
	echo one >t/a
	echo b >t/d/b
	echo keep >t/keep
	printf 'u' >"t/ünï"
	: >t/empty
	ln -s a t/l
	seq 1 3000 >t/big
	xorriso -outdev "$1" -map t / -commit 2>/dev/null || fail "session 1"
	echo two, longer >t/a2
	xorriso -dev "$1" -map t/a2 /a -rm /d/b /l -- -lns d /l \
		-chmod 0600 /keep -- -commit 2>/dev/null || fail "session 2"
	echo new >t/n
	xorriso -dev "$1" -map t/n "/späť.txt" -rm "/ünï" -- -mv /big /d/big -- \
		-commit 2>/dev/null || fail "session 3"
}

# A disc grown by mkms and burnms in the same way.
mkms_disc() {
	mkdir -p s1/d s2 s3/d
	echo one >s1/a
	echo b >s1/d/b
	printf 'u' >"s1/ünï"
	: >s1/empty
	ln -s a s1/l
	seq 1 3000 >s1/big
	mkms -M "$1" -o - s1 | burnms -d "$1" - || fail "session 1"
	echo two, longer >s2/a
	ln -s d s2/l2
	mkms -M "$1" -o - s2 --rm /d/b | burnms -d "$1" - || fail "session 2"
	echo new >"s3/späť.txt"
	echo c >s3/d/c
	mkms -M "$1" -o - s3 --rm "/ünï" | burnms -d "$1" - ||
		fail "session 3"
}

t_xorriso_disc_files_and_diff_match_xorriso() {
	xorriso_disc disc.iso
	check_disc disc.iso
}

t_mkms_disc_files_and_diff_match_xorriso() {
	mkms_disc disc.iso
	check_disc disc.iso
}

t_drive_files_and_diff_match_xorriso() {
	new_disc cd cd-r 100000
	burn cd 1
	burn cd 2
	mkdir -p src3 && echo replaced >src3/n1
	on cd mkms -M "$DEV" -o - src3 --rm /d2 | on cd burnms -d "$DEV" - ||
		fail "session 3"
	msvd dump cd flat.iso || fail "msvd dump"
	AUDIT_ON="on cd"
	check_disc "$DEV" flat.iso
	assert_eq "D /d2/f2" "$(grep '^D /d2/f2$' out)" "removal"
	assert_eq "M /n1" "$(grep '^M /n1$' out)" "replacement"
}

t_files_shows_types_sessions_and_links() {
	xorriso_disc disc.iso
	expect_ok lsms --files disc.iso
	assert_grep '^l  *1 .* - *- /l -> d$' out
	assert_grep '^d  *0 .* /d$' out
	assert_grep '^f  *4 .*  3  *[0-9]* /späť.txt$' out
	assert_grep '^f  *12 .*  2  *[0-9]* /a$' out
	assert_no_grep 'ünï' out
	# the newest session is the default
	lsms --files --session 3 disc.iso >s3 || fail "--session 3"
	assert_same_file s3 out
}

t_diff_codes_and_counts() {
	xorriso_disc disc.iso
	expect_ok lsms --diff --session 2 disc.iso
	assert_grep '^M /a$' out
	assert_grep '^D /d/b$' out
	assert_grep '^m /keep$' out
	assert_grep '^m /l$' out
	assert_no_grep '/big$' out
	tail -n 1 out >counts
	assert_eq "0 added, 1 removed, 1 changed, $(grep -c '^m ' out) metadata only" \
		"$(cat counts)" "counts"
	# sorted by path
	sed '$d' out | cut -c3- >paths
	LC_ALL=C sort -c paths || fail "not sorted by path"
	expect_ok lsms --diff --between 1,3 disc.iso
	assert_grep '^A /d/big$' out
	assert_grep '^D /big$' out
	assert_grep '^A /späť.txt$' out
	assert_grep '^D /ünï$' out
	expect_ok lsms --diff --json --between 1,3 disc.iso
	assert_eq "1 3" "$(jq -r '"\(.from) \(.to)"' out)" "from, to"
	assert_eq "A" "$(jq -r '.changes[] | select(.path == "/d/big") | .code' out)" \
		"code of /d/big"
	assert_eq "$(jq '[.changes[] | select(.code == "D")] | length' out)" \
		"$(jq .removed out)" "removed count"
}

t_diff_of_first_session_adds_everything() {
	xorriso_disc disc.iso
	expect_ok lsms --diff --session 1 disc.iso
	lsms --files --session 1 disc.iso | wc -l >n
	assert_eq "$(cat n) added, 0 removed, 0 changed, 0 metadata only" \
		"$(tail -n 1 out)" "counts"
}

t_names_are_made_safe() {
	mkdir -p s
	echo x >"s/$(printf 'bad\033[31mname')"
	mkms -o disc.iso s || fail "mkms"
	expect_ok lsms --files disc.iso
	assert_no_grep "$(printf '\033')" out
	assert_grep 'bad\\x1b\[31mname' out
	expect_ok lsms --files --json disc.iso
	jq -e '.[] | select(.path == "/bad\u001b[31mname")' out >/dev/null ||
		fail "JSON path not the name"
}

t_snapshot_lists_its_last_session() {
	xorriso_disc disc.iso
	expect_ok lsms --export disc.mss disc.iso
	lsms --files --json disc.iso >want || fail "lsms disc"
	expect_ok lsms --files --json disc.mss
	assert_same_file want out
	expect_ok lsms --files --session 3 disc.mss
}

t_snapshot_refuses_older_sessions() {
	xorriso_disc disc.iso
	expect_ok lsms --export disc.mss disc.iso
	expect_exit 4 lsms --files --session 2 disc.mss
	assert_grep "snapshot 'disc.mss' holds the tree of its last session (3) only" err
	expect_exit 4 lsms --diff disc.mss
	assert_grep "tree of session 2 is on the medium" err
	[ -s out ] && fail "output on refusal"
	return 0
}

t_session_out_of_range() {
	xorriso_disc disc.iso
	expect_exit 2 lsms --files --session 4 disc.iso
	assert_grep "'disc.iso' has no session 4 (it holds 3)" err
	expect_exit 2 lsms --diff --between 1,9 disc.iso
	assert_grep "'disc.iso' has no session 9 (it holds 3)" err
	expect_exit 2 lsms --files --session 0 disc.iso
	assert_grep "bad --session '0'" err
}

t_option_refusals() {
	xorriso_disc disc.iso
	expect_exit 2 lsms --files --between 1,2 disc.iso
	assert_grep "between goes with --diff" err
	expect_exit 2 lsms --session 2 disc.iso
	assert_grep "go with --files or --diff" err
	expect_exit 2 lsms --diff --session 2 --between 1,2 disc.iso
	assert_grep "exclude each other" err
	expect_exit 2 lsms --files --map disc.iso
	assert_grep "exclude --export, --msinfo and --map" err
	expect_exit 2 lsms --diff --between 2 disc.iso
	assert_grep "bad --between '2'" err
}

t_blank_medium_has_no_tree() {
	: >blank.iso
	expect_exit 4 lsms --files blank.iso
	assert_grep "'blank.iso' holds no session" err
}

run_tests
