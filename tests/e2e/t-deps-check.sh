#!/bin/bash
# tools/deps-check.sh (make deps-check) on small crafted trees: each rule
# it enforces is broken once, and a tree that keeps them all passes.
. "$(dirname "$0")/lib.sh"

# tree: a library of two modules (a uses b), a front end, the test helper
# msnap, and the three tools, each linked with what it uses.
tree() {
	mkdir -p common fe tests/tools o/common o/bin
	printf '#include "b.h"\nint a(void);\nint a(void) { return b(); }\n' \
		>common/a.c
	printf 'int b(void);\n' >common/b.h
	printf '#include "b.h"\nint b(void) { return 1; }\n' >common/b.c
	printf 'int ms_build_new(void);\nint ms_build_new(void) { return 2; }\n' \
		>common/build.c
	printf 'int fe_say(void);\n' >fe/say.h
	printf '#include <stdio.h>\nint main(void) { return 0; }\n' \
		>tests/tools/msnap.c
}

build() {
	local m t
	for m in a b build; do
		cc -Icommon -Ife -c -o "o/common/$m.o" "common/$m.c" ||
			fail "cc $m"
	done
	rm -f o/libmstools.a
	ar rcs o/libmstools.a o/common/a.o o/common/b.o o/common/build.o
	printf 'int a(void);\nint main(void) { return a(); }\n' >main.c
	for t in burnms lsms; do
		cc -o "o/bin/$t" main.c o/libmstools.a || fail "cc $t"
	done
	printf 'int a(void);\nint ms_build_new(void);\n%s\n' \
		'int main(void) { return a() + ms_build_new(); }' >mkms.c
	cc -o o/bin/mkms mkms.c o/libmstools.a || fail "cc mkms"
}

check() {
	run sh "$MS_SRC/tools/deps-check.sh" o
}

t_a_tree_that_keeps_the_rules_passes() {
	tree
	build
	check
	assert_eq 0 "$rc" "exit status"
	assert_eq "deps-check: ok" "$(cat out)" "output"
}

t_include_cycle_is_found() {
	tree
	printf '#include "a.h"\nint b(void);\n' >common/b.h
	printf 'int a(void);\n' >common/a.h
	build
	check
	assert_eq 1 "$rc" "exit status"
	assert_grep "^deps-check: include cycle in common/: .*a -> b\|b -> a" out
}

# A header without a .c of its own is no module: a private header of b
# that includes b.h makes no cycle, but what it includes counts for b.
t_header_only_headers_are_seen_through() {
	tree
	printf '#include "b.h"\nint b_private(void);\n' >common/b_int.h
	printf '#include "b_int.h"\nint b(void) { return 1; }\n' >common/b.c
	build
	check
	assert_eq 0 "$rc" "exit status"
	printf '#include "a.h"\n#include "b.h"\nint b_private(void);\n' \
		>common/b_int.h
	printf 'int a(void);\n' >common/a.h
	build
	check
	assert_eq 1 "$rc" "exit status"
	assert_grep "^deps-check: include cycle in common/: .*a -> b\|b -> a" out
}

t_link_cycle_is_found() {
	tree
	printf '#include "b.h"\nint a(void);\nint b(void) { return a(); }\n' \
		>common/b.c
	build
	check
	assert_eq 1 "$rc" "exit status"
	assert_grep "^deps-check: link cycle in o/libmstools.a: " out
	assert_no_grep "include cycle" out
}

t_common_including_fe_is_found() {
	tree
	printf '#include "say.h"\n#include "b.h"\nint b(void) { return 1; }\n' \
		>common/b.c
	build
	check
	assert_eq 1 "$rc" "exit status"
	assert_grep "'common/b.c' includes fe/say.h" out
}

t_msnap_including_a_project_header_is_found() {
	tree
	printf '#include "b.h"\nint main(void) { return 0; }\n' \
		>tests/tools/msnap.c
	build
	check
	assert_eq 1 "$rc" "exit status"
	assert_grep "msnap.c includes a project header" out
}

t_tool_carrying_a_module_it_must_not_is_found() {
	tree
	build
	# burnms must not contain the session builder
	cp o/bin/mkms o/bin/burnms
	check
	assert_eq 1 "$rc" "exit status"
	assert_eq "deps-check: burnms carries common/build.c, which it must not (ms_build_new )" \
		"$(cat out)" "output"
	# an object left over beside the library is not the module: here
	# another module defines the same symbol, and burnms may carry that
	cp common/build.c common/other.c
	cc -c -o o/common/other.o common/other.c || fail "cc other"
	rm -f o/libmstools.a
	ar rcs o/libmstools.a o/common/a.o o/common/b.o o/common/other.o
	check
	assert_eq 0 "$rc" "exit status with build.o outside the library"
	# a missing binary cannot be checked
	rm o/bin/lsms
	check
	assert_eq 1 "$rc" "exit status"
	assert_grep "no 'o/bin/lsms'" out
}

run_tests
