/* Target of the cdecl.cases uprobes: functions that take pointers to structs
 * with arrays, nested structs and pointers, so scripts can describe them with
 * their own C definitions. */
#include <stdint.h>
#include <stdio.h>

struct inner {
	int16_t tag;
	int32_t vals[3];
};

struct outer {
	char name[8];
	struct inner in[2];
	int32_t grid[2][2];
	int32_t *ptr;
	uint8_t flag;
	int64_t last;
};

__attribute__((noinline)) int bpfl_outer(struct outer *o, struct outer *other)
{
	__asm__ volatile("" : : "r"(o), "r"(other) : "memory");
	return o->flag;
}

int main(void)
{
	static int32_t target = 77;
	struct outer a = {
		.name = "alpha", .in = {{.tag = -3, .vals = {1, 2, 3}}, {.tag = 9, .vals = {4, 5, 6}}},
		.grid = {{10, 11}, {12, 13}}, .ptr = &target, .flag = 1, .last = -5,
	};
	struct outer b = a;
	b.in[1].vals[2] = 60;
	bpfl_outer(&a, &a);
	bpfl_outer(&a, &b);
	printf("%d\n", a.flag);
	return 0;
}
