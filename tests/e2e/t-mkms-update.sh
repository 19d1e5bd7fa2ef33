#!/bin/bash
# mkms --update: the tree under each pathspec becomes exactly its source,
# writing only what changed; --update=content decides by the MD5 the disc
# recorded; --exclude leaves entries out.  Every tree is read back with
# xorriso (and bsdtar), every extent with xorriso's report_lba.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

MARKER='mstools_nothing_v1'
DAY0=1767225600		# 2026-01-01: the days' files take times after it
DIRTIME=1700000000	# directories keep one time, so that their counts
			# do not depend on the second a test runs in

# Give a file day N's time (a second that no other day uses).
at_day() {
	local day=$1
	shift
	touch -h -d "@$((DAY0 + day * 86400))" "$@"
}

settle_dirs() {
	find "$1" -type d -exec touch -d "@$DIRTIME" {} +
}

# mkms --update for /home=SRC, then burnms; the summary line is left in
# ./summary.  A day without changes must end 7 and leave the disc as it
# was.
update_day() {
	local disc=$1 src=$2 want=${3:-0}
	settle_dirs "$src"
	if [ "$want" -eq 7 ]; then
		expect_refused 7 "$disc" -- mkms --update -M "$disc" -o next.iso \
			/home="$src"
		grep '^mkms: update:' err >summary
		assert_grep "^mkms: nothing to do" err
		[ -e next.iso ] && fail "a quiet day left an image"
		return 0
	fi
	run mkms --update -M "$disc" -o next.iso /home="$src"
	[ "$rc" -eq 0 ] || fail "mkms --update exited $rc"
	grep -v '^mkms: update:' err >other.err
	[ -s other.err ] && fail "mkms --update said more: $(head -n 3 other.err)"
	cp err summary
	expect_ok burnms -d "$disc" next.iso
	rm -f next.iso
}

assert_summary() {
	assert_eq "mkms: update: $1" "$(cat summary)" "summary"
}

# "type mode mtime path -> target" of a tree, mtimes of files only (the
# extractors set no times on symlinks, and directories keep DIRTIME).
attr_list() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %U %G %P %l\n' &&
		find . -mindepth 1 -type f -printf 'mtime %Ts %P\n') |
		LC_ALL=C sort
}

# The newest tree under /home equals src: names, bytes, symlink targets,
# modes, owners and file times, as xorriso and bsdtar extract it.
assert_disc_is() {
	local disc=$1 src=$2
	rm -rf X B
	xorriso -osirrox on -indev "$disc" -extract /home X >/dev/null \
		2>xorriso.err || fail "xorriso cannot extract: $(tail -n 3 xorriso.err)"
	assert_same_tree "$src" X
	assert_eq "$(attr_list "$src")" "$(attr_list X)" "attributes (xorriso)"
	extract_newest "$disc" B
	assert_same_tree "$src" B/home
	assert_eq "$(attr_list "$src" | grep -v '^d ')" \
		"$(attr_list B/home | grep -v '^d ')" "attributes (bsdtar)"
}

# "path lba" of every file of the newest tree.
lba_list() {
	xorriso -indev "$1" -find / -type f -exec report_lba 2>/dev/null |
		sed -n "s/^File data lba: *[0-9]* , *\([0-9]*\) ,.*, '\(.*\)'\$/\2 \1/p" |
		LC_ALL=C sort
}

sessions() {
	xorriso_toc "$1" | wc -l
}

last_blocks() {
	lsms --json "$1" | jq '.sessions[-1].blocks'
}

day1_tree() {
	mkdir -p src/docs src/photos src/code/sub
	for i in 1 2 3 4 5 6 7 8; do
		echo "letter $i" >src/docs/l$i.txt
		printf 'P6 1 1 255 %03d' "$i" >src/photos/p$i.ppm
	done
	echo "int main;" >src/code/main.c
	echo "deep" >src/code/sub/deep.txt
	ln -s ../docs/l1.txt src/code/link
	head -c 1048576 /dev/urandom >src/big.bin
	head -c 2097152 /dev/urandom >src/other.bin
	chmod 0600 src/docs/l2.txt
	at_day 1 src/docs/* src/photos/* src/code/main.c src/code/sub/deep.txt \
		src/code/link src/big.bin src/other.bin
}

t_ten_day_backup() {
	local before after n
	day1_tree
	# day 1: everything is new
	update_day d.iso src
	assert_summary "26 added, 0 changed, 0 removed, 0 unchanged, 3.0 MiB to write"
	assert_disc_is d.iso src
	# day 2: adds
	echo "news" >src/docs/new.txt
	mkdir src/photos/2026
	echo "pic" >src/photos/2026/a.ppm
	at_day 2 src/docs/new.txt src/photos/2026/a.ppm
	before=$(lba_list d.iso)
	update_day d.iso src
	assert_summary "3 added, 0 changed, 0 removed, 26 unchanged, 4 KiB to write"
	assert_disc_is d.iso src
	after=$(lba_list d.iso)
	# every file of day 1 keeps its extent
	assert_eq "$before" "$(grep -v -e new.txt -e 2026/ <<<"$after")" "extents"
	# day 3: edits, of content and of mode and owner alone
	echo "letter 3, edited" >src/docs/l3.txt
	at_day 3 src/docs/l3.txt
	chmod 0640 src/docs/l4.txt
	chown 1234:5678 src/docs/l5.txt
	before=$(lba_list d.iso)
	update_day d.iso src
	assert_summary "0 added, 3 changed, 0 removed, 26 unchanged, 2 KiB to write"
	assert_disc_is d.iso src
	# a new mode or owner alone writes no data
	assert_eq "$(grep -v l3.txt <<<"$before")" \
		"$(lba_list d.iso | grep -v l3.txt)" "extents after day 3"
	# day 4: deletions, of files and of a directory
	rm src/photos/p7.ppm src/photos/p8.ppm
	rm -r src/code/sub
	update_day d.iso src
	assert_summary "0 added, 0 changed, 4 removed, 25 unchanged, 0 KiB to write"
	assert_disc_is d.iso src
	# day 5: renames, and a symlink that points elsewhere
	mv src/docs/l6.txt src/docs/six.txt
	mv src/photos/2026 src/photos/y2026
	ln -sfn ../docs/l2.txt src/code/link
	at_day 5 src/code/link
	update_day d.iso src
	assert_summary "3 added, 1 changed, 3 removed, 21 unchanged, 4 KiB to write"
	assert_disc_is d.iso src
	# day 6: a quiet day, no session
	n=$(sessions d.iso)
	update_day d.iso src 7
	assert_summary "0 added, 0 changed, 0 removed, 25 unchanged, 0 KiB to write"
	assert_eq "$n" "$(sessions d.iso)" "sessions after a quiet day"
	# day 7: one changed 1 MiB file spends about 1 MiB
	before=$(lba_list d.iso)
	head -c 1048576 /dev/urandom >src/big.bin
	at_day 7 src/big.bin
	update_day d.iso src
	assert_summary "0 added, 1 changed, 0 removed, 24 unchanged, 1.0 MiB to write"
	assert_disc_is d.iso src
	n=$(last_blocks d.iso)
	[ "$n" -ge 512 ] && [ "$n" -lt 640 ] ||
		fail "the day with one changed 1 MiB file took $n blocks"
	after=$(lba_list d.iso)
	assert_eq "$(grep -v big.bin <<<"$before")" \
		"$(grep -v big.bin <<<"$after")" "extents of the unchanged files"
	[ "$(grep big.bin <<<"$before")" != "$(grep big.bin <<<"$after")" ] ||
		fail "big.bin kept its old extent"
	# day 8: a day that only deletes
	rm src/docs/l8.txt
	update_day d.iso src
	assert_summary "0 added, 0 changed, 1 removed, 24 unchanged, 0 KiB to write"
	assert_disc_is d.iso src
	# day 9: types change: a file becomes a directory, a directory a link
	rm src/docs/l4.txt
	mkdir src/docs/l4.txt
	echo "inside" >src/docs/l4.txt/in.txt
	rm -r src/photos/y2026
	ln -s ../docs src/photos/y2026
	at_day 9 src/docs/l4.txt/in.txt src/photos/y2026
	update_day d.iso src
	assert_summary "1 added, 2 changed, 1 removed, 21 unchanged, 2 KiB to write"
	assert_disc_is d.iso src
	# day 10: quiet again, as the cron pipeline runs it, without pipefail
	n=$(sessions d.iso)
	settle_dirs src
	run sh -c 'mkms -q --update -M d.iso -o - /home=src | burnms -d d.iso -'
	assert_eq 7 "$rc" "the pipeline's status (burnms's)"
	assert_grep "^burnms: nothing to do" err
	assert_eq "$n" "$(sessions d.iso)" "sessions after a quiet pipeline"
	assert_disc_is d.iso src
	assert_eq "$(xorriso_toc d.iso)" "$(lsms_toc d.iso)" "sessions"
}

t_quiet_day_on_stdout_is_the_marker() {
	day1_tree
	update_day d.iso src
	settle_dirs src
	run sh -c 'mkms --update -M d.iso -o - /home=src >m.out'
	assert_eq 7 "$rc" "mkms's status"
	assert_eq "$MARKER" "$(cat m.out)" "standard output"
	assert_eq 19 "$(stat -c %s m.out)" "bytes on standard output"
}

t_a_changed_day_through_the_pipeline() {
	day1_tree
	update_day d.iso src
	echo "more" >src/docs/more.txt
	settle_dirs src
	run sh -c 'mkms -q --update -M d.iso -o - /home=src | burnms -d d.iso -'
	assert_eq 0 "$rc" "the pipeline's status"
	assert_eq 2 "$(sessions d.iso)" "sessions"
	assert_disc_is d.iso src
}

# The update touches only what lies under its pathspecs.
t_update_leaves_other_paths_alone() {
	mkdir -p etc src
	echo "conf" >etc/a.conf
	echo "one" >src/one.txt
	new_session d.iso /etc=etc
	update_day d.iso src
	rm src/one.txt
	echo "two" >src/two.txt
	update_day d.iso src
	assert_summary "1 added, 0 changed, 1 removed, 1 unchanged, 2 KiB to write"
	assert_eq "/etc/a.conf
/home/two.txt" "$(xorriso -indev d.iso -find / -type f 2>/dev/null |
		tr -d "'" | LC_ALL=C sort)" "files"
}

# Decided: --update applies to every pathspec, files too; --rm still
# removes (and counts as a change); a file grafted without a directory
# source prunes nothing.
t_update_with_rm_and_a_file_pathspec() {
	mkdir -p etc src
	echo "conf" >etc/a.conf
	echo "notes" >notes.txt
	echo "one" >src/one.txt
	new_session d.iso /etc=etc
	settle_dirs src
	run mkms --update -M d.iso -o next.iso /home=src /notes.txt=notes.txt
	assert_eq 0 "$rc" "status"
	assert_grep "update: 3 added, 0 changed, 0 removed, 0 unchanged" err
	expect_ok burnms -d d.iso next.iso
	rm next.iso
	# nothing new under /home, the file the same, but a removal
	run mkms --update -M d.iso -o next.iso --rm /etc /home=src \
		/notes.txt=notes.txt
	assert_eq 0 "$rc" "status with --rm"
	assert_grep "update: 0 added, 0 changed, 0 removed, 3 unchanged" err
	expect_ok burnms -d d.iso next.iso
	assert_eq "/home/one.txt
/notes.txt" "$(xorriso -indev d.iso -find / -type f 2>/dev/null |
		tr -d "'" | LC_ALL=C sort)" "files"
	# the same file given again: nothing to do
	expect_refused 7 d.iso -- mkms --update -M d.iso -o next2.iso \
		/home=src /notes.txt=notes.txt
}

t_first_update_of_a_blank_disc() {
	mkdir src
	echo "a" >src/a.txt
	update_day new.iso src
	assert_summary "2 added, 0 changed, 0 removed, 0 unchanged, 2 KiB to write"
	assert_disc_is new.iso src
}

content_setup() {
	mkdir src
	echo "same size 1" >src/a.txt
	echo "other file" >src/b.txt
	at_day 1 src/a.txt src/b.txt
	update_day d.iso src
}

t_content_mode_ignores_a_new_mtime() {
	content_setup
	at_day 2 src/a.txt
	settle_dirs src
	expect_refused 7 d.iso -- mkms --update=content -M d.iso -o next.iso \
		/home=src
	assert_grep "update: 0 added, 0 changed, 0 removed, 3 unchanged" err
	# without content mode, the new time is a change
	run mkms --update -M d.iso -o next.iso /home=src
	assert_eq 0 "$rc" "status"
	assert_grep "update: 0 added, 1 changed, 0 removed, 2 unchanged" err
}

t_content_mode_sees_same_time_other_bytes() {
	content_setup
	echo "same size 2" >src/a.txt
	at_day 1 src/a.txt
	settle_dirs src
	# size and time agree: plain update sees nothing
	expect_refused 7 d.iso -- mkms --update -M d.iso -o next.iso /home=src
	run mkms --update=content -M d.iso -o next.iso /home=src
	assert_eq 0 "$rc" "status"
	assert_grep "update: 0 added, 1 changed, 0 removed, 2 unchanged" err
	expect_ok burnms -d d.iso next.iso
	assert_disc_is d.iso src
}

t_content_mode_without_recorded_md5_is_changed() {
	mkdir src
	echo "x" >src/a.txt
	at_day 1 src/a.txt
	settle_dirs src
	expect_ok mkms --no-md5 -M d.iso -o next.iso /home=src
	expect_ok burnms -d d.iso next.iso
	run mkms --update=content -M d.iso -o n2.iso /home=src
	assert_eq 0 "$rc" "status"
	assert_grep "update: 0 added, 1 changed, 0 removed, 1 unchanged" err
	# and metadata alone says unchanged
	expect_refused 7 d.iso -- mkms --update -M d.iso -o n3.iso /home=src
}

# Built away from the disc, from its snapshot, in both modes.
t_update_from_a_snapshot() {
	content_setup
	expect_ok lsms --export d.mss d.iso
	echo "new" >src/new.txt
	at_day 2 src/new.txt
	settle_dirs src
	run mkms --update=content -M d.mss -o c.iso /home=src
	assert_eq 0 "$rc" "status (content)"
	assert_grep "update: 1 added, 0 changed, 0 removed, 3 unchanged" err
	run mkms --update -M d.mss -o next.iso /home=src
	assert_eq 0 "$rc" "status"
	assert_grep "update: 1 added, 0 changed, 0 removed, 3 unchanged" err
	expect_ok burnms -d d.iso next.iso
	assert_disc_is d.iso src
}

exclude_tree() {
	mkdir -p src/cache/deep src/code/gen src/docs
	echo a >src/cache/deep/x
	echo b >src/code/main.c
	echo c >src/code/main.o
	echo d >src/code/gen/out.c
	echo e >src/docs/cache
	echo f >src/docs/keep.txt
	echo g >src/top.o
}

iso_files() {
	xorriso -indev "$1" -find "$2" 2>/dev/null | tr -d "'" | LC_ALL=C sort
}

t_exclude_names_and_paths() {
	exclude_tree
	expect_ok mkms -M d.iso -o next.iso --exclude cache --exclude '*.o' \
		--exclude 'code/gen' /home=src
	expect_ok burnms -d d.iso next.iso
	# a name pattern matches at any depth, files and directories, and an
	# excluded directory is not descended; a path pattern is relative to
	# the source
	assert_eq "/home
/home/code
/home/code/main.c
/home/docs
/home/docs/keep.txt" "$(iso_files d.iso /home)" "tree"
}

t_exclude_path_patterns() {
	exclude_tree
	# a leading '/' anchors nothing more; '*' matches '/' too, as with
	# mkisofs -m and tar --exclude
	expect_ok mkms -M d.iso -o next.iso --exclude '/docs/cache' \
		--exclude 'code/*.c' /home=src
	expect_ok burnms -d d.iso next.iso
	assert_eq "/home
/home/cache
/home/cache/deep
/home/cache/deep/x
/home/code
/home/code/gen
/home/code/main.o
/home/docs
/home/docs/keep.txt
/home/top.o" "$(iso_files d.iso /home)" "tree"
}

t_exclude_in_update_mode_prunes() {
	exclude_tree
	update_day d.iso src
	settle_dirs src
	run mkms --update -M d.iso -o next.iso --exclude '*.o' /home=src
	assert_eq 0 "$rc" "status"
	assert_grep "update: 0 added, 0 changed, 2 removed, 11 unchanged" err
	expect_ok burnms -d d.iso next.iso
	assert_eq "" "$(iso_files d.iso /home | grep '\.o$')" "object files"
}

t_refusals() {
	mkdir src
	echo a >src/a.txt
	new_session d.iso /x=src
	expect_refused 2 d.iso src -- mkms --update -o next.iso /home=src
	assert_grep "^mkms: --update needs -M" err
	expect_refused 2 d.iso src -- mkms --update=bogus -M d.iso -o next.iso \
		/home=src
	assert_grep "^mkms: bad --update 'bogus'" err
	expect_refused 2 d.iso src -- mkms --update --fresh -M d.iso \
		-o next.iso /home=src
	assert_grep "exclude each other" err
	expect_refused 2 d.iso src -- mkms --update --no-rockridge -M d.iso \
		-o next.iso /home=src
	assert_grep "exclude each other" err
	expect_refused 2 d.iso src -- mkms --exclude '' -M d.iso -o next.iso \
		/home=src
	assert_grep "^mkms: --exclude wants a pattern" err
}

run_tests
