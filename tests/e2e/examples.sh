#!/bin/sh
# Turn the examples of a document into a bash script: examples.sh FILE
#
# Where the examples are:
#   README.md (any *.md)  indented code blocks (4 spaces) that hold lines
#                         starting with "$ "
#   man pages (mdoc)      the .Bd -literal blocks and .Dl lines of the
#                         EXAMPLES section; \e, \& and \- are unescaped
#
# In a block, "$ " starts a command.  A command line ending in "|", "\",
# "&&" or "||" continues on the next line.  Any other line that follows a
# command is what the command shows on the terminal (standard output and
# standard error together); "..." in such a line stands for any text.  A
# command must exit 0, unless the command after it is "echo $?", whose
# shown output then says the expected status: that is how a document marks
# an example that is meant to fail.
#
# The script calls two functions that its runner defines:
#   ex_run WHERE N FAILS   after each command; WHERE is FILE:LINE, N the
#                          status, FAILS 1 when the command may fail; the
#                          output is in ./ex.out and the expected lines on
#                          standard input
#   ex_status N            sets $? to N before the next command
# and ex_count is the number of commands, for a runner that wants one.
#
# Run it by hand to see what a document's examples are:
#   sh tests/e2e/examples.sh README.md
set -u
file=$1
case $file in
*.md) kind=md ;;
*) kind=mdoc ;;
esac

awk -v kind="$kind" -v file="$(basename "$file")" '
function unescape(s) {
	gsub(/\\&/, "", s)
	gsub(/\\-/, "-", s)
	gsub(/\\e/, "\\", s)
	return s
}
# a shell word in single quotes
function q(s) {
	gsub(/\047/, "\047\\\047\047", s)
	return "\047" s "\047"
}
function flush_cmd() {
	if (cmd == "")
		return
	ncmd++
	cmds[ncmd] = cmd
	where[ncmd] = file ":" cmdline
	outs[ncmd] = out
	cmd = ""
	out = ""
}
function flush_block(   i, fails) {
	flush_cmd()
	for (i = 1; i <= ncmd; i++) {
		fails = (i < ncmd && cmds[i + 1] ~ /^echo \$\?[ \t]*(#.*)?$/)
		print "ex_status \"$ex_rc\""
		print "{"
		print cmds[i]
		print "} >ex.out 2>&1 </dev/null"
		print "ex_rc=$?"
		print "ex_run " q(where[i]) " \"$ex_rc\" " fails " <<\047EX_EXPECT\047"
		printf "%s", outs[i]
		print "EX_EXPECT"
		total++
	}
	ncmd = 0
	inblock = 0
}
# one line of a block
function line(s) {
	if (s ~ /^\$ /) {
		flush_cmd()
		cmd = substr(s, 3)
		cmdline = NR
		cont = (cmd ~ /(\||\\|&&|\|\|)[ \t]*$/)
		return
	}
	if (cmd != "" && cont) {
		cmd = cmd "\n" s
		cont = (s ~ /(\||\\|&&|\|\|)[ \t]*$/)
		return
	}
	if (cmd != "")
		out = out s "\n"
}
BEGIN {
	print "ex_rc=0"
	total = 0
}
kind == "md" {
	if ($0 ~ /^    / && (inblock || substr($0, 5) ~ /^\$ /)) {
		inblock = 1
		line(substr($0, 5))
		next
	}
	if (inblock)
		flush_block()
	next
}
kind == "mdoc" && /^\.Sh / {
	if (inblock)
		flush_block()
	examples = ($0 ~ /^\.Sh EXAMPLES/)
	next
}
kind == "mdoc" && examples {
	if (/^\.Bd -literal/) {
		inblock = 1
		next
	}
	if (/^\.Ed/) {
		flush_block()
		next
	}
	if (inblock) {
		if ($0 !~ /^\.\\"/)
			line(unescape($0))
		next
	}
	if (/^\.Dl \$ /) {
		inblock = 1
		line(unescape(substr($0, 5)))
		flush_block()
	}
}
END {
	if (inblock)
		flush_block()
	print "ex_count=" total
}
' "$file"
