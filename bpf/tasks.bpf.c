// SPDX-License-Identifier: GPL-2.0
/*
 * tasks - processes (or threads), like ps.
 *
 * Parameters (besides format and comm, see view.h):
 *   threads  bool  false: one row per process (its thread-group leader);
 *                  true: one row per thread
 *
 * Columns:
 *   pid      process id (tgid)
 *   tid      thread id (equals pid for a process row)
 *   ppid     pid of the parent process (real_parent), 0 for none
 *   (the ids as the reader's pid namespace numbers them, see task_ns.h:
 *   a parent outside it is 0)
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
#define VIEW_FACT_PAGE_SHIFT
#include "view.h"
#include "task_ns.h"

VIEW_DOC("processes (or threads with threads = yes), like ps",
	 "pid tid ppid uid state threads rss time start comm");

const volatile bool threads = false;

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
		mm_pages(mm, MM_SHMEMPAGES)) << (fact_page_shift - 10);
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

/* The row; VIEW_RETRY without the scratch. */
static __always_inline int print_task(struct seq_file *seq, struct task_struct *t,
				      const struct task_ids *ids, const char *name)
{
	/* Pointers first, then what they point to, the thread walk last: the
	 * fields are in a dozen cache lines, which a large read mostly misses. */
	const struct cred *cred = t->cred;
	struct signal_struct *sig = t->signal;
	struct mm_struct *mm = t->mm;
	__u64 boot = t->start_boottime, own = t->se.sum_exec_runtime;
	char st = view_task_state(t);
	__u32 uid = cred->euid.val;
	int nthr = sig->nr_threads;
	__u64 dead = threads ? 0 : sig->sum_sched_runtime;	/* another line */
	__u64 rss = rss_kib(mm);
	__u64 time = ns_to_cs(threads ? own : process_runtime(t, dead, own, nthr));
	__u64 start = ns_to_cs(boot);
	struct view_buf *b = view_buf();
	__u32 n;

	if (!b)
		return VIEW_RETRY;
	n = view_put_open(b, "{\"pid\":");
	n = view_put_s(b, n, ids->pid, VIEW_W(7));
	n = view_put_key(b, n, ",\"tid\":");
	n = view_put_s(b, n, ids->tid, VIEW_W(7));
	n = view_put_key(b, n, ",\"ppid\":");
	n = view_put_s(b, n, ids->ppid, VIEW_W(7));
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
	return 0;
}

SEC("iter/task")
int tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	char name[VIEW_COMM_LEN];
	struct task_ids ids;

	view_keep_alive(ctx->meta, t);
	if (view_header_due(ctx->meta, t))
		print_header(seq);
	if (!t || (!threads && t->pid != t->tgid))
		return 0;
	view_task_comm(t, name);
	if (!view_comm_match(name) || !task_shown(t, &ids))
		return 0;
	return print_task(seq, t, &ids, name);
}
