#!/bin/bash
# The helpers of lib.sh themselves: expect_refused catches every kind of
# change it promises to, and run_tests counts skips apart from passes.
. "$(dirname "$0")/lib.sh"

# refusing CMD...: a command that says no and exits 3
refusing() {
	echo "no" >&2
	"$@"
	return 3
}

# expect_refused must fail (in a subshell) for these arguments
must_fail() {
	(expect_refused "$@") >/dev/null 2>&1 &&
		fail "expect_refused $* passed"
	return 0
}

t_expect_refused_passes_a_clean_refusal() {
	echo data >d.iso
	mkdir dir && echo x >dir/x
	expect_refused 3 d.iso dir -- refusing true
	assert_eq "no" "$(cat err)" "stderr"
}

t_expect_refused_catches_each_change() {
	echo data >d.iso
	mkdir dir && echo x >dir/x
	must_fail 3 d.iso -- refusing sh -c 'echo more >>d.iso'
	must_fail 3 d.iso -- refusing sh -c 'echo data | tr d D >d.iso'
	must_fail 3 dir -- refusing sh -c 'echo y >dir/x'
	must_fail 3 dir -- refusing sh -c 'echo y >dir/.new'
	must_fail 3 d.iso -- refusing sh -c ': >.d.iso.tmp'
	must_fail 3 new.iso -- refusing sh -c ': >new.iso'
	must_fail 3 sub/d.iso -- refusing sh -c 'mkdir -p sub; : >sub/t'
	# the exit status and the message are expect_exit's
	must_fail 4 d.iso -- refusing true
	must_fail 3 d.iso -- sh -c 'exit 3'
	must_fail 3 d.iso refusing true
	assert_eq "data" "$(cat d.iso | tr D d | head -n 1)" "d.iso"
}

t_skips_are_counted_apart() {
	cat >t-inner.sh <<EOS
. "$MS_SRC/tests/e2e/lib.sh"
t_a() { return 0; }
t_b() { skip "no such thing here"; return 0; }
t_c() { skip_part "half of it"; return 0; }
run_tests
EOS
	MS_TEST_TMP=$PWD run bash t-inner.sh
	assert_eq 0 "$rc" "exit status"
	assert_eq "skip - t-inner t_b: no such thing here
skip - t-inner t_c (part): half of it
t-inner: 2 passed, 0 failed, 1 skipped" "$(cat out)" "output"
}

t_run_sh_adds_up_the_files() {
	mkdir t
	printf '. "%s"\nt_a() { return 0; }\nt_b() { skip x; }\nrun_tests\n' \
		"$MS_SRC/tests/e2e/lib.sh" >t/t-one.sh
	printf '. "%s"\nt_a() { return 0; }\nt_b() { return 1; }\nrun_tests\n' \
		"$MS_SRC/tests/e2e/lib.sh" >t/t-two.sh
	printf 'exit 1\n' >t/t-three.sh
	MS_TEST_TMP=$PWD run sh "$MS_SRC/tests/e2e/run.sh" "$MS_BUILD" \
		t/t-one.sh t/t-two.sh t/t-three.sh
	assert_eq 1 "$rc" "exit status"
	assert_eq "e2e: 2 passed, 2 failed, 1 skipped" \
		"$(tail -n 2 out | head -n 1)" "totals"
	assert_eq "e2e: FAILED" "$(tail -n 1 out)" "verdict"
}

run_tests
