#!/bin/bash
# Media names that are not discs: missing drives, missing files, FIFOs,
# directories and unreadable files are refused with the real cause, and
# nothing here waits on a FIFO.
. "$(dirname "$0")/lib.sh"

# a name under /dev/ that cannot exist on any machine
nodrive=/dev/mstools-no-such-drive-$$

image() {
	mkdir -p src && echo hello >src/hello.txt
	mkms -o img.iso src || fail "mkms"
}

t_missing_drive_in_lsms() {
	for name in "$nodrive" "stdio:$nodrive"; do
		expect_exit 1 lsms "$name"
		assert_grep "^lsms: no such drive '$name'\$" err
		assert_eq "" "$(cat out)" "stdout"
		expect_exit 1 lsms --json "$name"
		assert_grep "no such drive" err
	done
	[ -e "$nodrive" ] && fail "lsms created $nodrive"
	return 0
}

t_missing_drive_in_mkms() {
	expect_refused 1 -- mkms -M "$nodrive" -o out.iso
	assert_grep "^mkms: no such drive '$nodrive'\$" err
}

t_missing_drive_in_burnms() {
	image
	expect_exit 1 burnms --dummy -d "$nodrive" img.iso
	assert_grep "^burnms: no such drive '$nodrive'\$" err
	expect_exit 1 burnms -d "$nodrive" img.iso
	assert_grep "^burnms: no such drive '$nodrive'\$" err
	[ -e "$nodrive" ] && fail "burnms created $nodrive"
	return 0
}

t_missing_file_is_named_not_shown_as_blank() {
	expect_refused 1 none.iso -- lsms none.iso
	assert_grep "^lsms: no such file 'none.iso' (a new disc file would start blank)\$" err
	assert_eq "" "$(cat out)" "stdout"
	expect_refused 1 none.iso -- lsms --msinfo none.iso
	# a missing file still is a blank disc to the tools that write it
	mkdir src && echo hello >src/hello.txt
	expect_ok mkms -M none.iso -o img.iso src
	[ -e none.iso ] && fail "mkms created the file"
	expect_ok burnms -d none.iso img.iso
	expect_ok lsms none.iso
}

t_stdio_fifo_refused_without_blocking() {
	mkfifo pipe || fail "mkfifo"
	for name in pipe stdio:pipe; do
		run timeout 10 lsms "$name"
		assert_eq 4 "$rc" "lsms $name exit"
		assert_grep "^lsms: '$name' is neither a file nor an optical drive\$" err
		run timeout 10 mkms -M "$name" -o out.iso
		assert_eq 4 "$rc" "mkms -M $name exit"
		run timeout 10 burnms --dummy -d "$name" /dev/null
		[ "$rc" -ne 124 ] || fail "burnms blocked on $name"
	done
	image
	run timeout 10 burnms --dummy -d stdio:pipe img.iso
	assert_eq 4 "$rc" "burnms exit"
	assert_grep "^burnms: 'stdio:pipe' is neither a file nor an optical drive\$" err
}

t_stdio_directory_refused_like_the_plain_name() {
	mkdir dir
	for name in dir stdio:dir; do
		expect_exit 4 lsms "$name"
		assert_grep "^lsms: '$name' is a directory, not a medium\$" err
	done
	expect_exit 4 mkms -M stdio:dir -o out.iso
	assert_no_grep "write-only" err
}

t_unreadable_file_says_why() {
	image
	cp img.iso locked.iso
	chmod 000 locked.iso
	chmod 755 .
	if [ "$(id -u)" -eq 0 ]; then
		id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null ||
			{ skip "no unprivileged user"; return 0; }
		run setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$MS_BUILD/bin/lsms" locked.iso
	else
		run lsms locked.iso
	fi
	assert_eq 1 "$rc" "exit"
	assert_grep "^lsms: cannot open 'locked.iso': Permission denied\$" err
}

run_tests
