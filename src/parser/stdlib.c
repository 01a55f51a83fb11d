/* The standard library written in the language: helpers that bpftrace's
 * standard library defines as macros over other builtins and kernel types.
 * parse_program parses this text after the script, under the name below, so
 * errors inside it point into it; a script's macro of the same name and
 * parameters replaces one of these. Keep it small: it is parsed in every run
 * whose script names one of its macros. */
#include "parser/parse.h"

const char parse_stdlib_file[] = "stdlib/base.bt";

const char parse_stdlib_src[] =
	/* the parent process (task.real_parent) and the thread group leader
	 * (task.group_leader) of a task, or of the current one */
	"macro ppid() { ((struct task_struct *)curtask)->real_parent->tgid }\n"
	"macro ppid(task) { ((struct task_struct *)task)->real_parent->tgid }\n"
	"macro pcomm() { ((struct task_struct *)curtask)->real_parent->comm }\n"
	"macro pcomm(task) { ((struct task_struct *)task)->real_parent->comm }\n"
	"macro leader_tid() { ((struct task_struct *)curtask)->group_leader->pid }\n"
	"macro leader_tid(task) { ((struct task_struct *)task)->group_leader->pid }\n"
	"macro leader_comm() { ((struct task_struct *)curtask)->group_leader->comm }\n"
	"macro leader_comm(task) { ((struct task_struct *)task)->group_leader->comm }\n";
