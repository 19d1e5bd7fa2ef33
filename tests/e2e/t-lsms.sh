#!/bin/bash
# lsms against discs made by other tools.
. "$(dirname "$0")/lib.sh"

# grow FILE N: a file with N sessions made by xorriso, one file each
grow() {
	local i
	for i in $(seq 1 "$2"); do
		mkdir -p "src$i"
		echo "file $i" >"src$i/f$i"
		xorriso -dev "$1" -volid "S$i" -add "src$i" -- -commit \
			>/dev/null 2>&1 || fail "xorriso session $i"
	done
}

# grow_many FILE N [XORRISO_SETTING...]: N sessions written by xorriso,
# session i holding a file of i * 2900 bytes, so that sessions end at all
# kinds of offsets from the 32-block boundaries.  One xorriso run per
# session: a run with several -commit may start writing a session before
# the previous one is done ("a drive operation is still going on") and
# break the chain.
grow_many() {
	local f=$1 n=$2 i
	shift 2
	for i in $(seq 1 "$n"); do
		mkdir -p "src$i"
		head -c $((i * 2900)) /dev/zero >"src$i/f$i"
		xorriso "$@" -dev "$f" -volid "S$i" -map "src$i" "/s$i" \
			-commit >xorriso.log 2>&1 ||
			fail "xorriso session $i: $(tail -n 3 xorriso.log)"
	done
}

# The sessions of lsms --json in the form of xorriso_toc.
json_toc() {
	jq -r '.sessions[] | "\(.start) \(.blocks) \(.volume_id)"' "$1"
}

# same_as_xorriso FILE COUNT: lsms lists the COUNT sessions xorriso lists,
# and prints the msinfo xorriso prints, with nothing on stderr.
same_as_xorriso() {
	local want msinfo
	want=$(xorriso_toc "$1")
	msinfo=$(xorriso_msinfo "$1")
	assert_eq "$2" "$(printf '%s\n' "$want" | grep -c .)" \
		"sessions xorriso sees in $1"
	expect_ok lsms --json "$1"
	assert_eq "$want" "$(json_toc out)" "sessions of $1"
	assert_eq true "$(jq -r .chain.complete out)" "complete chain"
	expect_ok lsms --msinfo "$1"
	assert_eq "$msinfo" "$(cat out)" "msinfo of $1"
}

# session_start FILE N: where xorriso sees session N start.
session_start() {
	xorriso_toc "$1" | sed -n "$2p" | cut -d' ' -f1
}

# Files grown by xorriso

t_xorriso_three_sessions_match_toc() {
	grow d.iso 3
	expect_ok lsms_toc d.iso
	assert_eq "$(xorriso_toc d.iso)" "$(cat out)" "sessions"
	assert_eq 3 "$(wc -l <out)" "session count"
}

t_msinfo_matches_xorriso() {
	grow d.iso 3
	want=$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		dev=d.iso 2>/dev/null)
	expect_ok lsms --msinfo d.iso
	assert_eq "$want" "$(cat out)" "msinfo"
}

t_xorriso_1_session_same_as_xorriso() {
	grow_many d.iso 1
	same_as_xorriso d.iso 1
}

t_xorriso_3_sessions_same_as_xorriso() {
	grow_many d.iso 3
	same_as_xorriso d.iso 3
}

t_xorriso_20_sessions_same_as_xorriso() {
	grow_many d.iso 20
	same_as_xorriso d.iso 20
}

t_xorriso_md5_1_session_same_as_xorriso() {
	grow_many d.iso 1 -md5 on
	same_as_xorriso d.iso 1
}

t_xorriso_md5_3_sessions_same_as_xorriso() {
	grow_many d.iso 3 -md5 on
	same_as_xorriso d.iso 3
}

t_xorriso_md5_20_sessions_same_as_xorriso() {
	grow_many d.iso 20 -md5 on
	same_as_xorriso d.iso 20
}

t_volume_ids_same_as_xorriso() {
	local v i=0
	for v in "lower case" "CAF\303\211 \342\202\254" "A%B=C"; do
		i=$((i + 1))
		mkdir -p "v$i" && echo "$i" >"v$i/f"
		xorriso -dev d.iso -volid "$(printf "$v")" -map "v$i" "/v$i" \
			-commit >/dev/null 2>&1 || fail "xorriso -volid '$v'"
	done
	same_as_xorriso d.iso 3
}

t_json_fields_of_xorriso_file() {
	local nwa
	grow_many d.iso 2 -joliet on
	nwa=$(xorriso_msinfo d.iso | cut -d, -f2)
	expect_ok lsms --json d.iso
	assert_eq d.iso "$(jq -r .medium out)" "medium"
	assert_eq file "$(jq -r .kind out)" "kind"
	assert_eq appendable "$(jq -r .status out)" "status"
	assert_eq "$nwa" "$(jq -r .next_writable out)" "next writable"
	assert_eq 0 "$(jq -r .next_session_overhead_blocks out)" "overhead"
	assert_eq "1 2" "$(jq -r '[.sessions[].number] | join(" ")' out)" \
		"numbers"
	assert_eq "true true" \
		"$(jq -r '[.sessions[].joliet] | join(" ")' out)" "joliet"
	assert_eq "true true" \
		"$(jq -r '[.sessions[].rockridge] | join(" ")' out)" "rockridge"
	assert_eq "null null" \
		"$(jq -r '[.sessions[].link] | map(tostring) | join(" ")' out)" \
		"link records"
	jq -r .fingerprint out | grep -qx '[0-9a-f]\{32\}' ||
		fail "fingerprint: $(jq -r .fingerprint out)"
	jq -e '.free_blocks > 0 and
	       .capacity_blocks == .next_writable + .free_blocks' out \
		>/dev/null || fail "free and capacity blocks"
}

t_table_lists_every_session() {
	grow_many d.iso 3
	expect_ok lsms d.iso
	assert_grep '^status  *appendable$' out
	assert_grep '^sessions  *3$' out
	for i in 1 2 3; do
		start=$(session_start d.iso $i)
		grep -q "^ *$i  *$start  *[0-9]*  *[0-9]*  S$i " out ||
			fail "no row for session $i at $start: $(cat out)"
	done
}

t_fingerprint_changes_with_a_new_session() {
	grow_many d.iso 1
	expect_ok lsms --json d.iso
	fp1=$(jq -r .fingerprint out)
	expect_ok lsms --json d.iso
	assert_eq "$fp1" "$(jq -r .fingerprint out)" "same disc, same print"
	mkdir -p more && echo more >more/m
	xorriso -dev d.iso -map more /more -commit >/dev/null 2>&1 ||
		fail "xorriso"
	expect_ok lsms --json d.iso
	[ "$fp1" != "$(jq -r .fingerprint out)" ] ||
		fail "the fingerprint did not change"
}

# Plain images

t_genisoimage_plain_iso_same_as_xorriso() {
	mkdir -p src/sub && echo a >src/a && echo b >src/sub/b
	genisoimage -quiet -J -R -V PLAIN -o p.iso src 2>gi.log ||
		fail "genisoimage: $(cat gi.log)"
	same_as_xorriso p.iso 1
	size=$(isoinfo -d -i p.iso | sed -n 's/^Volume size is: //p')
	expect_ok lsms --json p.iso
	assert_eq "0 $size PLAIN" "$(json_toc out)" "session"
	assert_eq true "$(jq -r '.sessions[0].joliet' out)" "joliet"
	assert_eq true "$(jq -r '.sessions[0].rockridge' out)" "rockridge"
}

t_genisoimage_plain_iso_holding_an_iso_first() {
	# An image whose first file is an ISO image at block 32 has that
	# image's PVD at block 48.  It is still a plain image with one
	# session.  (xorriso warns of a broken chain and lists the inner
	# image as a session, so isoinfo is the reference here.)
	local pad size
	mkdir -p inner src
	echo inner >inner/i
	genisoimage -quiet -V INNER -o src/inner.iso inner 2>gi.log ||
		fail "genisoimage: $(cat gi.log)"
	for pad in $(seq 0 12); do
		rm -f src/a.pad
		[ "$pad" -gt 0 ] && head -c $((pad * 2048)) /dev/zero >src/a.pad
		genisoimage -quiet -V OUTER -o p.iso src 2>gi.log ||
			fail "genisoimage: $(cat gi.log)"
		isoinfo -l -i p.iso | grep -q '\[ *32 00\]  INNER.ISO;1' && break
	done
	isoinfo -l -i p.iso | grep -q '\[ *32 00\]  INNER.ISO;1' ||
		fail "could not place inner.iso at block 32"
	dd if=p.iso bs=2048 skip=48 count=1 2>/dev/null | head -c 6 |
		grep -q 'CD001' || fail "no PVD at block 48"
	size=$(isoinfo -d -i p.iso | sed -n 's/^Volume size is: //p')
	expect_ok lsms --json p.iso
	assert_eq "0 $size OUTER" "$(json_toc out)" "sessions"
	assert_eq true "$(jq -r .chain.complete out)" "complete chain"
}

# growisofs: sessions on 16-block boundaries

# first_session_ending FILE WHICH: an xorriso first session whose end lies
# in the first (WHICH=16) or second (WHICH=32) half of a 32-block stretch,
# so that growisofs' next multiple of 16 differs from (16) or equals (32)
# xorriso's next multiple of 32.  Each block more of file data makes the
# session a block longer, so few tries find one.  Prints the end.
first_session_ending() {
	local k=1 try start size end r
	for try in 1 2 3 4 5 6; do
		rm -rf "$1" first
		mkdir first
		head -c $((k * 2048)) /dev/zero >first/f
		xorriso -dev "$1" -volid ONE -map first /first -commit \
			>/dev/null 2>&1 || fail "xorriso"
		read -r start size _ < <(xorriso_toc "$1")
		end=$((start + size))
		r=$(( (end - 1) % 32 ))
		if [ "$2" = 16 ] && [ $r -lt 16 ]; then
			echo "$end"
			return 0
		elif [ "$2" = 32 ] && [ $r -ge 16 ]; then
			echo "$end"
			return 0
		fi
		k=$((k + ($2 == 16 ? 32 - r : 16 - r)))
	done
	fail "no first session ending as wanted after $try tries"
}

growisofs_add() {
	mkdir -p "$2" && echo "$2" >"$2/$2"
	growisofs_file -M "$1" -quiet -R -J -V "$3" "$2" >gi.log 2>&1 ||
		fail "growisofs -M: $(tail -n 3 gi.log)"
}

t_growisofs_on_xorriso_session_16_block_alignment() {
	end=$(first_session_ending d.iso 16) || exit 1
	growisofs_add d.iso two TWO
	same_as_xorriso d.iso 2
	start=$(session_start d.iso 2)
	assert_eq $(( (end + 15) / 16 * 16 )) "$start" "growisofs' start"
	assert_eq 16 $((start % 32)) "start modulo 32"
}

t_growisofs_on_xorriso_session_32_block_alignment() {
	end=$(first_session_ending d.iso 32) || exit 1
	growisofs_add d.iso two TWO
	same_as_xorriso d.iso 2
	start=$(session_start d.iso 2)
	assert_eq $(( (end + 31) / 32 * 32 )) "$start" "growisofs' start"
}

t_xorriso_after_growisofs_session() {
	first_session_ending d.iso 16 >/dev/null || exit 1
	growisofs_add d.iso two TWO
	mkdir -p three && echo 3 >three/t
	xorriso -dev d.iso -volid THREE -map three /three -commit \
		>/dev/null 2>&1 || fail "xorriso after growisofs"
	same_as_xorriso d.iso 3
}

t_growisofs_only_file_is_one_session_at_0() {
	mkdir -p one && echo one >one/one
	: >g.iso
	growisofs_file -Z g.iso -quiet -R -J -V ONE one >gi.log 2>&1 ||
		fail "growisofs -Z: $(tail -n 3 gi.log)"
	growisofs_add g.iso two TWO
	same_as_xorriso g.iso 1
	assert_eq 0 "$(session_start g.iso 1)" "session start"
}

# Blank media

t_missing_file_is_named() {
	expect_refused 1 none.iso -- lsms --json none.iso
	assert_grep "no such file 'none.iso' (a new disc file would start blank)" err
	assert_eq "" "$(cat out)" "stdout"
	return 0
}

t_empty_file_is_blank() {
	: >e.iso
	expect_ok lsms --json e.iso
	assert_eq blank "$(jq -r .status out)" "status"
	assert_eq 32 "$(jq -r .next_writable out)" "next writable"
	assert_eq 0 "$(jq -r '.sessions | length' out)" "sessions"
	assert_eq 0 "$(stat -c %s e.iso)" "size after lsms"
}

t_zero_head_is_blank() {
	head -c $((1024 * 1024)) /dev/zero >z.iso
	expect_ok lsms --json z.iso
	assert_eq blank "$(jq -r .status out)" "status"
}

t_invalidated_head_is_blank() {
	grow_many d.iso 2
	xorriso -dev d.iso -blank as_needed >/dev/null 2>&1 ||
		fail "xorriso -blank"
	xorriso -indev d.iso -toc 2>/dev/null | grep -q 'is blank' ||
		fail "xorriso does not see a blank medium"
	expect_ok lsms --json d.iso
	assert_eq blank "$(jq -r .status out)" "status"
	assert_eq 0 "$(jq -r '.sessions | length' out)" "sessions"
}

t_msinfo_of_blank_is_refused() {
	: >e.iso
	expect_refused 4 e.iso -- lsms --msinfo e.iso
	assert_grep "'e.iso' is blank" err
	assert_eq "" "$(cat out)" "stdout"
	expect_refused 1 none.iso -- lsms --msinfo none.iso
}

# Damaged media: report the break, list only what is really there

t_truncated_file_lists_only_whole_sessions() {
	grow_many d.iso 3
	want=$(xorriso_toc d.iso | head -n 2)
	s3=$(session_start d.iso 3)
	truncate -s $(( (s3 + 20) * 2048 )) d.iso
	expect_exit 1 lsms --json d.iso
	assert_eq "$want" "$(json_toc out)" "sessions"
	assert_eq false "$(jq -r .chain.complete out)" "complete chain"
	assert_eq $((s3 + 16)) "$(jq -r .chain.break_block out)" "break block"
	assert_grep "^lsms: session chain of 'd.iso' is broken at block $((s3 + 16)): session 3 .*medium ends at block $((s3 + 20))" err
	assert_eq 1 "$(wc -l <err)" "lines on stderr"
}

t_file_truncated_between_sessions() {
	grow_many d.iso 3
	want=$(xorriso_toc d.iso | head -n 2)
	s3=$(session_start d.iso 3)
	truncate -s $((s3 * 2048)) d.iso
	expect_exit 1 lsms d.iso
	assert_grep "broken at block $((s3 + 16))" err
	assert_grep "^sessions  *2$" out
	expect_exit 1 lsms --json d.iso
	assert_eq "$want" "$(json_toc out)" "sessions"
}

t_file_cut_inside_the_head() {
	grow_many d.iso 2
	truncate -s $((20 * 2048)) d.iso
	expect_exit 1 lsms --json d.iso
	assert_eq 0 "$(jq -r '.sessions | length' out)" "sessions"
	assert_grep "broken at block 16: .*medium ends at block 20" err
}

t_broken_chain_reported_never_guessed() {
	grow_many d.iso 3
	want=$(xorriso_toc d.iso | head -n 1)
	s2=$(session_start d.iso 2)
	dd if=/dev/zero of=d.iso bs=2048 seek=$((s2 + 16)) count=1 \
		conv=notrunc 2>/dev/null
	expect_exit 1 lsms --json d.iso
	assert_eq "$want" "$(json_toc out)" "sessions"
	assert_eq $((s2 + 16)) "$(jq -r .chain.break_block out)" "break block"
	assert_grep "^lsms: session chain of 'd.iso' is broken at block $((s2 + 16)): no volume descriptor at block $((s2 + 16)) where session 2 should start$" err
	expect_exit 1 lsms d.iso
	assert_grep "^chain  *broken at block $((s2 + 16))" out
	assert_grep "^sessions  *1$" out
}

t_msinfo_of_broken_chain_prints_nothing() {
	grow_many d.iso 2
	s2=$(session_start d.iso 2)
	dd if=/dev/zero of=d.iso bs=2048 seek=$((s2 + 16)) count=1 \
		conv=notrunc 2>/dev/null
	expect_exit 1 lsms --msinfo d.iso
	assert_eq "" "$(cat out)" "stdout"
	assert_grep "broken at block $((s2 + 16))" err
}

# Neither blank nor ISO 9660

t_random_bytes_are_unsuitable() {
	head -c 200000 /dev/urandom >r.bin
	expect_exit 4 lsms r.bin
	assert_grep "no ISO 9660" err
	assert_grep "r.bin" err
}

t_random_bytes_unsuitable_in_every_mode() {
	head -c 200000 /dev/urandom >r.bin
	for opt in --json --msinfo --map; do
		expect_exit 4 lsms $opt r.bin
		assert_eq "" "$(cat out)" "stdout of $opt"
		assert_grep "^lsms: .*'r.bin'.*no ISO 9660 primary volume descriptor at block 16" err
	done
}

t_short_random_file_is_unsuitable() {
	head -c 10000 /dev/urandom >r.bin
	expect_exit 4 lsms r.bin
	assert_grep "no ISO 9660" err
}

t_directory_is_unsuitable() {
	mkdir dir
	expect_exit 4 lsms dir
	assert_grep "'dir' is a directory" err
}

# Session images with a link record

# link_image START: img.iso, an image built for START carrying a record.
link_image() {
	local body crc blocks
	mkdir -p src && echo hello >src/h
	xorriso -as mkisofs -quiet -V IMG -C "0,$1" -o img.iso src \
		>/dev/null 2>&1 || fail "xorriso -as mkisofs"
	blocks=$(( $(stat -c %s img.iso) / 2048 ))
	body="mstools_link_v1 start=$1 blocks=$blocks base=session"
	body="$body base_last=32 base_nwa=$1 base_sessions=1"
	body="$body base_fp=00112233445566778899aabbccddeeff base_volid=BASE"
	body="$body created=2026-11-23T19:44:00Z"
	# the CRC-32 of the body: the first half of gzip's 8-byte trailer
	crc=$(printf '%s' "$body" | gzip -c | tail -c 8 | od -An -tx4 -N4 |
		tr -d ' ')
	printf '%s self=%s\n' "$body" "$crc" |
		dd of=img.iso conv=notrunc 2>/dev/null
	echo "$blocks"
}

t_session_image_shows_its_link_record() {
	blocks=$(link_image 44192) || exit 1
	expect_ok lsms img.iso
	assert_grep "^status  *image$" out
	assert_grep "^written at  *44192 to $((44192 + blocks - 1))$" out
	assert_grep "^link record  *start 44192, $blocks blocks, built 2026-11-23T19:44:00Z$" out
	assert_grep "^built for  *1 session, last at 32, next writable 44192$" out
	expect_ok lsms --json img.iso
	assert_eq image "$(jq -r .kind out)" "kind"
	assert_eq "44192 $blocks IMG" "$(json_toc out)" "session"
	assert_eq "true session 32 BASE" \
		"$(jq -r '.sessions[0].link | "\(.valid) \(.base) \(.base_last) \(.base_volid)"' out)" \
		"link"
	expect_exit 4 lsms --msinfo img.iso
	assert_grep "session image" err
}

# --map

t_map_of_three_sessions() {
	grow_many d.iso 3
	COLUMNS=60 expect_ok lsms --map d.iso
	assert_grep "^d.iso: stdio file, appendable, 3 sessions, " out
	bar=$(sed -n 2p out)
	assert_eq 60 "${#bar}" "bar width"
	case $bar in
	'|'*'|') ;;
	*) fail "bar '$bar'" ;;
	esac
	assert_grep "^written part, blocks 0 to $(xorriso_msinfo d.iso |
		cut -d, -f2) " out
	written=$(sed -n 4p out)
	assert_eq 60 "${#written}" "written part width"
	assert_eq 123 "$(printf '%s' "$written" | grep -o '[0-9]' | uniq |
		tr -d '\n')" "sessions drawn"
	assert_grep "sessions by number" out
}

t_map_of_ten_sessions_draws_all_in_order() {
	grow_many d.iso 10
	COLUMNS=100 expect_ok lsms --map d.iso
	assert_no_grep "sessions are drawn" out
	written=$(sed -n 4p out)
	assert_eq 1234567890 \
		"$(printf '%s' "$written" | grep -o '[0-9]' | uniq |
		tr -d '\n')" "sessions drawn"
}

t_map_of_empty_file() {
	: >none.iso
	COLUMNS=40 expect_ok lsms --map none.iso
	assert_grep "^none.iso: stdio file, blank, 0 sessions" out
	bar=$(sed -n 2p out)
	assert_eq 40 "${#bar}" "bar width"
}

# Options

t_help_goes_to_stdout() {
	for opt in -h --help; do
		expect_ok lsms $opt
		assert_grep "^usage: lsms " out
		assert_grep "msinfo" out
	done
}

t_version() {
	expect_ok lsms --version
	assert_grep "^lsms .*[0-9]\.[0-9]" out
}

t_usage_errors_exit_2() {
	local args
	while read -r args; do
		# shellcheck disable=SC2086
		expect_exit 2 lsms $args
		assert_eq "" "$(cat out)" "stdout of 'lsms $args'"
		assert_grep "^\(lsms: \|usage: lsms\)" err
	done <<-EOF

		a.iso b.iso
		-x a.iso
		--bogus a.iso
		--json --msinfo a.iso
		-m --map a.iso
		--progress=sometimes a.iso
		--progress
	EOF
}

t_usage_error_names_the_problem() {
	expect_exit 2 lsms
	assert_grep "^lsms: no medium given$" err
	expect_exit 2 lsms a b
	assert_grep "^lsms: one medium at a time$" err
	expect_exit 2 lsms -j -m a
	assert_grep "exclude each other" err
	expect_exit 2 lsms --progress=sometimes a
	assert_grep "bad --progress 'sometimes'" err
}

t_verbose_tells_blocks_read() {
	grow_many d.iso 1
	run lsms -v --msinfo d.iso
	assert_eq 0 "$rc" "exit status"
	assert_grep "^lsms: read [0-9]* blocks of 'd.iso'$" err
}

# The fingerprint, recomputed the way lsms(1) tells auditors to.
recompute_fp() {
	local disc=$1 start nwa n tag next sb tree
	start=$(lsms -j "$disc" | jq -r .last_session_start)
	nwa=$(lsms -j "$disc" | jq -r .next_writable)
	n=0
	while [ "$(dd if="$disc" bs=2048 skip=$((start + 16 + n)) count=1 \
		status=none | head -c 1 | od -An -tu1 | tr -d ' ')" != 255 ]; do
		n=$((n + 1))
	done
	n=$((n + 1))
	sb=$((start + 16 + n))
	tag=
	if dd if="$disc" bs=2048 skip=$sb count=1 status=none |
	   grep -aq "^libisofs_sb_checksum_tag_v1 pos=$sb "; then
		tree=$(dd if="$disc" bs=2048 skip=$sb count=1 status=none |
			head -c 300 | sed -n 's/.* next=\([0-9]*\).*/\1/p')
		next=$(dd if="$disc" bs=2048 skip="$tree" count=1 status=none |
			head -c 300 | sed -n 's/.* next=\([0-9]*\).*/\1/p')
		tag=$next
	fi
	{
		printf 'mstools_fp_v1 %s %s\n' "$start" "$nwa"
		dd if="$disc" bs=2048 skip=$((start + 16)) count=$n status=none
		[ -n "$tag" ] && dd if="$disc" bs=2048 skip="$tag" count=1 \
			status=none
	} | md5sum | cut -d' ' -f1
}

t_fingerprint_can_be_recomputed_by_hand() {
	mkdir -p a b && echo a >a/a && seq 1 5000 >b/b
	mkms -M d.iso -o - a | burnms -d d.iso - || fail "session 1"
	mkms -M d.iso -o - b | burnms -d d.iso - || fail "session 2"
	expect_ok lsms -j d.iso
	assert_eq "$(recompute_fp d.iso)" "$(jq -r .fingerprint out)" "with tags"
	mkms --no-md5 -M e.iso -o - a | burnms -d e.iso - || fail "no md5"
	expect_ok lsms -j e.iso
	assert_eq "$(recompute_fp e.iso)" "$(jq -r .fingerprint out)" \
		"without tags"
	grow x.iso 2
	expect_ok lsms -j x.iso
	assert_eq "$(recompute_fp x.iso)" "$(jq -r .fingerprint out)" "xorriso"
}

run_tests
