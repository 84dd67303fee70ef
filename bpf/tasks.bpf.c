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
#include "view.h"

VIEW_DOC("processes (or threads with threads = yes), like ps",
	 "pid tid ppid uid state threads rss time start comm");

const volatile bool threads = false;

#define PAGE_KIB	4	/* 4 KiB pages (x86) */

extern int bpf_iter_task_new(struct bpf_iter_task *it, struct task_struct *task,
			     unsigned int flags) __ksym;
extern struct task_struct *bpf_iter_task_next(struct bpf_iter_task *it) __ksym;
extern void bpf_iter_task_destroy(struct bpf_iter_task *it) __ksym;

/* CPU time of a whole process: its exited threads plus the live ones. */
static __always_inline __u64 process_runtime(struct task_struct *leader)
{
	__u64 ns = leader->signal->sum_sched_runtime;
	struct bpf_iter_task it;
	struct task_struct *t;

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

static __always_inline __u64 rss_kib(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	if (!mm)
		return 0;
	return (mm_pages(mm, MM_FILEPAGES) + mm_pages(mm, MM_ANONPAGES) +
		mm_pages(mm, MM_SHMEMPAGES)) * PAGE_KIB;
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

static __always_inline void print_task(struct seq_file *seq, struct task_struct *t,
				       const char *name)
{
	int ppid = t->thread_pid ? t->real_parent->tgid : 0;
	__u64 time = ns_to_cs(threads ? t->se.sum_exec_runtime : process_runtime(t));
	__u64 start = ns_to_cs(t->start_boottime);

	VIEW_PRINTF(seq,
		    "%7d %7d %7d %6u %-5c %7d %10llu %7llu.%02llu %7llu.%02llu ",
		    "%d,%d,%d,%u,%c,%d,%llu,%llu.%02llu,%llu.%02llu,",
		    "{\"pid\":%d,\"tid\":%d,\"ppid\":%d,\"uid\":%u,\"state\":\"%c\",\"threads\":%d,"
		    "\"rss\":%llu,\"time\":%llu.%02llu,\"start\":%llu.%02llu,\"comm\":",
		    t->tgid, t->pid, ppid, t->cred->euid.val, view_task_state(t),
		    t->signal->nr_threads, rss_kib(t),
		    time / 100, time % 100, start / 100, start % 100);
	view_kstr(seq, view_buf(), name);
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
}

SEC("iter/task")
int tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	char name[VIEW_COMM_LEN];

	if (view_header_due(ctx->meta, t))
		print_header(seq);
	if (!t || (!threads && t->pid != t->tgid))
		return 0;
	view_task_comm(t, name);
	if (view_comm_match(name))
		print_task(seq, t, name);
	return 0;
}
