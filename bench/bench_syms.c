/* Symbolizer benchmark: resolve a 100,000-frame workload of kernel frames
 * (kallsyms) and of user frames given as build id + file offset (what ustack
 * records), and report frames per second; also the one-time costs (kallsyms
 * load, first open of a binary). Usage: bench_syms [frames] */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/ksyms.h"
#include "runtime/usyms.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Text symbol addresses of /proc/kallsyms, for a realistic kernel workload. */
static size_t kernel_addrs(uint64_t **out)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t n = 0, cap = 1 << 18;
	uint64_t *a = malloc(cap * sizeof(*a));
	char line[512], type;
	unsigned long long addr;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c", &addr, &type) == 2 && (type == 't' || type == 'T') &&
		    addr && n < cap)
			a[n++] = addr;
	}
	if (f)
		fclose(f);
	*out = a;
	return n;
}

/* The executable segment [lo, hi) of path, as file offsets. */
static int text_range(const char *path, uint64_t *lo, uint64_t *hi)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int ok = -1;
	if (!f || fread(&eh, sizeof(eh), 1, f) != 1)
		goto out;
	for (int i = 0; i < eh.e_phnum; i++) {
		fseek(f, (long)(eh.e_phoff + (uint64_t)i * sizeof(ph)), SEEK_SET);
		if (fread(&ph, sizeof(ph), 1, f) == 1 && ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
			*lo = ph.p_offset;
			*hi = ph.p_offset + ph.p_filesz;
			ok = 0;
			break;
		}
	}
out:
	if (f)
		fclose(f);
	return ok;
}

int main(int argc, char **argv)
{
	size_t frames = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	const char *lib = "/usr/lib/x86_64-linux-gnu/libc.so.6";
	srand(42);

	uint64_t *syms;
	size_t nsyms = kernel_addrs(&syms);
	double t0 = now();
	const struct ksyms *k = ksym_get();
	double t_load = now() - t0;
	if (!k || !nsyms) {
		fprintf(stderr, "cannot read /proc/kallsyms (run as root)\n");
		return 1;
	}
	uint64_t *kf = malloc(frames * sizeof(*kf));
	for (size_t i = 0; i < frames; i++)
		kf[i] = syms[(size_t)rand() % nsyms] + (uint64_t)(rand() % 200);
	size_t named = 0;
	t0 = now();
	for (size_t i = 0; i < frames; i++) {
		uint64_t off;
		named += ksyms_resolve(k, kf[i], &off) != NULL;
	}
	double t_k = now() - t0;
	printf("kallsyms load: %.1f ms (%zu symbols)\n", t_load * 1e3, ksyms_count(k));
	printf("kernel frames: %zu in %.1f ms = %.2f M frames/s (%zu named)\n", frames, t_k * 1e3,
	       (double)frames / t_k / 1e6, named);

	uint8_t id[20];
	uint64_t lo, hi;
	if (usyms_build_id(lib, id, sizeof(id)) != 20 || text_range(lib, &lo, &hi)) {
		fprintf(stderr, "%s: no build id or text segment\n", lib);
		return 1;
	}
	struct usyms *u = usyms_new();
	usyms_add_file(u, lib);
	struct usym s;
	t0 = now();
	usyms_by_build_id(u, id, 20, lo + 16, &s);	/* first use opens the Dwfl */
	double t_open = now() - t0;
	uint64_t *uf = malloc(frames * sizeof(*uf));
	for (size_t i = 0; i < frames; i++)
		uf[i] = lo + (uint64_t)rand() % (hi - lo);
	named = 0;
	t0 = now();
	for (size_t i = 0; i < frames; i++)
		named += usyms_by_build_id(u, id, 20, uf[i], &s) && s.name;
	double t_u = now() - t0;
	printf("user binary first open (libc, Dwfl + symbol table): %.1f ms\n", t_open * 1e3);
	printf("user frames (build id + offset, libc): %zu in %.1f ms = %.2f M frames/s (%zu named)\n",
	       frames, t_u * 1e3, (double)frames / t_u / 1e6, named);

	/* the last resort for an unknown build id: one scan of the system dirs */
	uint8_t other[20];
	memcpy(other, id, 20);
	other[0] ^= 0x5a;
	t0 = now();
	usyms_by_build_id(u, other, 20, 0, &s);
	double t_scan = now() - t0;
	struct usyms_stats st;
	usyms_get_stats(u, &st);
	printf("unknown build id: system directory scan %.1f ms (%u files indexed)\n", t_scan * 1e3,
	       st.files_indexed);
	usyms_free(u);
	free(kf);
	free(uf);
	free(syms);
	return 0;
}
