# The start the bench scripts share; source it after `cd` to the repository root:
#   bench_start USAGE RUNS "$@"; shift "$bench_shift"
# parses -b BPFLINE (default build/bpfline) into $bin and -n RUNS (default RUNS)
# into $runs, sets $bench_shift to the number of option words, and ends the script
# unless it runs as root with an executable $bin. USAGE: the operands, for the
# usage line.
bench_start() {
	local usage=$1 o OPTIND=1
	runs=$2
	shift 2
	bin=build/bpfline
	while getopts b:n: o; do
		case $o in
		b) bin=$OPTARG ;;
		n) runs=$OPTARG ;;
		*) echo "usage: $0 [-b bpfline] [-n runs]${usage:+ $usage}" >&2; exit 2 ;;
		esac
	done
	bench_shift=$((OPTIND - 1))
	[ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 1; }
	[ -x "$bin" ] || { echo "$0: no $bin (run make)" >&2; exit 1; }
}
