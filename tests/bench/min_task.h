/* SPDX-License-Identifier: GPL-2.0 */
/*
 * min_task.h - the minimal task iterators of `make bench` (min_tasks,
 * min_threads): the tasks view's columns and values, computed the same way
 * (see bpf/tasks.bpf.c), printed in its table layout with one
 * bpf_seq_printf() per row.  No parameters, no formats, no name filter, no
 * escaping, no scratch storage: what someone would write for this one
 * table and pin with `bpftool iter pin`.  MIN_THREADS selects thread rows.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

extern int bpf_iter_task_new(struct bpf_iter_task *it, struct task_struct *task,
			     unsigned int flags) __ksym;
extern struct task_struct *bpf_iter_task_next(struct bpf_iter_task *it) __ksym;
extern void bpf_iter_task_destroy(struct bpf_iter_task *it) __ksym;

static __always_inline char state_letter(struct task_struct *t)
{
	unsigned int st = t->__state;
	unsigned int s = (st | t->exit_state) & 0x7f;

	if (st & (0x1000 | 0x8000))
		return 'D';
	if ((st & 0x402) == 0x402)
		return 'I';
	if (s & 0x40)
		return 'P';
	if (s & 0x20)
		return 'Z';
	if (s & 0x10)
		return 'X';
	if (s & 0x08)
		return 't';
	if (s & 0x04)
		return 'T';
	if (s & 0x02)
		return 'D';
	if (s & 0x01)
		return 'S';
	return 'R';
}

static __always_inline __u64 runtime(struct task_struct *t)
{
#ifdef MIN_THREADS
	return t->se.sum_exec_runtime;
#else
	__u64 ns = t->signal->sum_sched_runtime;
	struct bpf_iter_task it;
	struct task_struct *th;

	bpf_iter_task_new(&it, t, BPF_TASK_ITER_PROC_THREADS);
	while ((th = bpf_iter_task_next(&it)))
		ns += th->se.sum_exec_runtime;
	bpf_iter_task_destroy(&it);
	return ns;
#endif
}

static __always_inline __u64 rss_kib(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	__u64 pages = 0;
	s64 v;

	if (!mm)
		return 0;
	v = mm->rss_stat[MM_FILEPAGES].count;
	pages += v > 0 ? v : 0;
	v = mm->rss_stat[MM_ANONPAGES].count;
	pages += v > 0 ? v : 0;
	v = mm->rss_stat[MM_SHMEMPAGES].count;
	pages += v > 0 ? v : 0;
	return pages * 4;
}

static __always_inline int min_task_row(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	__u64 time, start;

	if (!t)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM\n");
#ifndef MIN_THREADS
	if (t->pid != t->tgid)
		return 0;
#endif
	time = runtime(t) / 10000000;
	start = t->start_boottime / 10000000;
	BPF_SEQ_PRINTF(seq, "%7d %7d %7d %6u %-5c %7d %10llu %7llu.%02llu %7llu.%02llu %s\n",
		       t->tgid, t->pid, t->thread_pid ? t->real_parent->tgid : 0,
		       t->cred->euid.val, state_letter(t), t->signal->nr_threads, rss_kib(t),
		       time / 100, time % 100, start / 100, start % 100, t->comm);
	return 0;
}
