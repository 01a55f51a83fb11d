/* The fuzz harnesses' kernel: a few of the kernel's types and functions, compiled
 * with `clang-19 -target bpf -g` into an object whose .BTF section the harnesses
 * load as vmlinux's BTF (BPFL_BTF). Fixed answers, so a harness reads no kernel
 * BTF and a crash reproduces on any machine. Layouts are simplified: what matters
 * is that fields, pointers, arrays, unions, enums and function prototypes exist
 * for sema and codegen to walk. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long loff_t;
typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned int gfp_t;
typedef int pid_t;
typedef _Bool bool;

enum sock_state { TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_CLOSE = 7 };
enum irqreturn { IRQ_NONE, IRQ_HANDLED, IRQ_WAKE_THREAD };

struct qstr { union { struct { u32 hash; u32 len; }; u64 hash_len; }; const unsigned char *name; };
struct super_block { unsigned long s_magic; char s_id[32]; };
struct inode { unsigned short i_mode; unsigned long i_ino; loff_t i_size; struct super_block *i_sb; };
struct dentry { unsigned int d_flags; struct dentry *d_parent; struct qstr d_name;
		struct inode *d_inode; unsigned char d_iname[40]; };
struct vfsmount { struct dentry *mnt_root; struct super_block *mnt_sb; int mnt_flags; };
struct path { struct vfsmount *mnt; struct dentry *dentry; };
struct file { struct path f_path; struct inode *f_inode; unsigned int f_flags; loff_t f_pos; };
struct kiocb { struct file *ki_filp; loff_t ki_pos; int ki_flags; };
struct iov_iter { u8 iter_type; size_t count; };
struct filename { const char *name; int refcnt; };
struct open_how { u64 flags; u64 mode; u64 resolve; };
struct cred { u32 uid; u32 gid; u32 euid; };
struct mm_struct { unsigned long start_code, end_code, start_stack, arg_start, arg_end; u64 total_vm; };
struct pid_namespace { unsigned int level; };
struct nsproxy { struct pid_namespace *pid_ns_for_children; };
struct thread_info { unsigned long flags; u32 cpu; };
struct css_set { int nr_tasks; };
struct task_struct {
	struct thread_info thread_info;
	unsigned int __state;
	int prio, static_prio;
	struct mm_struct *mm;
	int exit_code;
	pid_t pid, tgid;
	struct task_struct *real_parent, *parent, *group_leader;
	u64 utime, stime, start_time;
	const struct cred *real_cred, *cred;
	char comm[16];
	struct nsproxy *nsproxy;
	struct css_set *cgroups;
	struct file **files;
};
struct in6_addr { union { u8 u6_addr8[16]; u32 u6_addr32[4]; } in6_u; };
struct sock_common { union { u64 skc_addrpair; struct { u32 skc_daddr; u32 skc_rcv_saddr; }; };
		     union { u32 skc_portpair; struct { u16 skc_dport; u16 skc_num; }; };
		     unsigned short skc_family; volatile unsigned char skc_state;
		     struct in6_addr skc_v6_daddr, skc_v6_rcv_saddr; };
struct sock { struct sock_common __sk_common; int sk_rcvbuf; int sk_sndbuf; u32 sk_mark; };
struct sk_buff { struct sk_buff *next, *prev; struct sock *sk; unsigned int len, data_len;
		 u16 protocol; unsigned char *head, *data; };
struct msghdr { void *msg_name; int msg_namelen; unsigned int msg_flags; };
struct request_queue { unsigned long queue_flags; };
struct gendisk { int major; int first_minor; char disk_name[32]; };
struct block_device { u32 bd_dev; struct gendisk *bd_disk; };
struct bio { struct bio *bi_next; struct block_device *bi_bdev; unsigned int bi_opf; };
struct request { struct request_queue *q; unsigned int cmd_flags; u64 __sector;
		 unsigned int __data_len; struct bio *bio; struct gendisk *rq_disk; };
struct timer_list { unsigned long expires; void (*function)(struct timer_list *); u32 flags; };
struct hrtimer_sleeper { struct task_struct *task; };
struct timespec64 { long long tv_sec; long tv_nsec; };
struct irqaction { enum irqreturn (*handler)(int, void *); void *dev_id; const char *name; };
struct rq { unsigned int nr_running; u64 clock; struct task_struct *curr; };
struct linux_binprm { struct file *file; const char *filename; int argc, envc; };
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx,
		 si, di, orig_ax, ip, cs, flags, sp, ss; };
struct bpf_iter_meta { void *seq; u64 session_id; u64 seq_num; };
struct bpf_iter__task { struct bpf_iter_meta *meta; struct task_struct *task; };
struct seq_file { char *buf; size_t size; };

/* Kernel functions: fentry/kprobe arguments come from these prototypes. */
#define K __attribute__((noinline, used))
K ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos) { return (ssize_t)count; }
K ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos) { return (ssize_t)count; }
K int vfs_open(const struct path *path, struct file *file) { return 0; }
K ssize_t ksys_read(unsigned int fd, char *buf, size_t count) { return 0; }
K ssize_t ksys_write(unsigned int fd, const char *buf, size_t count) { return 0; }
K long do_sys_openat2(int dfd, const char *filename, struct open_how *how) { return 0; }
K int security_file_open(struct file *file) { return 0; }
K int do_nanosleep(struct hrtimer_sleeper *t, int mode) { return 0; }
K long hrtimer_nanosleep(long long rqtp, int mode, int clockid) { return 0; }
K int tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size) { return 0; }
K int tcp_connect(struct sock *sk) { return 0; }
K void tcp_set_state(struct sock *sk, int state) { }
K void inet_sock_set_state(struct sock *sk, int oldstate, int newstate) { }
K struct sock *inet_csk_accept(struct sock *sk, int flags, int *err, bool kern) { return sk; }
K void blk_account_io_start(struct request *req) { }
K void blk_account_io_done(struct request *req, u64 now) { }
K void submit_bio(struct bio *bio) { }
K int wake_up_new_task(struct task_struct *p) { return 0; }
K void __module_get(void *module) { }
K int nf_tables_newtable(void *net, void *skb) { return 0; }
K void consume_skb(struct sk_buff *skb) { }
K int bprm_execve(struct linux_binprm *bprm, int fd, struct filename *filename, int flags) { return 0; }
K void *kmem_cache_alloc(void *s, gfp_t flags) { return s; }
K void kfree(const void *p) { }
K int bpf_fentry_test1(int a) { return a + 1; }
K long __x64_sys_bpf(const struct pt_regs *regs) { return 0; }
K int __sys_bpf(int cmd, void *uattr, unsigned int size) { return 0; }
K void schedule(void) { }
K int bpf_iter_task(struct bpf_iter__task *ctx) { return 0; }

/* Raw tracepoints (tp_btf, rawtracepoint): their argument lists. */
typedef void (*btf_trace_sched_switch)(void *, bool, struct task_struct *, struct task_struct *,
				       unsigned int);
typedef void (*btf_trace_sched_wakeup)(void *, struct task_struct *);
typedef void (*btf_trace_sched_process_exec)(void *, struct task_struct *, pid_t,
					     struct linux_binprm *);
typedef void (*btf_trace_sys_enter)(void *, struct pt_regs *, long);
typedef void (*btf_trace_sys_exit)(void *, struct pt_regs *, long);
typedef void (*btf_trace_irq_handler_entry)(void *, int, struct irqaction *);
typedef void (*btf_trace_irq_handler_exit)(void *, int, struct irqaction *, int);
typedef void (*btf_trace_consume_skb)(void *, struct sk_buff *, void *);
typedef void (*btf_trace_block_rq_complete)(void *, struct request *, int, unsigned int);
typedef void (*btf_trace_tcp_probe)(void *, struct sock *, struct sk_buff *);

/* Global variables keep the types above in the BTF, and give kaddr()/ksym a few. */
btf_trace_sched_switch __bt_sched_switch;
btf_trace_sched_wakeup __bt_sched_wakeup;
btf_trace_sched_process_exec __bt_sched_process_exec;
btf_trace_sys_enter __bt_sys_enter;
btf_trace_sys_exit __bt_sys_exit;
btf_trace_irq_handler_entry __bt_irq_handler_entry;
btf_trace_irq_handler_exit __bt_irq_handler_exit;
btf_trace_consume_skb __bt_consume_skb;
btf_trace_block_rq_complete __bt_block_rq_complete;
btf_trace_tcp_probe __bt_tcp_probe;
enum sock_state __sock_state;
struct rq runqueues;
struct timer_list __timer;
struct seq_file __seq;
struct timespec64 __ts;
u8 __u8; u16 __u16; s32 __s32;
int jiffies;
