#!/bin/bash
# Every example in README.md and in the EXAMPLES section of every man page
# runs as written.  The examples are read from the documents themselves
# (tests/e2e/examples.sh says how they are found and marked), so a changed
# document is tested as it now reads.  Each document runs in a scratch
# directory of its own, its blocks in order in one shell, after the files
# the examples name have been made (fixtures below).
#
# One substitution: the documents name the drive /dev/sr0, a host drive
# that tests must never touch.  Here /dev/sr0 becomes the virtual burner
# of tests/vdrive (/dev/msvd-test0, loaded with LD_PRELOAD for every
# command) holding a CD-R with one session, in commands and in the output
# they are expected to show.  And pipelines run with pipefail: each of
# their commands must succeed (a stricter reading than the shell's).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

# The files and discs the examples use.  The drive's CD-R holds /old/ and
# /notes.txt; disc.iso (not for README.md, whose tour starts it) holds
# /docs/ and /photos/; backup.iso is a disc file grown by xorriso.
fixtures() {
	mkdir photos letters new more newfiles dist last old docs
	printf 'P6 1 1 255 \x10\x80\xc0' >photos/beach.jpg
	printf 'P6 1 1 255 \x40\x90\x20' >photos/garden.jpg
	printf 'P6 1 1 255 \x77\x77\x77' >photos/blurry.jpg
	echo "Dear Anna, the photos are on the disc." >letters/to-anna.txt
	echo "Dear Ben, see you soon." >letters/to-ben.txt
	echo "a new file" >new/new.txt
	echo "one more file" >more/more.txt
	echo "fresh news" >newfiles/news.txt
	echo "release 1.0" >dist/release.txt
	echo "the last words" >last/last.txt
	echo "an old draft" >old/draft.txt
	echo "read me" >docs/readme.txt
	echo "the README" >README
	echo "notes, first version" >notes.txt
	new_disc cdr cd-r 60000
	on cdr mkms -M "$DEV" -o - /old=old /notes.txt=notes.txt |
		on cdr burnms -d "$DEV" - 2>fixture.err ||
		fail "the CD-R: $(cat fixture.err)"
	echo "notes, second version" >notes.txt
	xorriso -outdev backup.iso -map docs /docs -commit \
		-map photos /photos -commit >/dev/null 2>&1 ||
		fail "xorriso cannot grow backup.iso"
	if [ "$1" != README.md ]; then
		mkms -M disc.iso -o d1.iso /docs=docs /photos=photos &&
			burnms -d disc.iso d1.iso && rm d1.iso ||
			fail "disc.iso"
	fi
}

# ex_run WHERE STATUS MAY_FAIL, expected output on stdin
ex_run() {
	local where=$1 rc=$2 may_fail=$3 want got pat n=0
	ex_ran=$((ex_ran + 1))
	[ "$rc" -eq 0 ] || [ "$may_fail" -eq 1 ] ||
		fail "$where exited $rc: $(head -n 5 ex.out)"
	want=$(cat)
	[ -n "$want" ] || return 0
	got=$(cat ex.out)
	[ "$(printf '%s\n' "$want" | wc -l)" = \
	  "$(printf '%s\n' "$got" | wc -l)" ] ||
		fail "$where shows
$got
but the document says
$want"
	while IFS= read -r pat; do
		n=$((n + 1))
		pat=${pat//\\/\\\\}
		pat=${pat//\*/\\*}
		pat=${pat//\?/\\?}
		pat=${pat//\[/\\[}
		pat=${pat//.../*}
		# shellcheck disable=SC2053
		[[ $(printf '%s\n' "$got" | sed -n "${n}p") == $pat ]] ||
			fail "$where shows
$got
but the document says
$want"
	done <<<"$want"
}

ex_status() {
	return "$1"
}

# run_doc FILE: the examples of FILE (relative to the source tree)
run_doc() {
	local doc=$1
	fixtures "$doc"
	sh "$MS_SRC/tests/e2e/examples.sh" "$MS_SRC/$doc" |
		sed "s#/dev/sr0#$DEV#g" >examples.bash
	grep -q '^ex_run ' examples.bash || fail "$doc has no examples"
	export LD_PRELOAD=$VD_LIB MSVD_DEVICE=$DEV MSVD_STATE=$PWD/cdr
	ex_ran=0
	# a pipeline fails when any part of it fails, so that the output
	# of a failed mkms cannot hide behind a content burnms or tr
	set -o pipefail
	# shellcheck disable=SC1091
	. ./examples.bash
	set +o pipefail
	unset LD_PRELOAD
	assert_eq "$ex_count" "$ex_ran" "commands run of $doc"
}

t_readme() {
	run_doc README.md
}

# One test per man page, named after it, so a new page is tested too.
for page in "$MS_SRC"/man/*.[1-9]; do
	page=$(basename "$page")
	eval "t_examples_of_${page//./_}() { run_doc man/$page; }"
done

# The marks the extractor relies on: a block that is meant to fail says so
# with "echo \$?", and a document whose examples vanish from the extractor's
# sight (a changed markup) is noticed.
t_every_document_has_examples() {
	local doc
	for doc in "$MS_SRC"/README.md "$MS_SRC"/man/*.[1-9]; do
		sh "$MS_SRC/tests/e2e/examples.sh" "$doc" >ex.bash
		grep -q '^ex_run ' ex.bash || fail "no examples found in $doc"
	done
}

# Every .Bd -literal block and .Dl line in a man page's EXAMPLES is a
# command the extractor sees (it starts with "$ "), so that no example
# goes untested because of its markup.
t_man_page_examples_are_all_commands() {
	local p
	for p in "$MS_SRC"/man/*.[1-9]; do
		awk -v page="$(basename "$p")" '
		/^\.Sh / { ex = ($0 ~ /^\.Sh EXAMPLES/); next }
		!ex { next }
		/^\.Bd -literal/ { inb = 1; cmds = 0; start = NR; next }
		/^\.Ed/ {
			if (inb && !cmds)
				print page ":" start ": a block without \"$ \""
			inb = 0
			next
		}
		inb && /^\$ / { cmds++ }
		/^\.Dl / && $0 !~ /^\.Dl \$ / { print page ":" NR ": " $0 }
		' "$p"
	done >hidden
	[ -s hidden ] && fail "examples the extractor cannot see: $(cat hidden)"
	return 0
}

t_extractor_marks_failing_examples() {
	cat >doc.md <<-'EOF'
	Text.

	    $ false
	    $ echo $?
	    1
	    $ printf 'a\nb\n' |
	        tr a c
	    c
	    b

	    not an example
	EOF
	sh "$MS_SRC/tests/e2e/examples.sh" doc.md >ex.bash
	assert_eq "ex_count=3" "$(tail -n 1 ex.bash)" "count"
	assert_eq "ex_run 'doc.md:3' \"\$ex_rc\" 1 <<'EX_EXPECT'" \
		"$(grep -m 1 '^ex_run' ex.bash)" "a failing example"
	ex_ran=0
	. ./ex.bash
	assert_eq 3 "$ex_ran" "commands run"
	# a document that shows other output than the command's fails
	sed -i 's/^    c$/    d/' doc.md
	sh "$MS_SRC/tests/e2e/examples.sh" doc.md >ex.bash
	! (. ./ex.bash) 2>/dev/null || fail "a wrong output passed"
	# and so does a failing command that is not marked
	printf '    $ false\n' >doc.md
	sh "$MS_SRC/tests/e2e/examples.sh" doc.md >ex.bash
	! (. ./ex.bash) 2>/dev/null || fail "an unmarked failure passed"
}

run_tests
