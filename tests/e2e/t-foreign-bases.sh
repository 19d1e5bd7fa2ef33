#!/bin/bash
# Discs made by other tools: genisoimage (plain, UDF bridge,
# El Torito, HFS, -C/-M), xorriso (MD5 on and off, hard links, ACLs and
# xattrs, zisofs), growisofs, mkudffs and a CD-R written by xorriso.  For
# each: lsms agrees with xorriso -toc, mkms appends, and the newest tree
# as xorriso, 7z, isoinfo and bsdtar read it holds the old and the new
# files, with what the base carried intact or named in a warning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

# old: the tree every base starts from; new: what mkms adds
trees() {
	mkdir -p old/d new
	echo "old file" >old/a.txt
	echo "deeper" >old/d/c.txt
	echo "new file" >new/b.txt
}

# same_toc DISC: lsms and xorriso -toc list the same sessions
same_toc() {
	local want
	want=$(xorriso_toc "$1")
	[ -n "$want" ] || fail "xorriso sees no session on '$1'"
	assert_eq "$want" "$(lsms_toc "$1")" "sessions of '$1'"
}

# append DISC [MKMS-OPTIONS]: mkms + burnms adding /new; mkms's stderr in
# ./mkms.err, and the sessions before and after checked against xorriso
append() {
	local disc=$1
	shift
	same_toc "$disc"
	run mkms "$@" -M "$disc" -o n.iso /new=new
	[ "$rc" -eq 0 ] || fail "mkms -M '$disc' exited $rc: $(cat err)"
	cp err mkms.err
	expect_ok burnms -d "$disc" n.iso
	rm -f n.iso
	same_toc "$disc"
}

# readers_see DISC: the newest tree holds the old and the new files, for
# xorriso, 7z, isoinfo and bsdtar, with their contents
readers_see() {
	local disc=$1 f
	xorriso -indev "$disc" -find / -type f 2>/dev/null | tr -d "'" |
		sort >xorriso.list
	7z l -ba "$disc" 2>/dev/null | awk '{ print "/" $NF }' | sort >7z.list
	isoinfo -R -f -i "$disc" 2>/dev/null | sort >isoinfo.list
	bsdtar_can_read "$disc"
	bsdtar tf "$disc" 2>/dev/null | sed 's|^|/|' | sort >bsdtar.list
	for f in /a.txt /d/c.txt /new/b.txt; do
		grep -qx "$f" xorriso.list || fail "xorriso misses $f"
		grep -qx "$f" 7z.list || fail "7z misses $f: $(cat 7z.list)"
		grep -qx "$f" isoinfo.list || fail "isoinfo misses $f"
		grep -qx "$f" bsdtar.list || fail "bsdtar misses $f"
	done
	assert_eq "old file" "$(7z e -so "$disc" a.txt 2>/dev/null)" \
		"a.txt as 7z reads it"
	assert_eq "new file" "$(bsdtar -xOf "$disc" new/b.txt)" \
		"new/b.txt as bsdtar reads it"
	assert_eq "deeper" "$(isoinfo -R -i "$disc" -x /d/c.txt)" \
		"d/c.txt as isoinfo reads it"
}

# the type 7z gives a disc (Iso, Udf, ...)
type_7z() {
	7z l "$1" 2>/dev/null | sed -n 's/^Type = //p' | head -n 1
}

t_genisoimage_plain() {
	trees
	genisoimage -quiet -J -R -o g.iso old
	append g.iso
	[ -s mkms.err ] && fail "mkms warned: $(cat mkms.err)"
	readers_see g.iso
}

# a second session made by genisoimage -C/-M, written with burnms --foreign
t_genisoimage_multi_session() {
	trees
	mkdir two && echo "second" >two/s.txt
	genisoimage -quiet -J -R -o g.iso old
	genisoimage -quiet -J -R -C "$(lsms --msinfo g.iso)" -M g.iso \
		-o s2.iso two 2>/dev/null || fail "genisoimage -C -M"
	expect_ok burnms --foreign -d g.iso s2.iso
	append g.iso
	readers_see g.iso
	grep -qx /s.txt xorriso.list || fail "the second session's file is lost"
}

t_udf_bridge_is_read_as_iso_after_an_append() {
	trees
	genisoimage -quiet -udf -J -R -o u.iso old
	assert_eq Udf "$(type_7z u.iso)" "7z's type of the bridge"
	udfinfo u.iso >/dev/null 2>&1 || fail "udfinfo cannot read the bridge"
	expect_ok lsms --json u.iso
	assert_eq true "$(jq -r '.sessions[0].udf' out)" "udf in JSON"
	expect_ok lsms u.iso
	assert_grep "^ *1  also UDF (NSR02)" out
	append u.iso
	assert_eq 1 "$(grep -c 'UDF bridge' mkms.err)" "warnings about UDF"
	assert_grep "carries ISO 9660, Joliet, Rock Ridge and no UDF" mkms.err
	# 7z prefers UDF: it must now read the newest ISO 9660 tree
	assert_eq Iso "$(type_7z u.iso)" "7z's type after the append"
	readers_see u.iso
	! udfinfo u.iso >/dev/null 2>&1 ||
		fail "udfinfo still finds the old session's UDF volume"
	expect_ok lsms --json u.iso
	assert_eq false "$(jq -r '.sessions[-1].udf' out)" "udf after"
	# the files are still there for the ISO 9660 readers after a second
	mkdir -p more && echo "more" >more/m.txt
	new_session u.iso /more=more
	readers_see u.iso
}

t_udf_bridge_without_rockridge_names_joliet_only() {
	trees
	genisoimage -quiet -udf -J -R -o u.iso old
	append u.iso --no-rockridge
	assert_grep "carries ISO 9660, Joliet and no UDF" mkms.err
}

t_udf_only_medium_is_refused_by_every_tool() {
	trees
	truncate -s 4M u.img
	mkudffs --media-type=hd --blocksize=2048 u.img >/dev/null 2>&1 ||
		fail "mkudffs"
	expect_refused 4 u.img -- lsms u.img
	assert_grep "holds a UDF file system and no ISO 9660 volume" err
	assert_grep "cannot import a UDF tree" err
	expect_refused 4 u.img -- mkms -M u.img -o n.iso new
	assert_grep "holds a UDF file system" err
	expect_ok mkms -o f.iso new
	expect_refused 4 u.img -- burnms --foreign -d u.img f.iso
	assert_grep "holds a UDF file system" err
}

# isoinfo -d's and xorriso's El Torito reports, with the catalog's block
# (which moves into the new session) left out
boot_report() {
	isoinfo -d -i "$1" | sed -n '/Torito/,$p' |
		sed 's/boot catalog is in sector [0-9]*/boot catalog/'
	xorriso -indev "$1" -report_el_torito plain 2>/dev/null |
		grep -v '^El Torito catalog  :'
}

bootable_base() {
	trees
	dd if=/dev/urandom of=old/boot.img bs=2048 count=4 2>/dev/null
	genisoimage -quiet -J -R -b boot.img -no-emul-boot -boot-load-size 4 \
		-o b.iso old
}

t_el_torito_kept_after_an_append() {
	local cat
	bootable_base
	expect_ok lsms --json b.iso
	cat=$(isoinfo -d -i b.iso |
		sed -n 's/.*boot catalog is in sector \([0-9]*\).*/\1/p')
	assert_eq true "$(jq -r '.sessions[0].el_torito' out)" "el_torito"
	assert_eq "$cat" "$(jq -r '.sessions[0].boot_catalog' out)" \
		"boot catalog as isoinfo sees it"
	boot_report b.iso >before
	assert_grep "El Torito boot img :   1  BIOS  y   none" before
	append b.iso
	[ -s mkms.err ] && fail "mkms warned: $(cat mkms.err)"
	boot_report b.iso >after
	assert_same_file before after
	cat=$(isoinfo -d -i b.iso |
		sed -n 's/.*boot catalog is in sector \([0-9]*\).*/\1/p')
	expect_ok lsms b.iso
	assert_grep "El Torito boot record, boot catalog at block $cat\$" out
	readers_see b.iso
}

t_no_boot_drops_the_boot_records() {
	bootable_base
	append b.iso --no-boot
	assert_grep "El Torito boot records of 'b.iso' are dropped" mkms.err
	xorriso -indev b.iso -report_el_torito plain 2>/dev/null >rep
	assert_no_grep "El Torito boot img" rep
	isoinfo -d -i b.iso >d
	assert_no_grep "El Torito VD" d
	expect_ok lsms --json b.iso
	assert_eq "false null" \
		"$(jq -r '.sessions[-1] | "\(.el_torito) \(.boot_catalog)"' out)" \
		"boot keys after --no-boot"
	readers_see b.iso
}

t_hfs_hybrid_loss_is_named() {
	trees
	genisoimage -quiet -hfs -J -R -o h.iso old 2>/dev/null
	expect_ok lsms --json h.iso
	assert_eq true "$(jq -r '.sessions[0].hfs' out)" "hfs"
	append h.iso
	assert_grep "'h.iso' is an HFS hybrid: the new session has no HFS part" \
		mkms.err
	readers_see h.iso
}

t_partition_table_loss_is_named() {
	trees
	xorriso -as mkisofs --protective-msdos-label -J -R -o p.iso old \
		>/dev/null 2>&1 || fail "xorriso -as mkisofs"
	expect_ok lsms --json p.iso
	assert_eq true "$(jq -r '.sessions[0].mbr' out)" "mbr"
	append p.iso
	assert_grep "'p.iso' has a master boot record" mkms.err
	readers_see p.iso
	expect_ok lsms --json p.iso
	assert_eq false "$(jq -r '.sessions[-1].mbr' out)" "mbr after"
}

t_growisofs_z_and_m() {
	trees
	mkdir -p two && echo "second" >two/s.txt
	: >g.iso
	growisofs_file -Z g.iso -quiet -J -R old >gi.log 2>&1 ||
		fail "growisofs -Z: $(tail -n 3 gi.log)"
	growisofs_file -M g.iso -quiet -J -R two >gi.log 2>&1 ||
		fail "growisofs -M: $(tail -n 3 gi.log)"
	append g.iso
	readers_see g.iso
	grep -qx /s.txt xorriso.list || fail "growisofs' second session lost"
}

xorriso_base() {
	trees
	xorriso -outdev x.iso "$@" -map old / -commit >/dev/null 2>&1 ||
		fail "xorriso $*"
}

t_xorriso_md5_on() {
	xorriso_base -md5 on
	append x.iso
	readers_see x.iso
	xorriso -indev x.iso -check_md5_r sorry / -- >md5.log 2>&1 ||
		fail "xorriso -check_md5_r: $(tail -n 3 md5.log)"
}

t_xorriso_md5_off() {
	xorriso_base -md5 off
	append x.iso
	readers_see x.iso
}

# acl_base: x.iso with an xattr and an ACL on /a.txt, recorded by xorriso
acl_base() {
	trees
	xorriso -outdev x.iso -acl on -xattr on -map old / \
		-setfattr user.color blue /a.txt -- \
		-setfacl u:nobody:r /a.txt -- -commit >/dev/null 2>&1 ||
		fail "xorriso -acl on -xattr on"
}

assert_acl_and_xattr() {
	xorriso -acl on -xattr on -indev x.iso -getfattr /a.txt -- \
		-getfacl /a.txt -- 2>/dev/null >attrs
	assert_grep '^user.color="blue"$' attrs
	assert_grep '^user:nobody:r--$' attrs
}

t_xorriso_acl_and_xattr_survive() {
	acl_base
	append x.iso
	readers_see x.iso
	assert_acl_and_xattr
}

# AAIP once came only with the checksum tags
t_xorriso_acl_and_xattr_survive_without_md5() {
	acl_base
	append x.iso --no-md5
	assert_acl_and_xattr
}

# zisofs_base [ZISOFS-SETTINGS]: /big compressed by xorriso's --zisofs
# filter, with -zisofs settings if given
zisofs_base() {
	trees
	seq 1 20000 >old/big
	xorriso -outdev x.iso ${1:+-zisofs "$1"} -map old / \
		-set_filter_r --zisofs /big -- -commit >/dev/null 2>&1 ||
		fail "xorriso --zisofs $*"
	xorriso -indev x.iso -find /big -exec show_stream 2>/dev/null >stream
	assert_grep "zisofs-decode" stream
}

assert_zisofs_kept() {
	xorriso -indev x.iso -find /big -exec show_stream 2>/dev/null >stream
	assert_grep "zisofs-decode" stream
	rm -f big.out
	xorriso -osirrox on -indev x.iso -extract /big big.out \
		>/dev/null 2>&1 || fail "xorriso cannot extract /big"
	assert_same_file old/big big.out
	bsdtar -xOf x.iso big >big.bsdtar || fail "bsdtar cannot read /big"
	assert_same_file old/big big.bsdtar
}

t_xorriso_zisofs_stays_compressed() {
	zisofs_base
	append x.iso
	assert_zisofs_kept
	readers_see x.iso
}

t_xorriso_zisofs_with_settings_stays_compressed() {
	zisofs_base level=9:block_size=64k
	assert_grep "zisofs-decode:pz:64k" stream
	append x.iso --no-md5
	assert_zisofs_kept
	assert_grep "zisofs-decode:pz:64k" stream
}

# links_of DISC: the link counts of /a.txt and /hl.txt as xorriso
# restores them
links_of() {
	rm -rf links
	xorriso -osirrox on -hardlinks on -indev "$1" -extract / links \
		>/dev/null 2>&1 || fail "xorriso cannot extract '$1'"
	stat -c %h links/a.txt links/hl.txt | tr '\n' ' '
}

t_xorriso_hard_links_survive() {
	trees
	ln old/a.txt old/hl.txt
	xorriso -hardlinks on -outdev x.iso -map old / -commit \
		>/dev/null 2>&1 || fail "xorriso -hardlinks on"
	assert_eq "2 2 " "$(links_of x.iso)" "links in the base"
	append x.iso
	readers_see x.iso
	assert_eq "2 2 " "$(links_of x.iso)" "links after the append"
	assert_eq "old file" "$(isoinfo -R -i x.iso -x /hl.txt)" "hl.txt"
}

# offline: the snapshot holds the blocks that tell the links
t_xorriso_hard_links_survive_a_build_from_a_snapshot() {
	trees
	ln old/a.txt old/hl.txt
	xorriso -hardlinks on -outdev x.iso -map old / -commit \
		>/dev/null 2>&1 || fail "xorriso -hardlinks on"
	expect_ok lsms --export x.mss x.iso
	expect_ok mkms -M x.mss -o n.iso /new=new
	expect_ok burnms -d x.iso n.iso
	assert_eq "2 2 " "$(links_of x.iso)" "links after the append"
}

# A CD-R written by xorriso through the virtual burner, bridge and all:
# readers of write-once media start from the last session, which carries
# no UDF, so the old session's sequence stays where no reader looks.
t_cd_r_written_by_xorriso() {
	local last
	trees
	new_disc cd cd-r 100000
	genisoimage -quiet -udf -J -R -o u.iso old
	on cd xorriso -as cdrecord dev="$DEV" -multi u.iso >x.log 2>&1 ||
		fail "xorriso -as cdrecord: $(tail -n 3 x.log)"
	json cd
	assert_eq "appendable true" \
		"$(jq -r '"\(.status) \(.sessions[0].udf)"' json.out)" \
		"the bridge on CD-R"
	run on cd mkms -M "$DEV" -o n.iso /new=new
	assert_grep "UDF bridge" err
	expect_ok on cd burnms -d "$DEV" n.iso
	on cd xorriso -indev "$DEV" -toc 2>/dev/null |
		sed -n "s/^ISO session *: *[0-9]* , *\([0-9]*\) , *\([0-9]*\)s , \(.*\)$/\1 \2 \3/p" \
		>toc.x
	json cd
	jq -r '.sessions[] | "\(.start) \(.volume_blocks) \(.volume_id)"' \
		json.out >toc.l
	assert_same_file toc.x toc.l
	last=$(jq -r '.last_session_start' json.out)
	assert_eq false "$(jq -r '.sessions[-1].udf' json.out)" "udf of session 2"
	assert_eq "/a.txt /d/c.txt /new/b.txt " "$(tree cd "$last")" \
		"the newest tree"
	! udfinfo --startblock="$last" flat.iso >/dev/null 2>&1 ||
		fail "a UDF volume in the last session"
	udfinfo --startblock=0 flat.iso >/dev/null 2>&1 ||
		fail "the first session's UDF volume is gone"
}

# A UDF-only CD-R (its session holds no ISO 9660 descriptors) is named as
# such through the drive's TOC as well
t_udf_only_cd_r_is_refused() {
	trees
	new_disc cd cd-r 100000
	truncate -s 2M u.img
	mkudffs --media-type=hd --blocksize=2048 u.img >/dev/null 2>&1 ||
		fail "mkudffs"
	on cd xorriso -as cdrecord dev="$DEV" -multi u.img >x.log 2>&1 ||
		fail "xorriso -as cdrecord: $(tail -n 3 x.log)"
	expect_refused 4 cd -- on cd lsms "$DEV"
	assert_grep "session 1: it holds a UDF file system and no ISO 9660" err
	expect_refused 4 cd -- on cd mkms -M "$DEV" -o n.iso new
	assert_grep "holds a UDF file system" err
	expect_ok mkms -o f.iso new
	expect_refused 4 cd -- on cd burnms --foreign -d "$DEV" f.iso
	assert_grep "holds a UDF file system" err
}

run_tests
