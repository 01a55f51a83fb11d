/* Stacks and symbols at print time (see stacks.h). Kernel frames resolve
 * through the lazily loaded kallsyms table; user frames, recorded as build id +
 * file offset at event time, through the libdw symbolizer, whose build-id index
 * is fed by the probed binaries, our own mappings, the mappings of the pid the
 * frame came from (when it still runs) and, as a last resort, one scan of the
 * system's binary directories. A frame the kernel could only record as an ip
 * resolves through the pid's maps while the process lives, else prints as hex. */
#include "runtime/stacks.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/ksyms.h"
#include "util/log.h"
#include "runtime/msg.h"
#include "runtime/usyms.h"
#include "util/alloc.h"

#define USYM_BUILD_ID_OFF 16	/* builtins/sym.c: the usym value layout */

static struct bpf_object *stack_obj;
static struct usyms *stack_usyms;
static bool stack_self_added;
static unsigned stack_failures;

void stack_map_name(char *buf, size_t size, bool user, uint32_t depth)
{
	snprintf(buf, size, "%cstack_%u", user ? 'u' : 'k', depth);
}

void stack_set_object(struct bpf_object *obj)
{
	stack_obj = obj;
}

/* The user symbolizer, created on first use with our own mappings indexed
 * (libc and the dynamic loader are the same files the traced programs use). */
static struct usyms *usyms(void)
{
	if (!stack_usyms)
		stack_usyms = usyms_new();
	if (stack_usyms && !stack_self_added) {
		stack_self_added = true;
		usyms_add_pid(stack_usyms, getpid());
	}
	return stack_usyms;
}

void stack_add_binary(const char *path)
{
	if (usyms())
		usyms_add_file(stack_usyms, path);
}

static unsigned stack_pids_seen, stack_pids_missed;

static int on_new_pid(void *ctx, void *data, size_t size)
{
	uint32_t pid;
	(void)ctx;
	if (size < sizeof(pid) || !usyms())
		return 0;
	memcpy(&pid, data, sizeof(pid));
	stack_pids_seen++;
	int err = usyms_add_pid(stack_usyms, (int)pid);
	if (err)
		stack_pids_missed++;
	rt_log(2, "usyms: pid %u: maps %s\n", pid, err ? strerror(-err) : "read");
	return 0;
}

int stack_watch_pids(struct ring_buffer *rb)
{
	struct bpf_map *m = stack_obj ? bpf_object__find_map_by_name(stack_obj, STACK_PIDS_RB) : NULL;
	if (!m || !rb)
		return 0;
	return ring_buffer__add(rb, bpf_map__fd(m), on_new_pid, NULL);
}

void stack_fini(void)
{
	if (stack_usyms) {
		struct usyms_stats st;
		usyms_get_stats(stack_usyms, &st);
		rt_log(1, "usyms: %u binaries opened, %u build ids indexed, %u directory scans, "
		       "%u new pids (%u gone before their maps were read)\n", st.files_opened,
		       st.files_indexed, st.dir_scans, stack_pids_seen, stack_pids_missed);
	}
	usyms_free(stack_usyms);
	stack_usyms = NULL;
	stack_self_added = false;
	stack_pids_seen = stack_pids_missed = 0;
	stack_obj = NULL;
}

unsigned stack_lookup_failures(void)
{
	return stack_failures;
}

/* Read stack `id` of the map for this kind and depth into frames; false when
 * it is not there (a failed capture: negative id, or a hash collision). */
static bool stack_read(const struct type *t, bool user, int64_t id, void *frames)
{
	char name[32];
	if (id < 0 || !stack_obj) {
		stack_failures++;
		return false;
	}
	stack_map_name(name, sizeof(name), user, t->count);
	struct bpf_map *m = bpf_object__find_map_by_name(stack_obj, name);
	uint32_t key = (uint32_t)id;
	if (!m || bpf_map_lookup_elem(bpf_map__fd(m), &key, frames)) {
		stack_failures++;
		return false;
	}
	return true;
}

/* One frame line in the stack's mode. sym: "name+off" or NULL; module for perf. */
static void frame_line(struct sb *out, const struct type *t, bool is_key, uint64_t addr,
		       const char *sym, const char *module)
{
	switch (t->stack_mode) {
	case STACK_MODE_PERF:
		if (sym)
			sb_printf(out, "\t%llx %s", (unsigned long long)addr, sym);
		else
			sb_printf(out, "\t%llx 0x%llx", (unsigned long long)addr, (unsigned long long)addr);
		if (t->kind == TY_USTACK)
			sb_printf(out, " (%s)", module ? module : "[unknown]");
		sb_putc(out, '\n');
		break;
	case STACK_MODE_RAW:
		sb_printf(out, "%llx\n", (unsigned long long)addr);
		break;
	default:
		sb_puts(out, is_key ? "    " : "        ");
		if (sym)
			sb_printf(out, "%s\n", sym);
		else
			sb_printf(out, "0x%llx\n", (unsigned long long)addr);
		break;
	}
}

/* The kernel symbol table for a printer; the first time it finds every
 * address hidden from this process, says once why frames print as numbers. */
static const struct ksyms *printer_ksyms(void)
{
	static bool warned;
	const struct ksyms *k = ksym_get();

	if (ksyms_hidden(k) && !warned) {
		warned = true;
		msg_report(MSG_WARNING, ksyms_hidden_hint(), NULL,
			   "kernel symbols are hidden from this process: kernel addresses "
			   "print as numbers");
	}
	return k;
}

static void print_kstack(struct sb *out, const struct type *t, const void *data, bool is_key)
{
	int64_t id;
	memcpy(&id, data, sizeof(id));
	id = stack_word_id(id);
	uint64_t *ips = xcalloc(t->count, sizeof(*ips));
	sb_putc(out, '\n');
	if (!ips || !stack_read(t, false, id, ips)) {
		xfree(ips);
		return;
	}
	const struct ksyms *k = t->stack_mode == STACK_MODE_RAW ? NULL : printer_ksyms();
	for (uint32_t i = 0; i < t->count && ips[i]; i++) {
		uint64_t off;
		const char *name = k ? ksyms_resolve(k, ips[i], &off) : NULL;
		char sym[512];
		if (name)
			snprintf(sym, sizeof(sym), "%s+%llu", name, (unsigned long long)off);
		frame_line(out, t, is_key, ips[i], name ? sym : NULL, NULL);
	}
	xfree(ips);
}

/* Resolve one user frame recorded by the kernel (build id + offset, or ip). */
static bool resolve_uframe(const struct bpf_stack_build_id *f, int pid, struct usym *s)
{
	struct usyms *u = usyms();
	if (!u)
		return false;
	if (f->status == BPF_STACK_BUILD_ID_VALID) {
		if (!usyms_has_build_id(u, f->build_id, BPF_BUILD_ID_SIZE))
			usyms_add_pid(u, pid);	/* still running: index its files cheaply */
		return usyms_by_build_id(u, f->build_id, BPF_BUILD_ID_SIZE, f->offset, s);
	}
	return usyms_by_pid(u, pid, f->ip, s);
}

/* build_id mode: the frame as the kernel recorded it, to be symbolized
 * elsewhere: "<build id> 0x<file offset>", or the bare ip when the kernel had
 * no build id for its file. */
static void build_id_line(struct sb *out, const struct bpf_stack_build_id *f)
{
	if (f->status != BPF_STACK_BUILD_ID_VALID) {
		sb_printf(out, "%llx\n", (unsigned long long)f->ip);
		return;
	}
	for (int b = 0; b < BPF_BUILD_ID_SIZE; b++)
		sb_printf(out, "%02x", f->build_id[b]);
	sb_printf(out, " 0x%llx\n", (unsigned long long)f->offset);
}

static void print_ustack(struct sb *out, const struct type *t, const void *data, bool is_key)
{
	int64_t id;
	uint64_t pid;
	memcpy(&id, data, sizeof(id));
	id = stack_word_id(id);
	memcpy(&pid, (const uint8_t *)data + 8, sizeof(pid));
	struct bpf_stack_build_id *fr = xcalloc(t->count, sizeof(*fr));
	sb_putc(out, '\n');
	if (!fr || !stack_read(t, true, id, fr)) {
		xfree(fr);
		return;
	}
	for (uint32_t i = 0; i < t->count && fr[i].status != BPF_STACK_BUILD_ID_EMPTY; i++) {
		if (t->stack_mode == STACK_MODE_BUILD_ID) {
			build_id_line(out, &fr[i]);
			continue;
		}
		struct usym s = {0};
		/* the address shown: the ip, or the ELF virtual address in its file
		 * when the kernel recorded a build id (the ip is not kept then) */
		bool ok = t->stack_mode != STACK_MODE_RAW && resolve_uframe(&fr[i], (int)pid, &s);
		uint64_t addr = fr[i].status == BPF_STACK_BUILD_ID_VALID ? (s.path ? s.vaddr : fr[i].offset)
									 : fr[i].ip;
		char sym[1024];
		if (ok && s.name)
			snprintf(sym, sizeof(sym), "%s+%llu", s.name, (unsigned long long)s.offset);
		frame_line(out, t, is_key, addr, ok && s.name ? sym : NULL, s.path);
	}
	xfree(fr);
}

void stack_print(struct sb *out, const struct type *t, const void *data, bool is_key)
{
	if (t->kind == TY_KSTACK)
		print_kstack(out, t, data, is_key);
	else
		print_ustack(out, t, data, is_key);
}

static void print_addr(struct sb *out, uint64_t v)
{
	sb_printf(out, v ? "0x%llx" : "%llu", (unsigned long long)v);
}

/* usym: the build id recorded at event time first, then the live process. */
static void print_usym(struct sb *out, const uint8_t *data)
{
	uint64_t addr, pid;
	struct bpf_stack_build_id f;
	struct usym s;
	memcpy(&addr, data, 8);
	memcpy(&pid, data + 8, 8);
	memcpy(&f, data + USYM_BUILD_ID_OFF, sizeof(f));
	struct usyms *u = addr ? usyms() : NULL;
	bool ok = false;
	if (u && f.status == BPF_STACK_BUILD_ID_VALID) {
		if (!usyms_has_build_id(u, f.build_id, BPF_BUILD_ID_SIZE))
			usyms_add_pid(u, (int)pid);
		ok = usyms_by_build_id(u, f.build_id, BPF_BUILD_ID_SIZE, f.offset, &s) && s.name;
	}
	if (u && !ok)
		ok = usyms_by_pid(u, (int)pid, addr, &s) && s.name;
	if (ok)
		sb_puts(out, s.name);
	else
		print_addr(out, addr);
}

void stack_print_sym(struct sb *out, const struct type *t, const void *data)
{
	uint64_t v;
	memcpy(&v, data, sizeof(v));
	if (t->kind == TY_USYM) {
		print_usym(out, data);
		return;
	}
	uint64_t off;
	const struct ksyms *k = v ? printer_ksyms() : NULL;
	const char *name = k ? ksyms_resolve(k, v, &off) : NULL;
	if (name)
		sb_puts(out, name);
	else
		print_addr(out, v);
}
