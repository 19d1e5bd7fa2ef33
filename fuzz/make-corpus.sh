#!/bin/sh
# Make seeds for the fuzz targets from media that mstools, xorriso and
# genisoimage write (fuzz/README.md).
#
#   make-corpus.sh BUILD FUZZBUILD OUT
#
# BUILD holds the tools (bin/lsms, bin/mkms, bin/burnms), FUZZBUILD the
# seed converter (fuzz/mkseed).  Writes OUT/disc (sparse discs),
# OUT/snapshot-file (snapshots as files), OUT/snapshot (their payloads),
# OUT/toc (descriptor blocks only), OUT/vd (descriptor sets), OUT/link
# (link records).  The small seeds checked in under fuzz/corpus/ were
# made by this script.
set -eu
bin=$(cd "$1" && pwd)/bin
mkseed=$(cd "$2" && pwd)/fuzz/mkseed
mkdir -p "$3"
out=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p "$out/disc" "$out/snapshot-file" "$out/snapshot" "$out/toc" \
	"$out/vd" "$out/link"

export SOURCE_DATE_EPOCH=1795463040
mkdir -p tree/dir/sub
echo one >tree/one.txt
seq 1 200 >tree/dir/numbers
ln -s ../one.txt tree/dir/link
echo deep >tree/dir/sub/deep

# one medium into every form its target takes
seed() {
	"$mkseed" sparse "$1" "$out/disc/$2"
	"$mkseed" descriptors "$1" "$out/toc/$2"
}
vdset() {
	dd if="$1" of="$out/vd/$2" bs=2048 skip="$3" count=4 2>/dev/null
}

# plain images, one session at block 0
xorriso -report_about SORRY -outdev plain-x.iso -volid XORRISO \
	-joliet on -md5 on -map tree / -commit >/dev/null 2>&1
seed plain-x.iso xorriso-plain
vdset plain-x.iso xorriso-plain 16
genisoimage -quiet -J -R -V GENISO -o plain-g.iso tree 2>/dev/null
seed plain-g.iso genisoimage-plain
vdset plain-g.iso genisoimage-plain 16

# discs made by other tools: a UDF bridge, an El Torito boot record
genisoimage -quiet -udf -J -R -V BRIDGE -o bridge-g.iso tree 2>/dev/null
seed bridge-g.iso genisoimage-udf-bridge
vdset bridge-g.iso genisoimage-udf-bridge 16
mkdir -p boot && cp -R tree/. boot/ && printf 'boot' >boot/boot.img
genisoimage -quiet -J -R -V BOOT -b boot.img -no-emul-boot \
	-boot-load-size 4 -o boot-g.iso boot 2>/dev/null
seed boot-g.iso genisoimage-el-torito
vdset boot-g.iso genisoimage-el-torito 16

# xorriso's multi-session emulation on a file: two sessions
xorriso -report_about SORRY -outdev multi-x.iso -volid XA -joliet on \
	-map tree /a -commit -map tree/dir /b -commit >/dev/null 2>&1
seed multi-x.iso xorriso-2-sessions

# mkms and burnms: three sessions, a session image, a snapshot
for i in 1 2 3; do
	mkdir -p "gen$i/d$i"
	echo "generation $i" >"gen$i/d$i/f$i"
	"$bin/mkms" -q -M disc.iso -o - "gen$i" |
		"$bin/burnms" -q -d disc.iso -
	if [ "$i" -eq 1 ]; then
		cp disc.iso disc-1.iso
	fi
done
seed disc-1.iso mstools-1-session
seed disc.iso mstools-3-sessions
vdset disc.iso mstools-head 16
"$bin/mkms" -q -M disc.iso -o next.iso tree
seed next.iso mstools-session-image
head -n 1 next.iso >"$out/link/mstools-session"
"$bin/mkms" -q --fresh -V 'A B%C' -o fresh.iso tree
head -n 1 fresh.iso >"$out/link/mstools-blank"
"$bin/lsms" --export disc.mss disc.iso
cp disc.mss "$out/snapshot-file/mstools-3-sessions"
"$mkseed" payload disc.mss "$out/snapshot/mstools-3-sessions"
"$bin/lsms" --export disc-1.mss disc-1.iso
"$mkseed" payload disc-1.mss "$out/snapshot/mstools-1-session"

# a blank medium of 64 blocks
printf 'MSFZ@\000\000\000' >"$out/disc/blank"
