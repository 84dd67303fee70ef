// SPDX-License-Identifier: GPL-2.0
/*
 * cmdlines - each process's command line and executable, like ps -o args,
 * /proc/PID/cmdline and readlink /proc/PID/exe.
 *
 * Parameters: format and comm (see view.h), the cgroup filter (task_ns.h).
 *
 * Columns:
 *   pid   process id (tgid), as the reader's pid namespace numbers it
 *   comm  the process's name
 *   exe   the executable's path, as readlink /proc/PID/exe shows it
 *         (" (deleted)" appended if it was unlinked); empty for kernel
 *         threads and processes without memory
 *   args  the bytes /proc/PID/cmdline gives: in table and csv the arguments
 *         joined by spaces, in json an array of strings, one per argument.
 *         A kernel thread shows its name in brackets ([kthreadd]), as ps
 *         does (a workqueue worker without the "-workqueue" suffix ps adds,
 *         which changes with each work item it runs).  Empty when the process has no command line, has exited
 *         (a zombie) or its memory cannot be read.  At most CMDLINE_MAX
 *         bytes: a longer command line shows its first CMDLINE_MAX - 3
 *         bytes and "...".
 *
 * The program is sleepable (iter.s): reading another process's memory may
 * fault pages in, which bpf_copy_from_user_task() does as /proc does.
 */
#define CMDLINE_MAX	4096	/* /proc's page for a setproctitle() title */
#define VIEW_STR_MAX	CMDLINE_MAX	/* and PATH_MAX for the exe */
#define VIEW_NUL_SPLITS	/* json: a NUL ends one argument's string */
#define VIEW_ROW
#include "view.h"
#include "task_ns.h"

VIEW_DOC("each process's command line and executable, like ps -o args",
	 "pid comm exe args");

#define PF_KTHREAD	0x00200000
#define KTHREAD_NAME_MAX	64	/* fs/proc/array.c: tcomm[64] */

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    PID COMM             EXE ARGS\n",
		    "pid,comm,exe,args\n",
		    "");
}

/*
 * The executable's path into b->str; returns its length.  The pointers are
 * loaded under bpf_rcu_read_lock(): outside it a sleepable program may not
 * hand what it reached through the task to bpf_d_path().
 */
static __always_inline __u32 load_exe(struct view_buf *b, struct task_struct *t)
{
	struct mm_struct *mm;
	struct file *exe;
	long len = 0;

	bpf_rcu_read_lock();
	mm = t->mm;
	exe = mm ? mm->exe_file : NULL;
	if (exe)
		len = bpf_d_path((struct path *)&exe->f_path, b->str, VIEW_STR_MAX);
	bpf_rcu_read_unlock();
	return len > 0 ? len - 1 : 0;
}

/* size bytes of t's memory at addr into b->str; false if they cannot be read. */
static __always_inline bool copy_args(struct view_buf *b, struct task_struct *t,
				      __u64 addr, __u64 size)
{
	barrier_var(size);
	if (size > CMDLINE_MAX)
		return false;
	return !bpf_copy_from_user_task(b->str, size, (void *)addr, t, 0);
}

/* Stops at the NUL (bpf_loop callback): bpf_loop() then returns the length
 * of the string in b->str, its NUL included, or the bytes it walked. */
static long nul_at(__u32 i, void *data)
{
	struct view_buf *b = *(struct view_buf **)data;

	if (i >= CMDLINE_MAX)
		return 1;
	return !b->str[i];
}

/*
 * What /proc/PID/cmdline gives (fs/proc/base.c, get_mm_cmdline), into
 * b->str; returns its length.  The arguments are the bytes from arg_start
 * to arg_end, unless the last of them is not a NUL: then the process wrote
 * a title over them (setproctitle()), which may run into the environment
 * if that follows, and /proc gives the title up to its NUL, from one page.
 */
static __always_inline __u32 load_args(struct view_buf *b, struct task_struct *t,
				       struct mm_struct *mm, bool *cut)
{
	__u64 start = mm->arg_start, end = mm->arg_end;
	__u64 env_start = mm->env_start, env_end = mm->env_end;
	__u64 size = end - start, limit = end;
	char last = 0;
	long nul;

	if (!env_end || start >= end)
		return 0;
	if (env_start == end && env_end >= env_start)
		limit = env_end;
	if (size > CMDLINE_MAX) {
		if (bpf_copy_from_user_task(&last, 1, (void *)(end - 1), t, 0))
			return 0;
		*cut = !last;
		size = CMDLINE_MAX;
	} else {
		if (!copy_args(b, t, start, size))
			return 0;
		last = b->str[(size - 1) & (CMDLINE_MAX - 1)];
		if (!last)
			return size;
	}
	if (last) {	/* a title: up to its NUL, within a page */
		size = limit - start;
		if (size > CMDLINE_MAX)
			size = CMDLINE_MAX;
	}
	if (!copy_args(b, t, start, size))
		return 0;
	if (!last)
		return size;
	nul = bpf_loop(size, nul_at, &b, 0);
	return nul > 0 ? nul : 0;
}

/* NUL bytes to spaces, 8 at a time (bpf_loop callback): table and csv. */
static long nul_to_space(__u32 i, void *data)
{
	struct view_buf *b = *(struct view_buf **)data;
	__u64 k = (__u64)i * 8, x, zero;

	barrier_var(k);
	if (k > CMDLINE_MAX - 8)
		return 1;
	x = *(__u64 *)&b->str[k];
	/* high bit of each byte that is 0 (exact, unlike VIEW_ANY_BELOW) */
	zero = ~(((x & ~VIEW_HIGHS) + ~VIEW_HIGHS) | x | ~VIEW_HIGHS);
	*(__u64 *)&b->str[k] = x | zero >> 2;	/* 0x80 >> 2: ' ' */
	return 0;
}

/* The args field: the command line in b->str[0..len), cut at CMDLINE_MAX. */
static __always_inline __u32 put_args(struct seq_file *seq, struct view_buf *b, __u32 n,
				      __u32 len, bool cut)
{
	if (cut) {
		b->str[CMDLINE_MAX - 3] = '.';
		b->str[CMDLINE_MAX - 2] = '.';
		b->str[CMDLINE_MAX - 1] = '.';
		len = CMDLINE_MAX;
	} else if (len && !b->str[(len - 1) & (CMDLINE_MAX - 1)]) {
		len--;	/* the last argument's NUL ends it, separates nothing */
	} else if (!len && format == VIEW_FORMAT_JSON) {
		return view_put_lit(b, n, "[]");
	}
	if (format != VIEW_FORMAT_JSON) {
		bpf_loop((len + 7) / 8, nul_to_space, &b, 0);
		return view_put_str(seq, b, n, len);
	}
	n = view_put_c(b, n, '[');
	n = view_put_str(seq, b, n, len);
	return view_put_c(b, n, ']');
}

/*
 * A kernel thread's args: its name in brackets, the full name it was created
 * with if the task's name is a cut of it (get_kthread_comm(), which ps
 * shows), up to the 63 bytes /proc gives.
 */
static __always_inline __u32 load_kthread(struct view_buf *b, struct task_struct *t,
					  const char *name)
{
	struct kthread *k = t->worker_private;
	const char *full = NULL;
	long len;

	if (k)
		bpf_probe_read_kernel(&full, sizeof(full), &k->full_name);
	b->str[0] = '[';
	len = bpf_probe_read_kernel_str(&b->str[1], KTHREAD_NAME_MAX, full ? full : name);
	if (len < 1)
		len = 1;
	b->str[len & (VIEW_STR_MAX - 1)] = ']';
	return len + 1;
}

static __always_inline void print_cmdline(struct seq_file *seq, struct view_buf *b,
					  struct task_struct *t, int pid, const char *name)
{
	struct mm_struct *mm = t->mm;
	bool kthread = t->flags & PF_KTHREAD, cut = false;
	__u32 n, len = 0;

	n = view_put_open(b, "{\"pid\":");
	n = view_put_s(b, n, pid, VIEW_W(7));
	n = view_put_key(b, n, ",\"comm\":");
	n = view_put_str_w(seq, b, n, view_load_comm(b, name), VIEW_COMM_LEN);
	n = view_put_key(b, n, ",\"exe\":");
	/* an empty exe: blank under EXE */
	n = view_put_str_w(seq, b, n, kthread ? 0 : load_exe(b, t), 3);
	n = view_put_key(b, n, ",\"args\":");
	if (kthread)
		len = load_kthread(b, t, name);
	else if (mm)
		len = load_args(b, t, mm, &cut);
	n = put_args(seq, b, n, len, cut);
	view_row_end(seq, b, n);
}

SEC("iter.s/task")
int cmdlines(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	char name[VIEW_COMM_LEN];
	struct task_ids ids;
	struct view_buf *b;

	view_keep_alive(ctx->meta, t);
	if (view_header_due(ctx->meta, t))
		print_header(seq);
	if (!t || t->pid != t->tgid)
		return 0;
	view_task_comm(t, name);
	if (!view_comm_match(name) || !task_shown(t, &ids))
		return 0;
	b = view_buf();
	if (!b)
		return VIEW_RETRY;
	print_cmdline(seq, b, t, ids.pid, name);
	return 0;
}
