# SPDX-License-Identifier: GPL-2.0
# bash completion for podlab. Commands and options are read from `podlab --help` and
# `podlab CMD --help` when completing, so a new command or option needs no edit here;
# run ids come from /run/podlab/*.state, files are offered by extension.
# usage: installed as share/bash-completion/completions/podlab, or `source podlab.bash`.

_podlab_state_dir=/run/podlab

# Command names ("verify", "pcap show", ...) from the "commands:" block of --help.
_podlab_commands()
{
	"$1" --help 2>/dev/null | sed -n '/^commands:/,/^$/{/^  [a-z]/{s/^  \(.\{14\}\).*/\1/;s/ *$//;p}}'
}

# Options of one command: the usage lines and the option table of `podlab CMD --help`.
_podlab_options()
{
	"$@" --help 2>/dev/null | sed -n '1,/^$/p;/^ *-/p' |
		grep -oE '(^|[][ ,|(])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[^-]*//' | sort -u
}

# True when option $1 of command $2 takes a value (its word is no positional argument).
_podlab_takes_value()
{
	case $1 in
	-f) [ "$2" = "pcap show" ] ;;
	-n | -s) [ "$2" = "kube-proxy" ] ;;
	--topology | --pcap | --pcap-out | -o | --output | --junit | --plot | --run | --routing | \
	--mode | --compare | --only | -l | --linktype | --example | --from | --to | --path | --at | \
	--filter | --timeout | --seconds | --dport | --sport | --size | --proto | --tbf | --htb | \
	--netem | --pfifo | --load | --duration | --interval | --link | --seed | --workers | \
	--ct-max | --window | --node | --services | --uplink-inject) true ;;
	*) false ;;
	esac
}

_podlab_runs()
{
	local f
	for f in "$_podlab_state_dir"/*.state; do
		[ -e "$f" ] && f=${f##*/} && echo "${f%.state}"
	done
}

# Names `podlab exec RUN NAME` accepts: the run's namespaces pl-RUN-NAME.
_podlab_run_names()
{
	sed -n "s/^netns pl-$1-//p" "$_podlab_state_dir/$1.state" 2>/dev/null
}

# Files matching one of the extensions, and directories to descend into.
_podlab_files()
{
	local cur=$1 ext
	shift
	compopt -o filenames 2>/dev/null
	for ext in "$@"; do
		compgen -f -X "!*.$ext" -- "$cur"
	done
	compgen -d -- "$cur"
}

_podlab()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local bin=${COMP_WORDS[0]} i=1 cmd="" name sub nargs=0 w
	local -a names positional=()

	COMPREPLY=()
	while [ "$i" -lt "$COMP_CWORD" ] && [[ ${COMP_WORDS[i]} == -* ]]; do
		i=$((i + 1))
	done
	mapfile -t names < <(_podlab_commands "$bin")
	if [ "$i" -eq "$COMP_CWORD" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-v -vv --verbose -h --help --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(printf '%s\n' "${names[@]%% *}" | sort -u)" -- "$cur")
		fi
		return
	fi
	# One-word command, or the second word of a two-word one ("pcap show").
	for name in "${names[@]}"; do
		if [ "$name" = "${COMP_WORDS[i]}" ]; then
			cmd=$name
			break
		fi
	done
	if [ -z "$cmd" ]; then
		if [ $((i + 1)) -eq "$COMP_CWORD" ]; then
			for name in "${names[@]}"; do
				[ "${name%% *}" = "${COMP_WORDS[i]}" ] && [ "$name" != "${name#* }" ] &&
					sub+="${name#* } "
			done
			mapfile -t COMPREPLY < <(compgen -W "$sub" -- "$cur")
			return
		fi
		cmd="${COMP_WORDS[i]} ${COMP_WORDS[i+1]}"
		i=$((i + 1))
	fi
	# After `exec RUN NAME --`: a command and its files.
	for ((w = i + 1; w < COMP_CWORD; w++)); do
		if [ "${COMP_WORDS[w]}" = "--" ]; then
			if [ $((w + 1)) -eq "$COMP_CWORD" ]; then
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			fi
			return
		fi
		if [[ ${COMP_WORDS[w]} == -* ]]; then
			_podlab_takes_value "${COMP_WORDS[w]}" "$cmd" && w=$((w + 1))
		else
			positional+=("${COMP_WORDS[w]}")
		fi
	done

	case $prev in
	--topology) mapfile -t COMPREPLY < <(_podlab_files "$cur" yaml yml); return ;;
	--pcap) mapfile -t COMPREPLY < <(_podlab_files "$cur" pcap pcapng); return ;;
	--pcap-out) compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	-o | --output | --junit | --plot) compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	--run) [ "$cmd" = up ] && return
		mapfile -t COMPREPLY < <(compgen -W "$(_podlab_runs)" -- "$cur"); return ;;
	--routing) mapfile -t COMPREPLY < <(compgen -W "native vxlan legacy fabric ipip all" -- "$cur"); return ;;
	--mode) mapfile -t COMPREPLY < <(compgen -W "unit sim live" -- "$cur"); return ;;
	--compare) mapfile -t COMPREPLY < <(compgen -W "sim,live unit,live unit,sim" -- "$cur"); return ;;
	--uplink-inject) mapfile -t COMPREPLY < <(compgen -W "auto xdp peer" -- "$cur"); return ;;
	--only) mapfile -t COMPREPLY < <(compgen -W "connectivity natfree underlay mtu shaping routes ingress l7" \
		-- "$cur"); return ;;
	-l | --linktype) mapfile -t COMPREPLY < <(compgen -W "EN10MB LINUX_SLL2" -- "$cur"); return ;;
	--example) mapfile -t COMPREPLY < <(compgen -W "seed-tbf seed-netem seed-htb seed-htb-literal" \
		-- "$cur"); return ;;
	*) _podlab_takes_value "$prev" "$cmd" && return ;;
	esac
	if [[ $cur == -* ]]; then
		# shellcheck disable=SC2086 # a two-word command is two arguments
		mapfile -t COMPREPLY < <(compgen -W "$(_podlab_options "$bin" $cmd)" -- "$cur")
		return
	fi
	nargs=${#positional[@]}
	case $cmd in
	down | check | status | observe)
		[ "$nargs" -eq 0 ] && mapfile -t COMPREPLY < <(compgen -W "$(_podlab_runs)" -- "$cur") ;;
	exec)
		if [ "$nargs" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_podlab_runs)" -- "$cur")
		elif [ "$nargs" -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_podlab_run_names "${positional[0]}")" -- "$cur")
		elif [ "$nargs" -eq 2 ]; then
			COMPREPLY=(--)
		fi ;;
	up | validate | graph | test | kube-proxy) mapfile -t COMPREPLY < <(_podlab_files "$cur" yaml yml) ;;
	"pcap show") mapfile -t COMPREPLY < <(_podlab_files "$cur" pcap pcapng) ;;
	"pcap gen") mapfile -t COMPREPLY < <(_podlab_files "$cur" spec) ;;
	esac
}

complete -F _podlab podlab
