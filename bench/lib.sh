# The start the bench scripts share; source it after `cd` to the repository root:
#   bench_start USAGE RUNS "$@"; shift "$bench_shift"
# parses -b BPFLINE (default build/bpfline) into $bin and -n RUNS (default RUNS)
# into $runs, sets $bench_shift to the number of option words, and ends the script
# unless it runs as root with an executable $bin. USAGE: the script's own options
# and operands, for the usage line. A script with options of its own names their
# getopts letters in $bench_opts (e.g. bench_opts=i:) and defines
# `bench_opt LETTER VALUE` to take each one.
bench_start() {
	local usage=$1 o OPTIND=1
	runs=$2
	shift 2
	bin=build/bpfline
	while getopts "b:n:${bench_opts:-}" o; do
		case $o in
		b) bin=$OPTARG ;;
		n) runs=$OPTARG ;;
		'?' | :) echo "usage: $0 [-b bpfline] [-n runs]${usage:+ $usage}" >&2; exit 2 ;;
		*) bench_opt "$o" "${OPTARG:-}" ;;
		esac
	done
	bench_shift=$((OPTIND - 1))
	[ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 1; }
	[ -x "$bin" ] || { echo "$0: no $bin (run make)" >&2; exit 1; }
}
