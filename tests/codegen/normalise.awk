# Normalise `bpfline -d ir` output for the golden tests (tests/codegen/run.sh):
# keep every global, function, block and instruction, and drop what LLVM adds on
# its own or what varies between machines, so a diff shows a change in codegen.
#
#   awk -f normalise.awk IRFILE IRFILE     (the file twice: metadata pass, print pass)
#
# Dropped: the module header, repeated and trailing blank lines, `; Function Attrs:` and `; preds =` comments,
# attribute groups and `#N` references, debug metadata (`!N = ...` lines and
# `!dbg !N` / `!llvm.loop !N` references), attributes and poison flags the
# optimiser infers (noundef, nonnull, nocapture, readonly, dereferenceable(N),
# nuw, nsw, exact, disjoint, nneg, inbounds, tail, local_unnamed_addr, ...).
# Map definitions live only in the debug metadata (libbpf reads them from BTF),
# so each `.maps` global is followed by a comment that spells its definition out:
#   ;   type=percpu_hash max_entries=4096 key_size=16 value_size=8

# Pass 1: remember every metadata node by number.
FNR == NR {
	if (match($0, /^![0-9]+ = /)) {
		id = substr($0, 2, RLENGTH - 4)
		md[id] = substr($0, RLENGTH + 1)
	}
	next
}

# field(S, NAME): the value of `NAME: value` in metadata node text S, or "".
function field(s, name,    r) {
	if (!match(s, "[(, ]" name ": [^,)]*"))
		return ""
	r = substr(s, RSTART + 1, RLENGTH - 1)
	sub(/^[a-zA-Z]+: /, "", r)
	gsub(/"/, "", r)
	return r
}

# ref(S, NAME): the node number of `NAME: !N` in S, or "".
function ref(s, name,    r) {
	r = field(s, name)
	return r ~ /^![0-9]+$/ ? substr(r, 2) : ""
}

# list(ID, OUT): the node numbers of tuple !ID = !{!a, !b, ...} into OUT[1..n]; n.
function list(id, out,    s, n, i, parts) {
	s = md[id]
	gsub(/[!{} ]/, "", s)
	n = split(s, parts, ",")
	for (i = 1; i <= n; i++)
		out[i] = parts[i]
	return n
}

# type_name(ID): a short description of debug type !ID.
function type_name(id,    s, sub_, n, el, r, i) {
	s = md[id]
	if (id == "" || s == "")
		return "void"
	if (s ~ /DIBasicType/)
		return field(s, "name")
	if (s ~ /DW_TAG_pointer_type/)
		return type_name(ref(s, "baseType")) "*"
	if (s ~ /DW_TAG_array_type/) {
		n = list(ref(s, "elements"), el)
		r = type_name(ref(s, "baseType"))
		for (i = 1; i <= n; i++)
			r = r "[" field(md[el[i]], "count") "]"
		return r
	}
	if (s ~ /DW_TAG_structure_type/)
		return "struct(" field(s, "size") " bits)"
	if (s ~ /DW_TAG_(typedef|const_type|volatile_type|member)/)
		return type_name(ref(s, "baseType"))
	return "?"
}

# map_value(ID): a map-definition member's value. `__uint(name, N)` is a pointer to
# int[N]: N; `__type(name, T)` is a pointer to T: T.
function map_value(id,    p, a, el) {
	p = md[ref(md[id], "baseType")]
	a = md[ref(p, "baseType")]
	if (a ~ /DW_TAG_array_type/ && type_name(ref(a, "baseType")) == "int" &&
	    list(ref(a, "elements"), el) == 1)
		return field(md[el[1]], "count")
	return type_name(ref(p, "baseType"))
}

# map_def(GVE): the definition of the map whose global has `!dbg !GVE`.
function map_def(gve,    var, ty, n, el, i, m, name, v, r) {
	var = md[ref(md[gve], "var")]
	ty = md[ref(var, "type")]
	n = list(ref(ty, "elements"), el)
	r = ""
	for (i = 1; i <= n; i++) {
		m = md[el[i]]
		name = field(m, "name")
		v = map_value(el[i])
		if (name == "type" && v in map_types)
			v = map_types[v]
		r = r " " name "=" v
	}
	return r
}

# drop_word(S, W): S without the attribute or flag W wherever it stands as a word.
function drop_word(s, w) {
	while (sub(" " w " ", " ", s)) ;
	while (sub(" " w ",", ",", s)) ;
	while (sub(" " w "\\)", ")", s)) ;
	return s
}

# read_helpers(PATH): helper[N] = name from the __BPF_FUNC_MAPPER list of
# linux/bpf.h (FN(name) lines, numbered in order, or FN(name, N, ...)).
function read_helpers(path,    l, in_list, n, name, num) {
	n = 0
	while ((getline l < path) > 0) {
		if (l ~ /^#define __BPF_FUNC_MAPPER/) {
			in_list = 1
			continue
		}
		if (!in_list)
			continue
		if (match(l, /FN\([a-z0-9_]+/)) {
			name = substr(l, RSTART + 3, RLENGTH - 3)
			num = n++
			if (match(l, /FN\([a-z0-9_]+, *[0-9]+/)) {
				num = substr(l, RSTART, RLENGTH)
				sub(/.*, */, "", num)
			}
			helper[num] = name
		}
		if (l !~ /\\$/)
			break
	}
	close(path)
}

BEGIN {
	if (helpers != "")
		read_helpers(helpers)
	ninferred = split("noundef nonnull nocapture readonly readnone writeonly immarg noalias " \
			  "returned signext zeroext local_unnamed_addr unnamed_addr dso_local " \
			  "nuw nsw exact disjoint nneg samesign inbounds", inferred, " ")
	# enum bpf_map_type, for the types bpfline uses (others print as numbers)
	map_types[1] = "hash"; map_types[2] = "array"; map_types[3] = "prog_array"
	map_types[4] = "perf_event_array"; map_types[5] = "percpu_hash"
	map_types[6] = "percpu_array"; map_types[7] = "stack_trace"
	map_types[9] = "lru_hash"; map_types[10] = "lru_percpu_hash"
	map_types[27] = "ringbuf"
}

# Pass 2: print.
/^; ModuleID = / || /^source_filename = / || /^target datalayout = / { next }
/^; Function Attrs:/ || /^attributes #[0-9]+ = / || /^!/ { next }
{
	line = $0
	gve = ""
	if (line ~ /section "\.maps"/ && match(line, /!dbg ![0-9]+/))
		gve = substr(line, RSTART + 6, RLENGTH - 6)
	sub(/[ \t]*; preds = .*$/, "", line)
	gsub(/, ![a-z][a-z.]* ![0-9]+/, "", line)	# , !dbg !N  , !llvm.loop !N
	gsub(/ ![a-z][a-z.]* ![0-9]+/, "", line)	# define ... !dbg !N {
	gsub(/ #[0-9]+/, "", line)
	for (i = 1; i <= ninferred; i++)
		line = drop_word(line, inferred[i])
	gsub(/ (dereferenceable|dereferenceable_or_null)\([0-9]+\)/, "", line)
	gsub(/ptr align [0-9]+ /, "ptr ", line)	# a parameter's inferred alignment
	gsub(/ tail call /, " call ", line)
	if (match(line, /call [a-z0-9]+ inttoptr \(i64 [0-9]+ to ptr\)/)) {
		h = substr(line, RSTART, RLENGTH)
		sub(/^.*\(i64 /, "", h)
		sub(/ .*/, "", h)
		line = line "\t; " (h in helper ? helper[h] : "helper " h)
	}
	if (line == "") {	# blank lines: one between items, none at the end
		blank = 1
		next
	}
	if (blank && printed)
		print ""
	blank = 0
	printed = 1
	print line
	if (gve != "") {
		print ";  " map_def(gve)
	}
}
