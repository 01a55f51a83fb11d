# bash completion for bpfline(8).                                 -*- shell-script -*-
#
# Completes options (read from `bpfline --help`, so they never go stale), option
# arguments (-f text|json, -B modes, -d stages, --mode, files, pids, commands), and
# probe names: the argument of -l, and the attach point being typed inside -e '...'
# (outside any { } block). Probe names come from `bpfline -l PREFIX*`, one level at a
# time: "tracepoint:" offers "tracepoint:sched:", ..., not 2,000 tracepoints at once.
#
# It needs nothing from the bash-completion package: it splits the line itself,
# because bash splits words at ':' and quotes (COMP_WORDBREAKS), which would cut
# "tracepoint:sched:x" and "-e 'prog" apart.

# The probe families by their long names (the short aliases t:, k:, ... are not
# offered, but complete once typed), in the order of `bpfline -l`.
_bpfline_families=(begin end tracepoint: rawtracepoint: kprobe: kretprobe: fentry: fexit:
	uprobe: uretprobe: usdt: profile: interval: software: hardware: watchpoint: iter:)

# _bpfline_split LINE: shell words of LINE into _bpfline_words, honouring quotes and
# backslashes; _bpfline_open is the quote still open at the end ('' when none).
_bpfline_split()
{
	local line=$1 word='' c q='' i have=0
	_bpfline_words=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ -n $q ]]; then
			if [[ $c == "$q" ]]; then q=''; else word+=$c; fi
		elif [[ $c == [\'\"] ]]; then
			q=$c have=1
		elif [[ $c == \\ && $((i + 1)) -lt ${#line} ]]; then
			word+=${line:i+1:1} have=1
			((i++))
		elif [[ $c == [[:space:]] ]]; then
			((have)) && _bpfline_words+=("$word")
			word='' have=0
		else
			word+=$c have=1
		fi
	done
	_bpfline_words+=("$word")	# the word under the cursor, maybe empty
	_bpfline_open=$q
}

# _bpfline_probes BIN PREFIX: probe names starting with PREFIX, one level deeper
# than PREFIX (up to and including the next ':'), one a line.
_bpfline_probes()
{
	local bin=$1 prefix=$2
	if [[ $prefix != *:* ]]; then
		local f
		for f in "${_bpfline_families[@]}"; do
			[[ $f == "$prefix"* ]] && printf '%s\n' "$f"
		done
		return
	fi
	case $prefix in
	uprobe:*:* | uretprobe:*:* | usdt:*:* | u:*:* | ur:*:* | U:*:*) ;;
	uprobe:* | uretprobe:* | usdt:* | u:* | ur:* | U:*)
		# the binary: a path, completed as a file name
		local fam=${prefix%%:*} path=${prefix#*:}
		compgen -f -- "$path" | while IFS= read -r p; do
			if [[ -d $p ]]; then printf '%s:%s/\n' "$fam" "$p"; else printf '%s:%s:\n' "$fam" "$p"; fi
		done
		return
		;;
	esac
	# -l names the family in full: put back the alias typed (t:, k:, ...)
	"$bin" -l "$prefix*" 2>/dev/null | awk -v p="$prefix" '
		BEGIN { n = length(p); fam = substr(p, 1, index(p, ":") - 1) }
		{ name = fam substr($0, index($0, ":"))
		  if (substr(name, 1, n) != p) next
		  i = index(substr(name, n + 1), ":")
		  print (i ? substr(name, 1, n + i) : name) }' | sort -u
}

# _bpfline_reply REPLACED TOKEN CANDIDATE...: COMPREPLY for candidates that complete
# TOKEN, when bash replaces the text REPLACED (its $2: the part of TOKEN after the
# last ':' of COMP_WORDBREAKS, or the whole quoted text typed so far).
_bpfline_reply()
{
	local replaced=$1 token=$2 c
	shift 2
	COMPREPLY=()
	for c in "$@"; do
		if ((${#replaced} >= ${#token})); then
			COMPREPLY+=("${replaced:0:${#replaced}-${#token}}$c")
		else
			COMPREPLY+=("${c:${#token}-${#replaced}}")
		fi
	done
	# a family or category ending in ':' (or a directory) is not a whole name yet
	local r
	for r in "${COMPREPLY[@]}"; do
		if [[ $r == *[:/] ]]; then
			compopt -o nospace 2>/dev/null
			break
		fi
	done
}

# _bpfline_complete_probe BIN REPLACED TOKEN
_bpfline_complete_probe()
{
	local IFS=$'\n'
	local -a cands=($(_bpfline_probes "$1" "$3"))
	_bpfline_reply "$2" "$3" "${cands[@]}"
}

# _bpfline_program_probe PROGRAM: the attach point being typed at the end of PROGRAM
# (printed), or status 1 when the cursor is inside a block, a predicate or anything
# else that is not an attach point.
_bpfline_program_probe()
{
	local prog=$1 open=${1//[^\{]/} close=${1//[^\}]/}
	((${#open} > ${#close})) && return 1
	local tail=${prog##*[[:space:],\}]}
	local head=${prog%"$tail"}
	head=${head%"${head##*[![:space:]]}"}	# without trailing blanks
	# an attach point starts the program or follows a block or a ','
	[[ -z $head || $head == *[,\}] ]] || return 1
	printf '%s' "$tail"
}

_bpfline()
{
	local replaced=${2-} bin=${COMP_WORDS[0]}
	[[ -x $bin || $bin != */* ]] || bin=bpfline
	_bpfline_split "${COMP_LINE:0:COMP_POINT}"
	local n=${#_bpfline_words[@]}
	local cur=${_bpfline_words[n - 1]} prev=''
	((n >= 2)) && prev=${_bpfline_words[n - 2]}
	COMPREPLY=()

	case $prev in
	-f) _bpfline_reply "$replaced" "$cur" $(compgen -W 'text json' -- "$cur"); return ;;
	-B) _bpfline_reply "$replaced" "$cur" $(compgen -W 'line full none' -- "$cur"); return ;;
	-d) _bpfline_reply "$replaced" "$cur" $(compgen -W 'ast sema ir obj all' -- "$cur"); return ;;
	--mode) _bpfline_reply "$replaced" "$cur" $(compgen -W 'run bench' -- "$cur"); return ;;
	-p | --pid)
		_bpfline_reply "$replaced" "$cur" $(compgen -W "$(cd /proc && printf '%s ' [0-9]*)" -- "$cur")
		return ;;
	-c | --cmd) COMPREPLY=($(compgen -c -- "$replaced")); return ;;
	-o | --output | --include | --traceable-functions)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$replaced"))
		return ;;
	--debuginfo)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$replaced"))
		return ;;
	-l | --list | -lv | -vl)
		_bpfline_complete_probe "$bin" "$replaced" "$cur"
		return ;;
	-e)
		local probe
		probe=$(_bpfline_program_probe "$cur") || return
		_bpfline_complete_probe "$bin" "$replaced" "$probe"
		compopt -o nospace 2>/dev/null	# the program goes on after the probe
		return ;;
	esac

	if [[ $cur == -* && -z $_bpfline_open ]]; then
		local opts
		opts=$("$bin" --help 2>/dev/null | sed -n '/^OPTIONS:/,/^$/p' |
			grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z]*' | tr -d ' ,' | sort -u)
		COMPREPLY=($(compgen -W "$opts --" -- "$cur"))
		return
	fi
	# the program file, or a parameter after it
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$replaced"))
}

complete -F _bpfline bpfline
