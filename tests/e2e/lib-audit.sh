# Discs with several sessions of content changes, for the audits of lsms
# (--history, --cat, --extract, snapshots of every session).  Sourced
# after lib.sh.

# xorriso_grown FILE: four sessions grown by xorriso with MD5s: adds,
# replacements, removals, a rename, symlinks (one re-pointed), a chmod,
# Unicode names, an empty file and a file of several blocks.
xorriso_grown() {
	mkdir -p t/d t/sub/deep
	echo one >t/a
	echo b >t/d/b
	echo keep >t/keep
	printf 'u' >"t/ünï"
	: >t/empty
	ln -s a t/l
	seq 1 3000 >t/big
	echo deep >t/sub/deep/x
	xorriso -outdev "$1" -md5 on -map t / -commit 2>/dev/null ||
		fail "xorriso session 1"
	echo two, longer >t/a2
	xorriso -dev "$1" -md5 on -map t/a2 /a -rm /d/b /l -- -lns d /l \
		-chmod 0600 /keep -- -commit 2>/dev/null ||
		fail "xorriso session 2"
	echo new >t/n
	xorriso -dev "$1" -md5 on -map t/n "/späť.txt" -rm "/ünï" -- \
		-mv /big /d/big -- -commit 2>/dev/null ||
		fail "xorriso session 3"
	echo three >t/a3
	xorriso -dev "$1" -md5 on -map t/a3 /a -chmod 0751 /sub/deep -- \
		-commit 2>/dev/null || fail "xorriso session 4"
}

# mkms_grown FILE: four sessions grown by mkms and burnms in the same way
# (a rename is a new graft of the old data and --rm of the old name).
mkms_grown() {
	mkdir -p s1/d s1/sub/deep s2 s3/d s4
	echo one >s1/a
	echo b >s1/d/b
	printf 'u' >"s1/ünï"
	: >s1/empty
	ln -s a s1/l
	seq 1 3000 >s1/big
	echo deep >s1/sub/deep/x
	chmod 0640 s1/d/b
	mkms -M "$1" -o - s1 | burnms -d "$1" - || fail "mkms session 1"
	echo two, longer >s2/a
	ln -s d s2/l2
	mkms -M "$1" -o - s2 --rm /d/b | burnms -d "$1" - ||
		fail "mkms session 2"
	echo new >"s3/späť.txt"
	echo c >s3/d/c
	mkms -M "$1" -o - s3 "/d/big=s1/big" --rm "/ünï" --rm /big |
		burnms -d "$1" - || fail "mkms session 3"
	echo three >s4/a
	mkms -M "$1" -o - s4 --rm /l2 | burnms -d "$1" - ||
		fail "mkms session 4"
}

# session_starts FILE: the start block of every session, as xorriso sees
# them, one a line.
session_starts() {
	xorriso_toc "$1" | cut -d' ' -f1
}
