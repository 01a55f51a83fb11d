/* Capabilities of this process (capget(2), no libcap: three bits of one
 * system call do not need a library). Read once; a process does not gain
 * capabilities while it runs. */
#include "kernel/caps.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t caps_effective;
static bool caps_read;

static uint64_t read_effective(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

bool caps_have(int cap)
{
	if (!caps_read) {
		caps_effective = read_effective();
		caps_read = true;
	}
	if ((cap == CAP_BPF || cap == CAP_PERFMON) && (caps_effective >> CAP_SYS_ADMIN & 1))
		return true;
	return cap >= 0 && cap < 64 && (caps_effective >> cap & 1);
}

const char *caps_missing_for_tracing(void)
{
	bool bpf = caps_have(CAP_BPF), perfmon = caps_have(CAP_PERFMON);

	if (bpf && perfmon)
		return NULL;
	if (!bpf && !perfmon)
		return "CAP_BPF and CAP_PERFMON";
	return bpf ? "CAP_PERFMON" : "CAP_BPF";
}

const char *caps_grant_hint(const char *cap_list)
{
	static char hint[PATH_MAX + 200];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		snprintf(exe, sizeof(exe), "bpfline");
	else
		exe[n] = '\0';
	snprintf(hint, sizeof(hint),
		 "run as root, or grant the capabilities to the binary: setcap %s+ep %s",
		 cap_list, exe);
	return hint;
}

const char *caps_denied_hint(const char *path)
{
	static char hint[PATH_MAX + 400];

	if (path && !strncmp(path, "/proc/", 6))
		snprintf(hint, sizeof(hint), "the files of another user's process need "
			 "CAP_SYS_PTRACE: %s", caps_grant_hint("cap_bpf,cap_perfmon,cap_sys_ptrace"));
	else
		snprintf(hint, sizeof(hint), "reading a file this user may not read needs "
			 "CAP_DAC_READ_SEARCH: %s",
			 caps_grant_hint("cap_bpf,cap_perfmon,cap_dac_read_search"));
	return hint;
}
