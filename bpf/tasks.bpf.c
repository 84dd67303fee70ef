// SPDX-License-Identifier: GPL-2.0
/*
 * tasks - processes (or threads), like ps.
 *
 * Parameters (besides format and comm, see view.h):
 *   threads  bool  false: one row per process (its thread-group leader);
 *                  true: one row per thread
 *
 * Columns:
 *   pid      process id (tgid), in the initial pid namespace
 *   tid      thread id (equals pid for a process row)
 *   ppid     pid of the parent process (real_parent), 0 for none
 *   uid      effective uid
 *   state    one letter as in /proc/PID/stat: R S D T t X Z P I
 *   threads  threads in the process
 *   rss      resident memory in KiB (file + anon + shmem pages, the counter
 *            /proc/PID/stat reads); 0 for kernel threads
 *   time     CPU time (user + system) in seconds, 2 decimals: the
 *            scheduler's runtime, which ps TIME also sums to.  Per thread
 *            in thread rows; in process rows the whole process, exited
 *            threads included
 *   start    start time in seconds since boot, 2 decimals
 *   comm     the task's name
 *
 * Needs kernel 6.7 or later (open-coded task iterator for process CPU time).
 */
#define VIEW_ROW
#include "view.h"

VIEW_DOC("processes (or threads with threads = yes), like ps",
	 "pid tid ppid uid state threads rss time start comm");

const volatile bool threads = false;

#define PAGE_KIB	4	/* 4 KiB pages (x86) */

extern int bpf_iter_task_new(struct bpf_iter_task *it, struct task_struct *task,
			     unsigned int flags) __ksym;
extern struct task_struct *bpf_iter_task_next(struct bpf_iter_task *it) __ksym;
extern void bpf_iter_task_destroy(struct bpf_iter_task *it) __ksym;

/*
 * CPU time of a whole process: its exited threads (dead) plus the live ones;
 * own is the leader's.  One live thread is the leader itself (a thread stays
 * on the list, and counted, until it is released, which a leader is last).
 */
static __always_inline __u64 process_runtime(struct task_struct *leader, __u64 dead,
					     __u64 own, int nthr)
{
	__u64 ns = dead;
	struct bpf_iter_task it;
	struct task_struct *t;

	if (nthr == 1)
		return ns + own;
	bpf_iter_task_new(&it, leader, BPF_TASK_ITER_PROC_THREADS);
	while ((t = bpf_iter_task_next(&it)))
		ns += t->se.sum_exec_runtime;
	bpf_iter_task_destroy(&it);
	return ns;
}

static __always_inline __u64 mm_pages(struct mm_struct *mm, int member)
{
	s64 v = mm->rss_stat[member].count;

	return v > 0 ? v : 0;
}

static __always_inline __u64 rss_kib(struct mm_struct *mm)
{
	if (!mm)
		return 0;
	return (mm_pages(mm, MM_FILEPAGES) + mm_pages(mm, MM_ANONPAGES) +
		mm_pages(mm, MM_SHMEMPAGES)) * PAGE_KIB;
}

/*
 * The task's name: two 8-byte loads through the task pointer, not
 * view_task_comm()'s helper call (as the stacks view does); the last byte is
 * forced to NUL in case a rename tears it.
 */
static __always_inline void comm_copy(struct task_struct *t, char *name)
{
	*(__u64 *)&name[0] = *(__u64 *)&t->comm[0];
	*(__u64 *)&name[8] = *(__u64 *)&t->comm[8];
	name[VIEW_COMM_LEN - 1] = 0;
}

/* Centiseconds, printed as "%llu.%02llu" of cs / 100 and cs % 100. */
static __always_inline __u64 ns_to_cs(__u64 ns)
{
	return ns / 10000000;
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM\n",
		    "pid,tid,ppid,uid,state,threads,rss,time,start,comm\n",
		    "");
}

/* The row through the printf machinery: only without a scratch buffer. */
static __always_inline void print_task_slow(struct seq_file *seq, int tgid, int pid,
					    int ppid, __u32 uid, char st, int nthr,
					    __u64 rss, __u64 time, __u64 start)
{
	VIEW_PRINTF(seq,
		    "%7d %7d %7d %6u %-5c %7d %10llu %7llu.%02llu %7llu.%02llu \n",
		    "%d,%d,%d,%u,%c,%d,%llu,%llu.%02llu,%llu.%02llu,\n",
		    "{\"pid\":%d,\"tid\":%d,\"ppid\":%d,\"uid\":%u,\"state\":\"%c\",\"threads\":%d,"
		    "\"rss\":%llu,\"time\":%llu.%02llu,\"start\":%llu.%02llu,\"comm\":\"\"}\n",
		    tgid, pid, ppid, uid, st, nthr, rss,
		    time / 100, time % 100, start / 100, start % 100);
}

static __always_inline void print_task(struct seq_file *seq, struct task_struct *t,
				       const char *name)
{
	/* Pointers first, then what they point to, the thread walk last: the
	 * fields are in a dozen cache lines, which a large read mostly misses. */
	struct task_struct *parent = t->real_parent;
	struct pid *tpid = t->thread_pid;
	const struct cred *cred = t->cred;
	struct signal_struct *sig = t->signal;
	struct mm_struct *mm = t->mm;
	__u64 boot = t->start_boottime, own = t->se.sum_exec_runtime;
	int tgid = t->tgid, pid = t->pid;
	char st = view_task_state(t);
	int ptgid = parent->tgid;
	__u32 uid = cred->euid.val;
	int nthr = sig->nr_threads;
	__u64 dead = threads ? 0 : sig->sum_sched_runtime;	/* another line */
	__u64 rss = rss_kib(mm);
	int ppid = tpid ? ptgid : 0;
	__u64 time = ns_to_cs(threads ? own : process_runtime(t, dead, own, nthr));
	__u64 start = ns_to_cs(boot);
	struct view_buf *b = view_buf();
	__u32 n = 0;

	if (!b) {
		print_task_slow(seq, tgid, pid, ppid, uid, st, nthr, rss, time, start);
		return;
	}
	n = view_put_open(b, "{\"pid\":");
	n = view_put_s(b, n, tgid, VIEW_W(7));
	n = view_put_key(b, n, ",\"tid\":");
	n = view_put_s(b, n, pid, VIEW_W(7));
	n = view_put_key(b, n, ",\"ppid\":");
	n = view_put_s(b, n, ppid, VIEW_W(7));
	n = view_put_key(b, n, ",\"uid\":");
	n = view_put_u(b, n, uid, VIEW_W(6));
	n = view_put_key(b, n, ",\"state\":\"");
	n = view_put_c(b, n, st);
	if (format == VIEW_FORMAT_JSON)
		n = view_put_c(b, n, '"');
	else if (format == VIEW_FORMAT_TABLE)
		n = view_put_lit(b, n, "    ");		/* under STATE */
	n = view_put_key(b, n, ",\"threads\":");
	n = view_put_s(b, n, nthr, VIEW_W(7));
	n = view_put_key(b, n, ",\"rss\":");
	n = view_put_u(b, n, rss, VIEW_W(10));
	n = view_put_key(b, n, ",\"time\":");
	n = view_put_cs(b, n, time, VIEW_W(7));
	n = view_put_key(b, n, ",\"start\":");
	n = view_put_cs(b, n, start, VIEW_W(7));
	n = view_put_key(b, n, ",\"comm\":");
	n = view_put_str(seq, b, n, view_load(b, name));
	view_row_end(seq, b, n);
}

SEC("iter/task")
int tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	char name[VIEW_COMM_LEN];

	view_keep_alive(ctx->meta, t);
	if (view_header_due(ctx->meta, t))
		print_header(seq);
	if (!t || (!threads && t->pid != t->tgid))
		return 0;
	comm_copy(t, name);
	if (view_comm_match(name))
		print_task(seq, t, name);
	return 0;
}
