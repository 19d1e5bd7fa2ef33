#!/bin/bash
# Bytes from a medium never reach the terminal raw, and lsms --json is
# valid UTF-8 whatever the disc holds.
. "$(dirname "$0")/lib.sh"

# relink FILE BLOCK VOLID: rewrite the link record at BLOCK with base_volid
# VOLID (already %XX-escaped as the record wants) and a correct checksum
relink() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "relink"
import sys, zlib
path, block, volid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "r+b") as f:
    f.seek(block * 2048)
    blk = f.read(2048)
    line = blk[:blk.index(b"\n")].decode()
    head = line[:line.index(" self=")]
    fields = [("base_volid=" + volid) if w.startswith("base_volid=") else w
              for w in head.split(" ")]
    head = " ".join(fields)
    rec = ("%s self=%08x\n" % (head, zlib.crc32(head.encode()))).encode()
    f.seek(block * 2048)
    f.write(rec + bytes(2048 - len(rec)))
PY
}

# the raw bytes ESC, BEL, DEL or 0xFF in a file
assert_no_raw_controls() {
	if LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f\xff]' "$1"; then
		fail "'$1' holds raw control bytes: $(od -c "$1" | head -n 5)"
	fi
}

t_hostile_link_record_fields_are_escaped() {
	mkdir a b && echo a >a/a && echo b >b/b
	mkms -M disc.iso -o - a | burnms -d disc.iso - || fail "session 1"
	mkms -M disc.iso -o - b | burnms -d disc.iso - || fail "session 2"
	mkdir c && echo c >c/c
	mkms -M disc.iso -o next.iso c || fail "mkms"
	s2=$(xorriso_toc disc.iso | sed -n 2p | cut -d' ' -f1)
	relink disc.iso "$s2" '%1B[31mRED%1B]0;pwned%07%FF'
	expect_ok lsms -j disc.iso
	assert_no_raw_controls out
	python3 -c 'import json,sys; json.load(sys.stdin)' <out ||
		fail "lsms --json is not valid JSON: $(head -c 300 out)"
	assert_eq '\x1b[31mRED\x1b]0;pwned\x07\xff' \
		"$(jq -r '.sessions[1].link.base_volid' out)" "base_volid"
	# a session image shows its record in the table
	relink next.iso 0 '%1B[2J%07%FF%C2%9B'
	expect_ok lsms next.iso
	assert_no_raw_controls out
	assert_grep "volume id '\\\\x1b\[2J\\\\x07\\\\xff\\\\xc2\\\\x9b'" out
}

t_hostile_volume_id_is_escaped() {
	mkdir a && echo a >a/a
	mkms -M disc.iso -o - a | burnms -d disc.iso - || fail "session 1"
	# the volume id of the session's own descriptor and of the head copy
	for b in 16 48; do
		printf '\033]0;x\007\377\300\257' |
			dd of=disc.iso bs=1 seek=$((b * 2048 + 40)) conv=notrunc \
			2>/dev/null
	done
	run lsms disc.iso
	assert_no_raw_controls out
	assert_grep ']0;x' out
	run lsms -j disc.iso
	assert_no_raw_controls out
	python3 -c 'import json,sys; json.load(sys.stdin)' <out ||
		fail "lsms --json is not valid JSON"
	run lsms --map disc.iso
	assert_no_raw_controls out
}

run_tests
