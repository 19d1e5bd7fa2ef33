# Helpers for the tests that build and write sessions, sourced after lib.sh
# by t-mkms.sh and t-burnms.sh.  Every reading goes through another tool
# (xorriso, bsdtar), so a test never trusts our own reader alone.
#
#   skip REASON             say why a test did not run (it still passes)
#   md5_of FILE
#   new_session DISC SRC... mkms + burnms: one more session, must be quiet
#   extract_newest ISO DIR  the newest tree, as bsdtar reads it
#   extract_session ISO START DIR   the tree of the session at START,
#                           as xorriso reads it
#   assert_same_tree WANT GOT       byte for byte, symlinks as symlinks
#   tree_list DIR           "type size /path[ -> target]" of a source tree
#   session_list ISO START  the same, of the session at START (xorriso)
#   dir_state DIR           names and checksums, to prove DIR unchanged
#   last_start DISC         start of the last session, by xorriso -toc
#   root_block DISC START   the block of that session's root directory

# The file's own stdout, for lines that must outlive a passing test's log.
exec 5>&1

skip() {
	echo "skip - $(basename "$0" .sh) ${FUNCNAME[1]}: $*" >&5
}

md5_of() {
	md5sum "$1" | cut -d' ' -f1
}

new_session() {
	local disc=$1
	shift
	expect_ok mkms -M "$disc" -o next.iso "$@"
	expect_ok burnms -d "$disc" next.iso
	rm -f next.iso
}

extract_newest() {
	mkdir -p "$2"
	bsdtar -C "$2" -xf "$1" 2>bsdtar.err ||
		fail "bsdtar cannot extract '$1': $(head -n 3 bsdtar.err)"
	chmod -R u+w "$2"
}

extract_session() {
	xorriso -osirrox on -load sbsector "$2" -indev "$1" -extract / "$3" \
		>/dev/null 2>xorriso.err ||
		fail "xorriso cannot extract session $2 of '$1': \
$(grep -m 3 -E 'FAILURE|SORRY' xorriso.err)"
	chmod -R u+w "$3"
}

assert_same_tree() {
	diff -r --no-dereference "$1" "$2" >tree.diff 2>&1 ||
		fail "trees '$1' and '$2' differ: $(head -n 5 tree.diff)"
}

# Sockets and fifos are left out: mkms skips them.
tree_list() {
	(cd "$1" && find . -mindepth 1 \( -type f -o -type d -o -type l \) \
		-printf '%y\t%s\t/%P\t%l\n') |
		awk -F'\t' '{
			t = $1 == "f" ? "-" : $1
			s = $1 == "f" ? $2 : 0
			print t " " s " " $3 ($1 == "l" ? " -> " $4 : "")
		}' | LC_ALL=C sort
}

session_list() {
	xorriso -load sbsector "$2" -indev "$1" -find / -exec lsdl \
		2>/dev/null |
		sed -E -n "s/^(.)[^ ]* +[0-9]+ +[0-9]+ +[0-9]+ +([0-9]+) +[A-Z][a-z]+ +[0-9]+ +[0-9:]+ +'(.*)'\$/\\1 \\2 \\3/p" |
		sed "s/' -> '/ -> /" | grep -v '^d 0 /$' | LC_ALL=C sort
}

dir_state() {
	(cd "$1" && find . -printf '%p %s\n' | LC_ALL=C sort &&
	 find . -type f -exec md5sum {} + | LC_ALL=C sort)
}

last_start() {
	xorriso_toc "$1" | tail -n 1 | cut -d' ' -f1
}

root_block() {
	od -An -tu4 -j $(( ($2 + 16) * 2048 + 158 )) -N4 "$1" | tr -d ' '
}
