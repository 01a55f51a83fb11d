/* The contract between the code generator, which writes the BPF object, and the
 * runtime, which loads it and reads what its programs report. Both include this
 * header; neither includes the other.
 *
 * - Every struct probe_def in program.probes has prog_name, the ELF program
 *   (function) name that runs it; its section is the probe family's (src/probes/).
 *   BEGIN and END are SEC("raw_tp") programs that are never attached: the runtime
 *   runs them once with BPF_PROG_TEST_RUN.
 * - The ring buffer is the BPF map named ABI_RINGBUF_NAME. Each record starts with
 *   a uint64 action id indexing program.actions; the rest is laid out by
 *   struct action (args at offsets). ACT_EXIT carries the exit code as an int64
 *   at offset 8. ACT_PRINT_MAP carries uint64 top and div at offsets 8 and 16.
 * - ABI_CTLBUF_NAME, in programs with control actions (exit, print, clear,
 *   zero, time, errorf/warnf and the runtime warnings: cg_action_is_control),
 *   is a second, small ring buffer that takes their records, so a flood of
 *   printf records can never crowd them out. Each control record is a uint64
 *   tag, the output ring's producer position just before it was reserved, then
 *   the record as above; user space handles it once it has consumed the output
 *   ring up to the tag, so it keeps its place among the printf records.
 * - ABI_COUNTERS_NAME is a per-CPU array of uint64 counters: ABI_CTR_LOST counts
 *   records that could not be reserved (either ring); ABI_CTR_START
 *   the CLOCK_MONOTONIC ns at start, set before BEGIN (`elapsed`);
 *   ABI_CTR_TAI_OFFSET CLOCK_TAI minus CLOCK_BOOTTIME at start (`nsecs(sw_tai)`);
 *   ABI_CTR_MAP_FULL + map id counts failed inserts into that map (full: map
 *   keys max).
 * - ABI_EXITED_NAME, in programs that call exit() or have a traced probe, is a
 *   one-slot array that exit(code) sets to (ABI_EXITED_EXIT | code), before
 *   writing its record, and user space ORs ABI_EXITED_STOP into when it stops
 *   the run (a signal, the end of -c's command); every probe but BEGIN/END and
 *   iterators returns at once when it is non-zero, so nothing runs between the
 *   stop and the detach, which then runs in the background while the output
 *   is finished and the maps printed (bpftrace leaves that window open; under
 *   load a 1 ms interval fired several more times in it). The loop polls it
 *   too: after exit() it detaches the probes, then reads up to the exit record,
 *   or ends with this code when even the control ring had no room for the
 *   record.
 * - map_def.sym is the BPF map name of each program map.
 * - A probe whose body codegen split (probe_def.nchunks > 1) runs as a chain of
 *   programs in its section: program 0 is prog_name, program k (1 .. nchunks - 1)
 *   is ABI_CHUNK_FMT (prog_name, k). Each but the last ends with a tail call
 *   through the program array ABI_CHAIN_FMT (probe_def.index) at key k + 1; the
 *   runtime puts program k at key k after load and attaches only prog_name. */
#ifndef BPFL_ABI_H
#define BPFL_ABI_H

#define ABI_RINGBUF_NAME "ringbuf"
#define ABI_COUNTERS_NAME "lost"
#define ABI_EXITED_NAME "exited"
#define ABI_EXITED_EXIT (1ull << 32)	/* exit() ran; its code in the low byte */
#define ABI_EXITED_STOP (1ull << 33)	/* user space stopped the run */
#define ABI_CTLBUF_NAME "ctlbuf"
#define ABI_CHUNK_FMT "%s_%d"
#define ABI_CHAIN_FMT "chain%d"

/* Slots of ABI_COUNTERS_NAME. */
enum { ABI_CTR_LOST, ABI_CTR_START, ABI_CTR_TAI_OFFSET, ABI_CTR_MAP_FULL };

#endif
