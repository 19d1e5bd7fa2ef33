#!/bin/bash
# mkms --archive: the entries of an archive as the new session's content.
# Every tree is read back by xorriso (listings, extents, extraction) and
# bsdtar; the source trees are made by bsdtar, GNU tar and zip writers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# src/: modes, owners, times, a symlink, a hard link pair, an empty
# directory and file, a name with a space, data over many blocks
make_src() {
	mkdir -p src/sub/deep src/empty
	echo "hello" >src/a.txt
	chmod 600 src/a.txt
	seq 1 30000 >src/sub/nums
	ln src/sub/nums src/sub/nums.link
	ln -s ../a.txt src/sub/link
	: >src/sub/deep/zero
	head -c 300000 /dev/urandom >src/sub/deep/rand
	echo "space" >"src/with space"
	chmod 4755 "src/with space"
	chown 1234:5678 src/sub/nums
	chmod 700 src/sub/deep
	touch -d '2001-02-03 04:05:06' src/a.txt src/sub/deep/rand
	touch -h -d '2002-03-04 05:06:07' src/sub/link
	touch -d '2003-04-05 06:07:08' src/sub/deep src/empty src/sub
}

# What xorriso sees of a tree: mode, links, owner, size, name and target,
# the mtime to the second (from an extraction, which keeps times), and
# which files share an extent.
tree_of() {
	xorriso -indev "$1" -find / -exec lsdl 2>/dev/null | grep -v " '/'\$" |
		tr -s ' ' | LC_ALL=C sort >"$2.ls"
	rm -rf "$2.x"
	xorriso -osirrox on -indev "$1" -extract / "$2.x" >/dev/null 2>&1 ||
		fail "xorriso cannot extract '$1'"
	(cd "$2.x" && find . -mindepth 1 ! -type l -printf '%P %T@\n' |
		LC_ALL=C sort) >>"$2.ls"
	xorriso -indev "$1" -find / -type f -exec report_lba 2>/dev/null |
		sed -n "s/^File data lba: *[0-9]* , *\([0-9]*\) .*, '\(.*\)'\$/\2 \1/p" |
		LC_ALL=C sort -k2n | awk '{ if ($2 == last) print prev " = " $1;
			last = $2; prev = $1 }' >>"$2.ls"
}

assert_same_listing() {
	diff "$1.ls" "$2.ls" >ls.diff ||
		fail "'$2' differs from '$1': $(head -n 8 ls.diff)"
}

t_same_tree_from_directory_tar_stdin_and_compressed_archives() {
	make_src
	expect_ok mkms -o dir.iso src
	tree_of dir.iso dir
	assert_grep "^/sub/nums = /sub/nums.link\$" dir.ls
	assert_grep "^-rwsr-xr-x 1 0 0 6 [A-Z][a-z]* [0-9]* [0-9:]* '/with space'\$" dir.ls
	assert_grep "^-rw-r--r-- 1 1234 5678 " dir.ls
	assert_grep "^sub/deep/rand 981173106" dir.ls

	bsdtar -C src -cf t.tar .
	bsdtar -C src -czf t.tar.gz .
	bsdtar -C src -cJf t.tar.xz .
	bsdtar -C src --zstd -cf t.tar.zst .
	bsdtar -C src -cjf t.tar.bz2 .
	tar -C src --format=pax -cf pax.tar .
	(cd src && find . -mindepth 1 | bsdtar --format newc -n -cf ../t.cpio -T -)
	for a in t.tar t.tar.gz t.tar.xz t.tar.zst t.tar.bz2 pax.tar t.cpio; do
		expect_ok mkms -o "$a.iso" --archive "$a"
		tree_of "$a.iso" "$a"
		assert_same_listing dir "$a"
		assert_same_tree src "$a.x"
	done
	run mkms -o stdin.iso --archive - < <(bsdtar -C src -cf - .)
	assert_eq 0 "$rc" "mkms exit status with a tar on standard input"
	tree_of stdin.iso stdin
	assert_same_listing dir stdin
	assert_same_tree src stdin.x
	extract_newest stdin.iso bsd
	assert_same_tree src bsd
}

# zip and 7z have no hard links: each name has its own data
t_same_tree_from_zip_and_7z() {
	make_src
	expect_ok mkms -o dir.iso src
	tree_of dir.iso dir
	grep -v ' = ' dir.ls >dir.nolinks.ls
	(cd src && bsdtar --format zip -cf ../t.zip .)
	(cd src && bsdtar --format 7zip -cf ../t.7z .)
	for a in t.zip t.7z; do
		expect_ok mkms -o "$a.iso" --archive "$a"
		tree_of "$a.iso" "$a"
		assert_same_tree src "$a.x"
	done
	# zip keeps owners and times to the second, as the directory gives
	assert_same_listing dir.nolinks t.zip
	mkdir z7 && bsdtar -C z7 -xf t.7z || fail "bsdtar cannot read its own 7z archive"
	assert_same_tree z7 t.7z.x
}

t_graft_point_pathspecs_and_several_archives() {
	make_src
	mkdir more
	echo "more" >more/m.txt
	bsdtar -C src -cf t.tar .
	echo "two" >two.txt
	bsdtar -czf two.tgz two.txt
	run mkms -o g.iso --archive /backup/day1=t.tar --archive /in=- \
		--archive two.tgz /more=more < <(bsdtar -C src -cf - .)
	assert_eq 0 "$rc" "exit status"
	extract_newest g.iso x
	assert_same_tree src x/backup/day1
	assert_same_tree src x/in
	assert_same_file two.txt x/two.txt
	assert_same_file more/m.txt x/more/m.txt
	expect_exit 2 mkms -o g2.iso --archive - --archive /b=-
	assert_grep "only one --archive can read standard input" err
	expect_exit 2 mkms -o g2.iso --archive nosuch.tar
	assert_grep "cannot add archive 'nosuch.tar'" err
	expect_exit 2 mkms -o g2.iso --archive b=t.tar
	[ -e g2.iso ] && fail "an image was left"
	return 0
}

# an archive on top of a disc: the next session holds both
t_archive_into_the_next_session() {
	make_src
	echo "first" >first.txt
	new_session d.iso first.txt
	bsdtar -C src -czf t.tgz .
	new_session d.iso --archive /snap=t.tgz
	assert_eq 2 "$(xorriso_toc d.iso | wc -l)" "sessions"
	extract_newest d.iso x
	assert_same_file first.txt x/first.txt
	assert_same_tree src x/snap
}

t_unsafe_names() {
	mkdir ev
	echo "evil" >ev/f
	bsdtar -cf dots.tar -s ',^,sub/../../,' -C ev f
	bsdtar -tf dots.tar | grep -q '^sub/\.\./\.\./f$' ||
		fail "the fixture lacks its '..' name"
	expect_refused 1 ev -- mkms -o e.iso --archive /x=dots.tar
	assert_grep "entry 'sub/../../f' has a '..' in its name" err
	# a leading '/' is dropped, as tar does: under the graft point
	bsdtar -cPf abs.tar "$PWD/ev/f"
	expect_ok mkms -o abs.iso --archive /x=abs.tar
	extract_newest abs.iso x
	assert_same_file ev/f "x/x$PWD/ev/f"
	# a name that would put escape sequences on the terminal is shown safe
	bsdtar -cf esc.tar -s ",^f\$,$(printf 'a\033[2Jb')/../f," -C ev f
	expect_refused 1 ev -- mkms -o e.iso --archive esc.tar
	assert_grep 'entry .a\\x1b\[2Jb/\.\./f.' err
}

# entries that cannot be placed: each is refused, naming the entry
t_entries_that_cannot_be_placed() {
	mkdir tmp
	python3 - <<'EOF'
import io, tarfile
def reg(n, data=b"x\n"):
    m = tarfile.TarInfo(n); m.size = len(data); return m, io.BytesIO(data)
def lnk(n, target):
    m = tarfile.TarInfo(n); m.type = tarfile.LNKTYPE; m.linkname = target
    return m, None
for name, members in (("nolink.tar", [reg("a"), lnk("b", "missing")]),
                      ("badlink.tar", [reg("a"), lnk("b", "../a")]),
                      ("root.tar", [reg(".")])):
    with tarfile.open(name, "w", format=tarfile.GNU_FORMAT) as t:
        for m, f in members:
            t.addfile(m, f)
EOF
	expect_refused 1 tmp -- mkms -o q.iso --archive nolink.tar
	assert_grep "^mkms: archive 'nolink.tar': entry 'b' is a hard link to a file the archive has not given before\$" err
	expect_refused 1 tmp -- mkms -o q.iso --archive badlink.tar
	assert_grep "^mkms: archive 'badlink.tar': entry 'b' is a hard link to an unsafe name\$" err
	expect_refused 1 tmp -- mkms -o q.iso --archive /x=root.tar
	assert_grep "^mkms: archive 'root.tar': entry '.' names the graft point but is no directory\$" err
}

# sparse files (spooled from a tar file, holes kept) and ISO images
t_sparse_entries_and_iso_archives() {
	mkdir sp tmp
	truncate -s 10M sp/sparse
	echo "data" | dd of=sp/sparse bs=1 seek=5000000 conv=notrunc 2>/dev/null
	echo "tail" >>sp/sparse
	tar --sparse -C sp -cf sp.tar .
	TMPDIR=$PWD/tmp expect_ok mkms -o sp.iso --archive sp.tar
	xorriso -osirrox on -indev sp.iso -extract / x >/dev/null 2>&1 ||
		fail "xorriso cannot extract sp.iso"
	assert_same_tree sp x
	# the sparse entry needed the spool: without TMPDIR it fails
	TMPDIR=$PWD/none expect_refused 1 sp.tar -- mkms -o sp2.iso --archive sp.tar
	assert_grep "cannot make a spool file in TMPDIR" err
	make_src
	xorriso -as mkisofs -R -o src.iso src >/dev/null 2>&1 ||
		fail "xorriso cannot make src.iso"
	expect_ok mkms -o i.iso --archive /from-iso=src.iso
	extract_newest i.iso y
	assert_same_tree src y/from-iso
}

# TMPDIR holds nothing after a bad archive; mkms leaves no image
t_corrupt_archives_refused() {
	make_src
	mkdir tmp
	export TMPDIR=$PWD/tmp
	bsdtar -C src -czf t.tgz .
	head -c $(( $(stat -c %s t.tgz) / 2 )) t.tgz >trunc.tgz
	expect_refused 1 tmp -- mkms -o bad.iso --archive trunc.tgz
	assert_grep "^mkms: cannot read archive 'trunc.tgz' at entry '.*': cannot read its data: truncated gzip input\$" err
	assert_eq "" "$(ls -A tmp)" "TMPDIR after the failure"
	# the fourth header's checksum broken: the entries before it are named
	bsdtar -C src -cf mid.tar a.txt empty sub
	python3 - <<'EOF'
d = bytearray(open("mid.tar", "rb").read())
off = n = 0
while True:
    size = int(d[off + 124:off + 136].strip(b"\0 ") or b"0", 8)
    n += 1
    if n == 4:
        d[off + 148:off + 156] = b"0000000\0"
        break
    off += 512 + (size + 511) // 512 * 512
open("mid.tar", "wb").write(d)
EOF
	third=$(bsdtar -tf mid.tar 2>/dev/null | sed -n 3p)
	expect_refused 1 tmp -- mkms -o bad.iso --archive mid.tar
	assert_grep "^mkms: cannot read archive 'mid.tar': a bad header after entry '$third': damaged tar archive\$" err
	run mkms -o bad.iso --archive - < <(bsdtar -C src -czf - . | head -c 3000)
	assert_eq 1 "$rc" "exit status of a truncated stream"
	assert_grep "^mkms: cannot read archive 'standard input'" err
	[ -e bad.iso ] && fail "an image was left"
	echo "not an archive" >junk
	expect_refused 1 tmp -- mkms -o bad.iso --archive junk
	assert_grep "^mkms: cannot read archive 'junk': cannot open it: unrecognized archive format\$" err
	run mkms -o - --archive - </dev/null
	assert_eq 1 "$rc" "exit status of an empty standard input"
	assert_grep "no archive on standard input (did the command before the pipe fail?)" err
	assert_eq 0 "$(stat -c %s out)" "bytes written to standard output"
	assert_eq "" "$(ls -A tmp)" "TMPDIR after the failures"
}

t_spool_only_when_the_archive_cannot_be_reread() {
	make_src
	bsdtar -C src -cf t.tar .
	bsdtar -C src -czf t.tgz .
	# an uncompressed tar file is read in place: no TMPDIR needed
	TMPDIR=$PWD/none expect_ok mkms -o t.iso --archive t.tar
	extract_newest t.iso x
	assert_same_tree src x
	TMPDIR=$PWD/none expect_refused 1 t.tgz -- mkms -o g.iso --archive t.tgz
	assert_grep "cannot make a spool file in TMPDIR '$PWD/none'" err
	TMPDIR=$PWD/none run mkms -o p.iso --archive - < <(cat t.tar)
	assert_eq 1 "$rc" "exit status of a tar through a pipe, without TMPDIR"
	assert_grep "cannot make a spool file in TMPDIR" err
	# a tar file on standard input is read in place, from its offset
	(head -c 1000 /dev/zero && cat t.tar) >off.tar
	(dd bs=1000 count=1 of=/dev/null 2>/dev/null &&
	 TMPDIR=$PWD/none mkms -o s.iso --archive -) <off.tar ||
		fail "a tar file on standard input wants a spool"
	extract_newest s.iso y
	assert_same_tree src y
}

t_no_space_in_tmpdir() {
	mkdir src small
	head -c 200000 /dev/urandom >src/big
	bsdtar -C src -czf t.tgz .
	if ! mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
		skip "cannot mount a small tmpfs for TMPDIR (not root?)"
		return 0
	fi
	TMPDIR=$PWD/small run mkms -o s.iso --archive t.tgz
	left=$(ls -A small)
	umount small
	assert_eq 5 "$rc" "exit status"
	assert_grep "^mkms: not enough space in TMPDIR '$PWD/small' to spool entry './big' of archive 't.tgz': 200000 bytes needed" err
	assert_eq "" "$left" "TMPDIR after the failure"
	[ -e s.iso ] && fail "an image was left"
	return 0
}

# --exclude leaves out the same entries of an archive as of the directory
t_exclude_applies_to_archive_entries() {
	make_src
	bsdtar -C src -cf t.tar .
	bsdtar -C src -czf t.tgz .
	for x in "deep" "*.link" "sub/nums" "/sub" "with*"; do
		expect_ok mkms -o dir.iso --exclude "$x" src
		xorriso -indev dir.iso -find / 2>/dev/null | sort >dir.ls
		for a in t.tar t.tgz; do
			# spooled, a link's data went with an excluded first name
			case $a.$x in t.tgz.*nums* | t.tgz.*link*) continue ;; esac
			expect_ok mkms -o a.iso --exclude "$x" --archive "$a"
			xorriso -indev a.iso -find / 2>/dev/null | sort >a.ls
			diff dir.ls a.ls >ls.diff ||
				fail "--exclude '$x' --archive $a: $(cat ls.diff)"
		done
	done
	# under a graft point the patterns are relative to the archive
	expect_ok mkms -o g.iso --exclude 'sub/deep' --archive /b=t.tar
	xorriso -indev g.iso -find /b/sub 2>/dev/null | sort >g.ls
	assert_no_grep deep g.ls
	assert_grep "^'/b/sub/nums'\$" g.ls
	# a hard link whose first name is excluded keeps the data it shares
	# when the archive is read in place; spooled, it is left out, said so
	first=$(bsdtar -tvf t.tgz | sed -n 's/.* \(\.\/sub\/[^ ]*\) link to \.\/sub\/\(.*\)$/\2/p')
	second=$(bsdtar -tvf t.tgz | sed -n 's/.* \.\/sub\/\([^ ]*\) link to .*/\1/p')
	[ -n "$first" ] && [ -n "$second" ] || fail "no hard link in t.tgz"
	expect_ok mkms -o l.iso --exclude "$first" --archive t.tar
	extract_newest l.iso x
	assert_same_file src/sub/nums "x/sub/$second"
	[ -e "x/sub/$first" ] && fail "the excluded name is there"
	run mkms -o l2.iso --exclude "$first" --archive t.tgz
	assert_eq 0 "$rc" "exit status"
	assert_grep "^mkms: warning: leaving out entry './sub/$second' of archive 't.tgz': a hard link to an excluded file, whose data is gone\$" err
	return 0
}

# --update --archive /snap=backup.tar: /snap becomes the archive's tree;
# unchanged files keep their extents, a quiet day writes nothing
t_update_mirrors_the_archive() {
	make_src
	bsdtar -C src -cf day1.tar .
	new_session d.iso --archive /snap=day1.tar
	xorriso -indev d.iso -find /snap -type f -exec report_lba 2>/dev/null |
		grep '/snap/sub/nums' >lba1
	run mkms --update -M d.iso -o - --archive /snap=day1.tar
	assert_eq 7 "$rc" "exit status of an update with nothing new"
	assert_eq "mstools_nothing_v1" "$(cat out)" "standard output"
	assert_grep "update: 0 added, 0 changed, 0 removed, 11 unchanged" err
	# day 2: one file changed, one removed, one added, a link retargeted
	echo "changed" >>src/a.txt
	rm src/sub/deep/rand
	echo "new" >src/new.txt
	ln -sfn nums src/sub/link
	bsdtar -C src -czf day2.tgz .
	expect_ok mkms -q --update -M d.iso -o s2.iso --archive /snap=day2.tgz
	expect_ok burnms -d d.iso s2.iso
	extract_newest d.iso x
	assert_same_tree src x/snap
	xorriso -indev d.iso -find /snap -type f -exec report_lba 2>/dev/null |
		grep '/snap/sub/nums' >lba2
	assert_same_file lba1 lba2
	# the session holds the new data, not the whole tree again
	size=$(xorriso_toc d.iso | tail -n 1 | cut -d' ' -f2)
	[ "$size" -lt 150 ] || fail "the update session has $size blocks"
	# content mode decides by the disc's MD5s: nothing to do again
	touch -d '2030-01-01 00:00:00' src/a.txt
	bsdtar -C src -cf day3.tar .
	run mkms --update=content -M d.iso -o - --archive /snap=day3.tar
	assert_eq 7 "$rc" "exit status of a content update with nothing new"
}

run_tests
