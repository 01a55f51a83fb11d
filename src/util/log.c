/* The runtime's logger. One global level so that deep helpers (tracefs, the
 * libbpf print callback) need no context passed down to report under -v. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int rt_verbose;

void rt_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (rt_verbose < level)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

double log_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
