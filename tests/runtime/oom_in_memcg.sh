#!/bin/bash
# Make the kernel's OOM killer kill a process, safely: in a memory cgroup of
# its own with a 32 MB limit (cgroup v2, or v1's memory hierarchy), a perl
# process allocates 256 MB and is killed; nothing outside the cgroup is
# touched. Used by the oomkill tool's runtime case.
#   oom_in_memcg.sh    exit 0 when the allocating process was killed
set -u
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	root=/sys/fs/cgroup limit=memory.max
	grep -qw memory $root/cgroup.subtree_control ||
		echo +memory >$root/cgroup.subtree_control
else
	root=/sys/fs/cgroup/memory limit=memory.limit_in_bytes
fi
cg=$root/bpfl-oom.$$
mkdir "$cg" || exit 1
trap 'rmdir "$cg" 2>/dev/null' EXIT
echo 32M >"$cg/$limit"
{ echo 0 >"$cg/memory.swap.max"; } 2>/dev/null	# v2: no swap either
# The subshell joins the cgroup, then becomes the allocating perl.
(echo "$BASHPID" >"$cg/cgroup.procs" && exec perl -e '$x = "x" x (256 << 20); sleep 1')
rc=$?
[ "$rc" = 137 ]	# SIGKILL from the OOM killer
