#!/bin/sh
# Install the Debian packages that mstools builds with and tests against,
# if any is missing.  Needs root (or sudo) only when something is missing.
set -e

PACKAGES="build-essential pkg-config mandoc libisofs-dev libburn-dev libarchive-dev
zlib1g-dev libcriterion-dev xorriso genisoimage libarchive-tools p7zip-full
growisofs jq libssl-dev udftools python3 zip zstd xz-utils bzip2"
# make fuzz: libFuzzer and the sanitizers of Debian's clang
PACKAGES="$PACKAGES clang libclang-rt-14-dev"

missing=
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "mstools: installing Debian packages:$missing"
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
