#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install suite for tests/lib/run-suites.sh: `make install DESTDIR=TMP`, the tree copied
# elsewhere, then the installed podlab, man page and bash completion checked from /
# with a clean environment; as root the source tree is also hidden under an empty tmpfs
# (private mount namespace), so nothing can fall back to the checkout.
# One line per check (PASS/FAIL/SKIP name: detail); JUnit in OUTDIR/install.xml,
# "passed failed skipped" in OUTDIR/extra.counts.
# usage: run-extra.sh BUILD OUTDIR
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
. "$src/tests/lib/extra.sh"
extra_init install "$out"
stage=$(mktemp -d /tmp/podlab-install.XXXXXX)
reloc=$(mktemp -d /tmp/podlab-moved.XXXXXX)
run=""

finish() {
	[ -n "$run" ] && "$reloc/usr/local/bin/podlab" down "$run" >/dev/null 2>&1
	rm -rf "$stage" "$reloc"
	extra_finish
}
trap finish EXIT

root=false
[ "$(id -u)" -eq 0 ] && root=true
# As root: a mount namespace whose source tree is an empty tmpfs. The mount holding the
# tree is made private first, so the tmpfs never propagates out; /run/netns stays shared.
# shellcheck disable=SC2016 # expanded by the inner sh
hidden='mount --make-private "$1" && mount -t tmpfs -o ro,size=4k podlab-hidden "$2" && shift 2'
hide=false
mnt=$(findmnt -n -o TARGET -T "$src" 2>/dev/null)
if $root && [ -n "$mnt" ] && unshare --mount --propagation unchanged -- \
	sh -c "$hidden"' && ! [ -e "$0/Makefile" ]' "$src" "$mnt" "$src" 2>/dev/null; then
	hide=true
fi
# Runs "$@" from / with only PATH set, the source tree hidden when possible.
installed() {
	if $hide; then
		unshare --mount --propagation unchanged -- \
			sh -c "$hidden"' && cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' \
			sh "$mnt" "$src" "$@"
	else
		(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@")
	fi
}
if $hide; then
	echo "install: source tree hidden under a tmpfs while the installed podlab runs"
else
	echo "install: source tree not hidden (needs root and unshare -m);" \
		"the installed podlab runs from / with a clean environment"
fi

# --- install, relocate, uninstall ----------------------------------------------------
p=usr/local
if make -s --no-print-directory -C "$src" install BUILD="$build" PREFIX=/usr/local \
	DESTDIR="$stage" >"$out/install.log" 2>&1; then
	want="$p/bin/podlab $p/lib/podlab/bpf/datapath.bpf.o $p/share/man/man1/podlab.1
	      $p/share/bash-completion/completions/podlab $p/share/podlab/topologies/two-node-native.yaml
	      $p/share/podlab/pcaps/malformed.pcap $p/share/podlab/tests/scenarios/malformed.yaml"
	missing=$(for f in $want; do [ -s "$stage/$f" ] || echo "$f"; done)
	nfiles=$(find "$stage" -type f | wc -l)
	check install "$nfiles files under DESTDIR" "missing: $missing" [ -z "$missing" ]
	[ -x "$stage/$p/bin/podlab" ] || result FAIL install-mode "$p/bin/podlab is not executable"
else
	result FAIL install "make install failed: $(tail -1 "$out/install.log")"
	exit 1
fi
cp -a "$stage/." "$reloc/"
make -s --no-print-directory -C "$src" uninstall BUILD="$build" PREFIX=/usr/local \
	DESTDIR="$stage" >>"$out/install.log" 2>&1
left=$(cd "$stage" && find . -mindepth 1 \( -type f -o -name podlab \) | head -3 | tr '\n' ' ')
check uninstall "make uninstall left no file and no podlab directory" "left: $left" [ -z "$left" ]

prefix=$reloc/$p
podlab=$prefix/bin/podlab
share=$prefix/share/podlab

# --- CLI, man page, completion (no root needed) ------------------------------------
help=$(installed "$podlab" --help)
rc=$?
cmds=$(sed -n '/^commands:/,/^$/{/^  [a-z]/{s/^  \(.\{14\}\).*/\1/;s/ *$//;p}}' <<<"$help")
ncmds=$(grep -c . <<<"$cmds")
check help "exit 0, $ncmds commands" "exit $rc, $ncmds commands" [ "$rc" -eq 0 -a "$ncmds" -gt 0 ]

man1=$prefix/share/man/man1/podlab.1
if command -v man >/dev/null && command -v groff >/dev/null; then
	warn=$(MANWIDTH=80 man --warnings -l "$man1" 2>&1 >/dev/null)
	lines=$(MANWIDTH=80 man -l "$man1" 2>/dev/null | wc -l)
	check man-render "man --warnings -l: $lines lines, no warning" "${warn:-empty output}" \
		[ -z "$warn" -a "$lines" -gt 100 ]
elif command -v groff >/dev/null; then
	warn=$(groff -man -Tutf8 -ww -z "$man1" 2>&1)
	lines=$(groff -man -Tutf8 "$man1" 2>/dev/null | wc -l)
	check man-render "groff -man -ww: $lines lines, no warning" "${warn:-empty output}" \
		[ -z "$warn" -a "$lines" -gt 100 ]
else
	result SKIP man-render "groff not installed (Debian package groff-base)"
fi

# Every command of --help has a .SS section; each long option of its --help is in it.
nomiss="" noopt=""
while IFS= read -r c; do
	sect=$(awk -v c="$c" '/^\.S[SH] /{t=$0; sub(/^\.S[SH] "?/, "", t); sub(/"$/, "", t)
		on = (t == c)} on' "$man1")
	if [ -z "$sect" ]; then
		nomiss+="'$c' "
		continue
	fi
	documented=$(grep -oE '(\\-)+[a-z]([a-z]|\\-)*' <<<"$sect" | sed 's/\\-/-/g' | sort -u)
	# shellcheck disable=SC2086 # a two-word command is two arguments
	for o in $(installed "$podlab" $c --help | sed -n '1,/^$/p;/^ *-/p' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		[ "$o" = --help ] && continue
		grep -qxF -- "$o" <<<"$documented" || noopt+="$c:$o "
	done
done <<<"$cmds"
check man-commands "a section for each of the $ncmds commands" "no section for: $nomiss" [ -z "$nomiss" ]
check man-options "every long option of each command's --help in its section" \
	"not documented: $noopt" [ -z "$noopt" ]
for code in 0 1 2 3 4; do
	grep -q "^\.B $code\$" "$man1" || noexit+="$code "
done
check man-exit-codes "EXIT STATUS lists 0-4" "missing: ${noexit:-}" [ -z "${noexit:-}" ]

# The completion, sourced in a clean bash, against this --help.
comp=$prefix/share/bash-completion/completions/podlab
fake=$(mktemp -d /tmp/podlab-comp.XXXXXX)
printf 'podlab-run 1\nrun zz9\nnetns pl-zz9-node1\nnetns pl-zz9-frontend\n' >"$fake/zz9.state"
complete_in() { # complete_in DIR WORD... : COMPREPLY for the last WORD, sorted, run in DIR
	installed bash -c 'cd "$1" && source "$2" && _podlab_state_dir=$3 && shift 3 &&
		COMP_WORDS=("$@") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _podlab &&
		printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$1" "$comp" "$fake" "$podlab" "${@:2}"
}
want=$(sed 's/ .*//' <<<"$cmds" | sort -u)
got=$(complete_in / "")
check completion-commands "'podlab <TAB>' offers the $(grep -c . <<<"$want") command words of --help" \
	"offers '$(tr '\n' ' ' <<<"$got")', --help has '$(tr '\n' ' ' <<<"$want")'" [ "$got" = "$want" ]
bad=""
while IFS= read -r c; do
	[ "$c" = "${c#* }" ] && continue
	complete_in / "${c%% *}" "" | grep -qx "${c#* }" || bad+="'$c' "
done <<<"$cmds"
for c in down check status exec observe; do
	[ "$(complete_in / "$c" "")" = zz9 ] || bad+="$c-RUN "
done
[ "$(complete_in / exec zz9 "" | tr '\n' ' ')" = "frontend node1 " ] || bad+="exec-NAME "
complete_in "$share" up topologies/two-node-n | grep -qx topologies/two-node-native.yaml ||
	bad+="up-FILE.yaml "
complete_in "$share" pcap show pcaps/mal | grep -qx pcaps/malformed.pcap || bad+="pcap-show-FILE.pcap "
complete_in "$share" pcap gen pcaps/mal | grep -qx pcaps/malformed.spec || bad+="pcap-gen-FILE.spec "
complete_in / check zz9 --o | grep -qx -- --only || bad+="check-options "
rm -rf "$fake"
check completion-args "subcommands, run ids, exec names, files by extension, options" \
	"wrong completion: $bad" [ -z "$bad" ]

# --- data files and the BPF object --------------------------------------------------
bad=""
for s in "$share"/tests/scenarios/*.yaml; do
	for f in $(sed -n 's/^ *-\{0,1\} *\(topology\|pcap\): *\([^ #]*\).*/\2/p' "$s"); do
		[ -s "$(dirname "$s")/$f" ] || bad+="$(basename "$s"):$f "
	done
done
nscn=$(find "$src/tests/scenarios" -name '*.yaml' | wc -l)
ninst=$(find "$share/tests/scenarios" -name '*.yaml' | wc -l)
check scenario-paths "$ninst scenarios, every topology: and pcap: path resolves under share/podlab" \
	"$ninst of $nscn scenarios installed; unresolved: $bad" [ -z "$bad" -a "$ninst" -eq "$nscn" ]

vout=$(installed "$podlab" validate -q "$share"/topologies/*.yaml 2>&1)
rc=$?
check validate "the shipped topologies are valid" "exit $rc: $vout" [ "$rc" -eq 0 ]

obj=$prefix/lib/podlab/bpf/datapath.bpf.o
line=$(installed "$podlab" up --print-commands "$share/topologies/two-node-native.yaml" | grep -m1 '^OBJ=')
over=$(installed env PODLAB_BPF_DIR=/opt/x "$podlab" up --print-commands \
	"$share/topologies/two-node-native.yaml" | grep -m1 '^OBJ=')
check print-commands "OBJ is the installed $obj; PODLAB_BPF_DIR overrides it" \
	"printed '$line', with PODLAB_BPF_DIR=/opt/x '$over'" \
	[ "$line" = "OBJ=\${PODLAB_BPF_OBJ:-$obj}" -a \
		"$over" = "OBJ=\${PODLAB_BPF_OBJ:-/opt/x/datapath.bpf.o}" ]

# --- root only: verify, a run, the scenarios ---------------------------------------
if ! $root; then
	why="not root: loading BPF and building namespaces need root"
	result SKIP verify "$why"
	result SKIP up-check-down "$why"
	result SKIP test-scenarios "$why"
	exit "$([ $failed -eq 0 ] && echo 0 || echo 1)"
fi
vout=$(installed "$podlab" verify 2>&1)
rc=$?
check verify "every routing mode loads" "exit $rc: $(tail -1 <<<"$vout")" [ "$rc" -eq 0 ]

run=i$(($$ % 100000))
topo=$share/topologies/two-node-native.yaml
if ! uout=$(installed "$podlab" up --run "$run" "$topo" 2>&1); then
	result FAIL up-check-down "up of $topo: $(tail -1 <<<"$uout")"
	run=""
else
	rec=$(sed -n 's/^topology //p' "/run/podlab/$run.state")
	cout=$(installed "$podlab" check "$run" 2>&1)
	crc=$?
	dout=$(installed "$podlab" down "$run" 2>&1)
	drc=$?
	[ "$drc" -eq 0 ] && run=""
	check up-check-down "up, check (exit $crc), down (exit $drc) of the installed two-node-native" \
		"recorded topology '$rec', check exit $crc ($(tail -1 <<<"$cout")), down exit $drc ($dout)" \
		[ "$rec" = "$topo" -a "$crc" -eq 0 -a "$drc" -eq 0 ]
fi

# The JUnit file goes outside the (hidden) source tree; the output is kept in OUTDIR.
tout=$(installed "$podlab" test "$share"/tests/scenarios/*.yaml --junit "$reloc/scenarios.xml" 2>&1)
rc=$?
echo "$tout" >"$out/install-test.log"
check test-scenarios "$(tail -1 <<<"$tout")" \
	"exit $rc: $(grep -m3 -E '^(FAIL|ERROR)|error' <<<"$tout") $(tail -1 <<<"$tout")" [ "$rc" -eq 0 ]
[ "$failed" -eq 0 ]
