# Helpers for the tests that build and write sessions on files, sourced
# after lib.sh (t-mkms.sh, t-burnms.sh, ...).  Every reading goes through
# another tool (xorriso, bsdtar), so a test never trusts our own reader
# alone.
#
#   md5_of FILE
#   new_session DISC SRC... mkms + burnms: one more session, must be quiet
#   extract_newest ISO DIR  the newest tree, as bsdtar reads it
#   bsdtar_can_read ISO     fail unless ISO is a disc bsdtar can read
#   extract_session ISO START DIR   the tree of the session at START,
#                           as xorriso reads it
#   assert_same_tree WANT GOT       byte for byte, symlinks as symlinks
#   tree_list DIR           "type size /path[ -> target]" of a source tree
#   session_list ISO START  the same, of the session at START (xorriso)
#   dir_state DIR           names and checksums, to prove DIR unchanged
#   last_start DISC         start of the last session, by xorriso -toc
#   root_block DISC START   the block of that session's root directory

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

# bsdtar (libarchive 3.6) cannot read the newest tree of a later session
# that holds a file imported from an earlier session whose name is about
# 106 bytes or longer: it stops at "Invalid parameter in SUSP "CE"
# extension", on discs grown by xorriso as well (t-readers.sh shows it,
# and that xorriso, 7z and isoinfo read the same discs).  So the trees that
# tests read with bsdtar keep their names under BSDTAR_NAME_MAX bytes on
# purpose, and a disc of more than one session is checked for that first:
# a long name then fails as what it is, not as luck of name lengths.
BSDTAR_NAME_MAX=100

bsdtar_can_read() {
	local long
	[ "$(xorriso_toc "$1" | wc -l)" -gt 1 ] || return 0
	long=$(xorriso -indev "$1" -find / -type f 2>/dev/null |
		sed "s/^'//; s/'\$//" |
		LC_ALL=C awk -F/ -v max="$BSDTAR_NAME_MAX" \
			'length($NF) >= max { print; exit }')
	[ -z "$long" ] ||
		fail "'$1' has more than one session and a file whose name is \
$BSDTAR_NAME_MAX bytes or longer, '$long', which bsdtar may not read; \
keep names short in tests that read with bsdtar (see t-readers.sh)"
}

extract_newest() {
	bsdtar_can_read "$1"
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
