# Helpers for tests on the virtual burner (tests/vdrive), sourced after
# lib.sh by t-vdrive.sh (the burner itself, through xorriso) and by the
# tests of lsms, mkms and burnms on it.
#
#   on STATE CMD...         CMD with disc STATE in the virtual drive $DEV
#   new_disc STATE PROFILE [BLOCKS]
#   state_sum STATE         checksum of the disc, to compare before/after
#   hold STATE [--no-excl]  another program keeps the drive until unhold
#   src N, json STATE, burn_checked STATE N [OPTS], burn STATE N, tree

VD_LIB=$MS_BUILD/tests/libmsvdrive.so
DEV=/dev/msvd-test0

# on STATE CMD...: run CMD with disc STATE in the virtual drive
on() {
	local state=$1
	shift
	LD_PRELOAD=$VD_LIB MSVD_DEVICE=$DEV MSVD_STATE=$PWD/$state "$@"
}

new_disc() {
	msvd new "$1" --profile "$2" --capacity "${3:-400000}" ||
		fail "msvd new $1"
}

# The disc's state, to compare before and after a refusal.
state_sum() {
	cat "$1"/disc "$1"/data | md5sum
}

# src N: a directory srcN with a file of its own and a few numbers
src() {
	mkdir -p "src$1/d$1"
	echo "session $1" >"src$1/d$1/f$1"
	seq 1 $(($1 * 300)) >"src$1/n$1"
}

json() {
	on "$1" lsms -j "$DEV" >json.out || fail "lsms -j exited $?"
}

# burn_checked STATE N [BURNMS-OPTIONS]: session N from srcN; the NWA the
# drive reports afterwards must be the one burnms --dummy predicted.
burn_checked() {
	local state=$1 n=$2 predicted
	shift 2
	src "$n"
	expect_ok on "$state" mkms -M "$DEV" -o "s$n.iso" "src$n"
	expect_ok on "$state" burnms --dummy -d "$DEV" "s$n.iso"
	predicted=$(sed -n 's/.*would start at block \([0-9]*\)$/\1/p' out)
	[ -n "$predicted" ] || fail "no prediction in: $(cat out)"
	expect_ok on "$state" burnms "$@" -d "$DEV" "s$n.iso"
	json "$state"
	if [ "$(jq -r .status json.out)" = appendable ]; then
		assert_eq "$predicted" "$(jq -r .next_writable json.out)" \
			"NWA after session $n"
	fi
}

# burn STATE N: session N from srcN, no questions asked
burn() {
	src "$2"
	on "$1" mkms -M "$DEV" -o - "src$2" | on "$1" burnms -d "$DEV" - ||
		fail "session $2 on $1"
}

# hold STATE [--no-excl]: keep the drive busy in the background (an
# O_EXCL open, or with --no-excl an fcntl() lock alone) until unhold; the
# holder's process id is in $holder.
hold() {
	local i
	LD_PRELOAD=$VD_LIB MSVD_DEVICE=$DEV MSVD_STATE=$PWD/$1 \
		msvd hold 60 ${2:+"$2"} >held &
	holder=$!
	for i in $(seq 300); do
		grep -q holding held 2>/dev/null && return 0
		sleep 0.1
	done
	fail "msvd hold did not get the drive"
}

unhold() {
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	return 0
}

# The sessions of a flat read-back of the disc, as xorriso sees each tree:
# tree STATE START lists the files of the session at START.
tree() {
	msvd dump "$1" flat.iso || fail "msvd dump"
	xorriso -indev flat.iso -load sbsector "$2" -find / -type f \
		2>/dev/null | tr -d "'" | sort | tr '\n' ' '
}
