#!/bin/sh
# make demo: a disc file gains three sessions from examples/demo, built by
# mkms and written by burnms, then lsms shows the layout and the map.
set -eu

build=${1:-build}
bin="$build/bin"
ex=examples/demo
work="$build/demo"
disc="$work/disc.iso"

rm -rf "$work"
mkdir -p "$work"

say() {
	printf '\n$ %s\n' "$*"
}

say mkms -M "$disc" -o "$work/s1.iso" "$ex/v1"
"$bin/mkms" -M "$disc" -o "$work/s1.iso" -V FAMILY "$ex/v1"
say burnms -d "$disc" "$work/s1.iso"
"$bin/burnms" -d "$disc" "$work/s1.iso"

say "mkms -M $disc -o - $ex/v2 | burnms -d $disc -"
"$bin/mkms" -M "$disc" -o - "$ex/v2" | "$bin/burnms" -d "$disc" -

say "mkms -M $disc -o - --rm /photos /docs/readme.txt=$ex/v3/readme.txt" \
	"| burnms --verify -d $disc -"
"$bin/mkms" -M "$disc" -o - --rm /photos "/docs/readme.txt=$ex/v3/readme.txt" |
	"$bin/burnms" --verify -d "$disc" -

say lsms "$disc"
"$bin/lsms" "$disc"
say lsms --map "$disc"
COLUMNS=${COLUMNS:-78} "$bin/lsms" --map "$disc"

if command -v xorriso >/dev/null 2>&1; then
	say xorriso -indev "$disc" -toc
	xorriso -indev "$disc" -toc 2>/dev/null | grep -E 'session|nwa'
fi
if command -v bsdtar >/dev/null 2>&1; then
	say bsdtar -tvf "$disc"
	bsdtar -tvf "$disc"
	say bsdtar -xOf "$disc" docs/readme.txt
	bsdtar -xOf "$disc" docs/readme.txt
fi
