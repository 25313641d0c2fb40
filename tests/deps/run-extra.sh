#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The dependency list against what podlab really uses, for tests/lib/run-suites.sh.
#   programs:  every program the shell scripts, the C sources' system()/popen()/
#              exec*() strings, `make -n` and every shipped topology's
#              `podlab up --print-commands` script run is provided by a package
#              of tests/lib/deps.list (or by an Essential package);
#   claims:    each package provides, by dpkg -L, what the list says it does;
#   headers:   every header and library the build uses comes from a listed
#              package or one it depends on;
#   can-fail:  the programs check fails, naming sysctl (podlab's plans and scripts run it), without procps.
# usage: run-extra.sh BUILD OUTDIR [LIST]   ("passed failed skipped" to OUTDIR/extra.counts)
set -u
build=$1 out=$2
cd "$(dirname "$0")/../.." || exit 1
list=${3:-tests/lib/deps.list}
[[ $build = /* ]] || build=$PWD/$build
mkdir -p "$out"
tmp=$(mktemp -d /tmp/podlab-deps-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
extract=tests/deps/extract.pl
default_groups=" build test bench docs "
. tests/lib/extra.sh
extra_init deps "$out"

# Installed packages: "NAME ESSENTIAL" ("yes" or "no").
dpkg-query -W -f='${Package} ${Status} ${Essential}\n' 2>/dev/null |
	awk '$4 == "installed" { print $1, ($5 == "yes" ? "yes" : "no") }' > "$tmp/installed"

# path -> package of every installed file, keyed without the /usr of merged
# /bin, /sbin and /lib (Debian 12 merges them; dpkg knows the path shipped).
canon() { sed -E 's#^/usr/(bin|sbin|lib|lib32|lib64|libx32)/#/\1/#'; }
awk '{ p = FILENAME; sub(/.*\//, "", p); sub(/\.list$/, "", p); sub(/:.*/, "", p); print $0 "\t" p }' \
	/var/lib/dpkg/info/*.list | canon | sort -t$'\t' -k1,1 -u > "$tmp/files-index"

# The package owning a file (alternatives and other symlinks followed), or nothing.
owner_of() {
	local key
	key=$(readlink -f "$1" 2>/dev/null | canon)
	[ -n "$key" ] || return 1
	grep -F -- "$key"$'\t' "$tmp/files-index" | awk -F'\t' -v k="$key" '$1 == k { print $2; f = 1 } END { exit !f }'
}

# Package -> its Depends and Pre-Depends, alternatives included.
dpkg-query -W -f='${Package}|${Depends}, ${Pre-Depends}\n' 2>/dev/null > "$tmp/depends"
# The packages of "$@" and everything they depend on, one a line.
closure() {
	awk -F'|' -v seeds="$*" '
		{ n = split($2, d, /[,|]/); for (i = 1; i <= n; i++) { x = d[i]; sub(/^ */, "", x); sub(/[ :(].*/, "", x); if (x != "") dep[$1] = dep[$1] " " x } }
		END { k = split(seeds, q, " "); for (i = 1; i <= k; i++) seen[q[i]] = 1
			while (k > 0) { p = q[k--]; m = split(dep[p], e, " ")
				for (j = 1; j <= m; j++) if (!(e[j] in seen)) { seen[e[j]] = 1; q[++k] = e[j] } }
			for (p in seen) print p }' "$tmp/depends"
}

# claims of a list: "TOKEN PACKAGE GROUP"
claims() {
	awk '!/^[[:space:]]*(#|$)/ { n = split($3, t, ","); for (i = 1; i <= n; i++) print t[i], $2, $1 }' "$1"
}

# --- what podlab runs: "PROGRAM<TAB>WHERE" ------------------------------------
collect_used() {
	local f t name
	if git rev-parse --git-dir >/dev/null 2>&1; then
		files=$(git ls-files '*.sh' '*.c' .ci/run)
	else
		files=$(find . -name '*.sh' -o -name '*.c' -o -path ./.ci/run | sed 's|^\./||')
	fi
	for f in $files; do
		case $f in
		*.c) perl "$extract" c "$f" ;;
		*) perl "$extract" sh "$f" ;;
		esac
	done
	for t in topologies/*.yaml; do
		name=$(basename "$t" .yaml)
		"$build/podlab" up --print-commands "$t" > "$tmp/print-$name.sh" 2>/dev/null || continue
		perl "$extract" sh "$tmp/print-$name.sh" "podlab up --print-commands $t: line"
	done
	"$build/podlab" up --print-commands --no-datapath topologies/two-node-native.yaml \
		> "$tmp/print-nodp.sh" 2>/dev/null &&
		perl "$extract" sh "$tmp/print-nodp.sh" "podlab up --print-commands --no-datapath: line"
	# Every recipe, none run (a relative BUILD keeps podlab's own outputs apart).
	make -n -B --no-print-directory BUILD=build/deps-dry-run all fuzz-build format pcaps \
		> "$tmp/make-n.sh" 2>/dev/null
	perl "$extract" sh "$tmp/make-n.sh" "make -n (Makefile, tests/fuzz/fuzz.mk, pcaps/pcaps.mk): line"
}

# Checks used programs against LIST; one line per problem on stdout, status 1 if any.
check_programs() {
	local lst=$1 prog where path owner bad=0
	claims "$lst" > "$tmp/claims"
	sort -t$'\t' -k1,1 -u "$tmp/used" > "$tmp/used-uniq"
	while IFS=$'\t' read -r prog where; do
		awk -v p="$prog" '$1 == p || $1 == "=" p { found = 1 } END { exit !found }' "$tmp/claims" && continue
		path=$(type -P "$prog")
		[ -n "$path" ] || path=$(ls /usr/lib/*/"$prog" /usr/lib/"$prog" 2>/dev/null | head -1)
		if [ -z "$path" ]; then
			echo "'$prog' (run by $where) is not installed and no package in $lst provides it"
			bad=1
			continue
		fi
		owner=$(owner_of "$path")
		if [ -n "$owner" ] && grep -qx "$owner yes" "$tmp/installed"; then
			continue # Essential: on every Debian system
		fi
		echo "'$prog' (run by $where) is in no package of $lst; $path comes from ${owner:-no package (dpkg -S)}"
		bad=1
	done < "$tmp/used-uniq"
	return $bad
}

# Each claim of an installed package verified with dpkg -L.
check_claims() {
	local tok pkg grp files ok bad=0 n=0 unverified=0 h l b f path last=
	while read -r tok pkg grp; do
		if ! grep -q "^$pkg " "$tmp/installed"; then
			if [[ $default_groups == *" $grp "* ]]; then
				echo "$pkg ($grp) is not installed (make deps)"
				bad=1
			else
				unverified=$((unverified + 1))
			fi
			continue
		fi
		# What the package or one it depends on ships (libpcap-dev: libpcap0.8-dev).
		if [ "$pkg" != "${last:-}" ]; then
			closure "$pkg" > "$tmp/pkgs"
			awk -F'\t' 'NR == FNR { want[$1] = 1; next } $2 in want { print $1 }' "$tmp/pkgs" \
				"$tmp/files-index" > "$tmp/files"
			last=$pkg
		fi
		ok=0
		case $tok in
		\<*\>)
			h=${tok#<}; h=${h%>}
			awk -v h="/$h" 'substr($0, length($0) - length(h) + 1) == h && index($0, "/include/") { f = 1 } END { exit !f }' "$tmp/files" && ok=1 ;;
		-l*)
			l=${tok#-l}
			grep -Eq "/lib(/[^/]+)*/lib${l}\.(so|a)$" "$tmp/files" && ok=1 ;;
		=*)
			while read -r f; do
				b=${f##*/}
				# shellcheck disable=SC2053
				[[ $b == ${tok#=} ]] && ok=1 && break
			done < "$tmp/files" ;;
		*)
			grep -Eq "/s?bin/$tok$" "$tmp/files" && ok=1
			if [ $ok -eq 0 ] && path=$(type -P "$tok"); then
				grep -qx "$(owner_of "$path")" "$tmp/pkgs" && ok=1
			fi ;;
		esac
		n=$((n + 1))
		if [ $ok -eq 0 ]; then
			echo "$pkg does not provide $tok (dpkg -L $pkg), but $list says so"
			bad=1
		fi
	done < <(claims "$list")
	echo "verified $n claims; $unverified more of packages not installed (groups outside make deps)" >&2
	return $bad
}

# Headers (gcc -M / clang -M over every source) and -l libraries: each file's
# package is listed or is a dependency (Depends, Pre-Depends) of a listed one.
check_headers() {
	local multiarch arch bad=0 lib path p
	multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	arch=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
	# "SOURCE<TAB>HEADER" from the make rules gcc -M prints (first prerequisite = source)
	rules() { tr -d '\\' | awk '/^[^ ]*:/ { src = $2; $1 = ""; } { for (i = 1; i <= NF; i++) if ($i ~ /^\/usr/) print src "\t" $i }'; }
	{
		gcc -M -MG -std=gnu11 -D_GNU_SOURCE -I"$build/bpf" -Ibpf -Iharness -Isim -Itests/lib \
			harness/*/*.c sim/*.c tests/*/*.c 2>/dev/null | rules
		clang -M -MG -target bpf -D__TARGET_ARCH_"$arch" -I/usr/include/"$multiarch" -Ibpf \
			bpf/*.bpf.c 2>/dev/null | rules
		for lib in $(grep -o -- ' -l[a-z0-9_]*' "$tmp/make-n.sh" | sort -u); do
			lib=${lib#-l}
			path=$(gcc -print-file-name="lib$lib.so")
			[ "$path" != "lib$lib.so" ] || path=$(gcc -print-file-name="lib$lib.a")
			printf 'Makefile -l%s\t%s\n' "$lib" "$(realpath -s -m "$path")"
		done
	} | sort -t$'\t' -k2,2 -u > "$tmp/hdrs-uniq"
	closure $(claims "$list" | awk '{ print $2 }' | sort -u) > "$tmp/closure"
	# SOURCE PATH PACKAGE (PACKAGE "-" when dpkg knows no owner)
	awk -F'\t' -v OFS='\t' 'NR == FNR { own[$1] = $2; next }
		{ k = $2; sub(/^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)\//, "/", k)
		  if (k != $2) k = substr($2, 5); print $1, $2, (k in own ? own[k] : "-") }' \
		"$tmp/files-index" "$tmp/hdrs-uniq" > "$tmp/hdrs-owned"
	while IFS=$'\t' read -r f path p; do
		if [ "$p" = - ]; then
			echo "$path (used by $f) belongs to no Debian package"
			bad=1
		elif ! grep -qx "$p" "$tmp/closure"; then
			echo "$path (used by $f) comes from $p, which is not in $list nor a dependency of a listed package"
			bad=1
		fi
	done < "$tmp/hdrs-owned"
	echo "checked $(wc -l < "$tmp/hdrs-uniq") headers and libraries" >&2
	return $bad
}

if [ ! -x "$build/podlab" ]; then
	for t in programs claims headers can_fail; do result SKIP "$t" "$build/podlab not built (make)"; done
else
	collect_used > "$tmp/used"
	nused=$(cut -f1 "$tmp/used" | sort -u | wc -l)
	if check_programs "$list" > "$tmp/programs.txt"; then
		result PASS programs "$nused programs, each provided by a listed or an Essential package"
	else
		result FAIL programs "$(wc -l < "$tmp/programs.txt") program(s) without a listed package:"
		sed 's/^/    /' "$tmp/programs.txt"
	fi
	if check_claims > "$tmp/claims.txt" 2> "$tmp/claims.err"; then
		result PASS claims "$(cat "$tmp/claims.err")"
	else
		result FAIL claims "what $list says a package provides is not in it:"
		sed 's/^/    /' "$tmp/claims.txt"
	fi
	if check_headers > "$tmp/headers.txt" 2> "$tmp/headers.err"; then
		result PASS headers "$(cat "$tmp/headers.err"), each from a listed package or its dependencies"
	else
		result FAIL headers "headers or libraries from packages outside $list:"
		sed 's/^/    /' "$tmp/headers.txt"
	fi
	# The check must be able to fail: the same list without procps misses sysctl.
	grep -v '^[a-z]*[[:space:]]\+procps[[:space:]]' "$list" > "$tmp/list-without-procps"
	if check_programs "$tmp/list-without-procps" > "$tmp/can-fail.txt"; then
		result FAIL can_fail "a list without procps passed the programs check"
	elif grep -q "'sysctl' (run by " "$tmp/can-fail.txt"; then
		result PASS can_fail "without procps: $(grep -m1 "'sysctl'" "$tmp/can-fail.txt")"
	else
		result FAIL can_fail "without procps the check failed, but not on sysctl: $(head -1 "$tmp/can-fail.txt")"
	fi
fi
extra_finish
