#!/bin/sh
# The dependency direction of doc/design.md section 6, checked:
#
#   deps-check.sh BUILD_DIR
#
# 1. No include cycle among the modules of common/ (a module is x.c with
#    x.h; module A depends on B when a.c or a.h includes "b.h").  A header
#    without a .c of its own (a private header, or one that declares
#    several modules) is no module: its includes count for each module
#    that includes it.
# 2. No link cycle among the objects of the library (object A depends on B
#    when A uses a symbol that B defines), read with nm.
# 3. Nothing in common/ includes a header of fe/; the test helper
#    tests/tools/msnap.c includes no project header at all.
# 4. No tool carries a module it does not use: RULES below names, for each
#    binary, the modules of common/ it must not contain.  A module is in a
#    binary when any global symbol its object in the library defines is.
#    A module the library does not have (yet) is skipped.
#
# Every finding is printed; the exit status is 1 if there was any.
set -u

O=${1:-build}
LC_ALL=C
export LC_ALL

# binary: modules it must not contain.  burnms: no session builder, no
# import, no content source (the archive source brings libarchive, which
# only mkms links), no planning, no snapshot exporter; mkms: no burn
# writer, no exporter; lsms: no builder, no writer of either kind.
# Only lsms restores files (extract).
RULES="
burnms: build import writer source source_fs source_update source_archive plan snapshot_export medium_record extract check
mkms: burn burn_file burn_tao burn_blank snapshot_export medium_record extract check
lsms: build writer source source_fs source_update source_archive plan burn burn_file burn_tao burn_blank
"

status=0
found() {
	echo "deps-check: $*"
	status=1
}

# --- 1. include cycles among the modules of common/ -------------------------
edges=$(for f in common/*.c common/*.h; do
	from=$(basename "$f")
	from=${from%.*}
	[ -e "common/$from.c" ] && fc=1 || fc=0
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' \
		"$f" | while read -r to; do
		to=$(basename "$to")
		[ -e "common/$to.h" ] || continue
		[ -e "common/$to.c" ] && c=1 || c=0
		echo "$from $to $fc $c"
	done
done | awk '
	{ inc[$1] = inc[$1] " " $2; module[$1] = $3; module[$2] = $4 }
	# the modules that "from" reaches, seeing through header-only headers
	function reach(from, name, seen,    n, i, t, list) {
		n = split(inc[name], list, " ")
		for (i = 1; i <= n; i++) {
			t = list[i]
			if (t in seen)
				continue
			seen[t] = 1
			if (module[t]) {
				if (t != from)
					print from, t
			} else {
				reach(from, t, seen)
			}
		}
	}
	END {
		for (f in inc) {
			if (!module[f])
				continue
			split("", seen)
			seen[f] = 1
			reach(f, f, seen)
		}
	}' | sort -u)
loops=$(echo "$edges" | tsort 2>&1 >/dev/null |
	awk '/input contains a loop/ { if (l != "") print l; l = ""; next }
	     { sub(/^tsort: /, ""); l = l (l == "" ? "" : " -> ") $0 }
	     END { if (l != "") print l }' | sed 's/^\([^ ]*\)\( .*\)$/\1\2 -> \1/')
if [ -n "$loops" ]; then
	echo "$loops" | while read -r l; do
		found "include cycle in common/: $l"
	done
	status=1
fi

# --- 2. link cycles among the objects of the library ------------------------
lib=$O/libmstools.a
if [ -f "$lib" ]; then
	links=$(nm -A "$lib" 2>/dev/null | awk '
		{ split($1, p, ":"); obj = p[2]; sub(/\.o$/, "", obj) }
		NF == 3 && $2 ~ /^[TDBRVWGS]$/ { def[$3] = obj; next }
		NF == 3 && $2 == "U" { use[obj " " $3] = 1 }
		END {
			for (k in use) {
				split(k, u, " ")
				if ((u[2] in def) && def[u[2]] != u[1])
					print u[1], def[u[2]]
			}
		}' | sort -u)
	loops=$(echo "$links" | tsort 2>&1 >/dev/null |
		awk '/input contains a loop/ { if (l != "") print l; l = ""; next }
		     { sub(/^tsort: /, ""); l = l (l == "" ? "" : " -> ") $0 }
		     END { if (l != "") print l }' | sed 's/^\([^ ]*\)\( .*\)$/\1\2 -> \1/')
	if [ -n "$loops" ]; then
		echo "$loops" | while read -r l; do
			found "link cycle in $lib: $l"
		done
		status=1
	fi
else
	found "no '$lib': build first (make all)"
fi

# --- 3. the direction between the folders -----------------------------------
for h in fe/*.h; do
	[ -e "$h" ] || continue
	name=$(basename "$h")
	grep -l "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]$name[\">]" \
		common/*.c common/*.h 2>/dev/null | while read -r f; do
		echo "deps-check: '$f' includes fe/$name: common/ never uses the front end"
	done
done | grep . && status=1
if grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' tests/tools/msnap.c; then
	found "tests/tools/msnap.c includes a project header: it stays independent of common/"
fi

# --- 4. each tool carries only what it uses ---------------------------------
echo "$RULES" | while IFS=: read -r tool modules; do
	[ -n "$tool" ] || continue
	bin=$O/bin/$tool
	if ! [ -f "$bin" ]; then
		echo "deps-check: no '$bin': build first (make all)"
		continue
	fi
	nm --defined-only "$bin" 2>/dev/null | awk '{ print $NF }' |
		sort -u >"$O/.deps-check.syms"
	for m in $modules; do
		hits=$(nm -A --defined-only -g "$lib" 2>/dev/null |
			awk -v m="$m.o" '{ n = split($1, p, ":") }
				p[n - 1] == m && $2 ~ /^[TDBR]$/ { print $3 }' |
			sort -u | comm -12 - "$O/.deps-check.syms" |
			head -n 3 | tr '\n' ' ')
		[ -n "$hits" ] &&
			echo "deps-check: $tool carries common/$m.c, which it must not ($hits)"
	done
done | grep . && status=1
rm -f "$O/.deps-check.syms"

[ $status -eq 0 ] && echo "deps-check: ok"
exit $status
