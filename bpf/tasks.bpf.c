// SPDX-License-Identifier: GPL-2.0
/*
 * tasks - processes (or threads), like ps.
 *
 * Parameters (besides format and comm, see view.h):
 *   threads  bool  false: one row per process (its thread-group leader);
 *                  true: one row per thread
 *   cgroup_column  bool  false: add the cgroup column
 * and readers and the cgroup filter (task_ns.h).
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
 *   comm     the task's name (padded to 15 in the table when a cgroup
 *            column follows)
 *   cgroup   with cgroup_column = yes: the task's cgroup v2 path, as
 *            /proc/PID/cgroup shows it on its "0::" line: from the root of
 *            the reader's cgroup namespace ("/" for that root); a cgroup
 *            outside it is shown from the hierarchy's root
 *
 * Needs kernel 6.7 or later (open-coded task iterator for process CPU time).
 */
#define VIEW_ROW
#define VIEW_FACT_PAGE_SHIFT
#define VIEW_STR_MAX	4096	/* a cgroup path, PATH_MAX */
#define CGROUP_DEPTH	32	/* levels of a cgroup path shown */
#define CGROUP_NAME	256	/* NAME_MAX and a NUL */
#define VIEW_BUF_EXTRA	struct cgroup *cgroups[CGROUP_DEPTH];	/* a path, leaf first */
#include "view.h"

/* the view's own parameters, listed before those of task_ns.h */
const volatile bool threads = false;
const volatile bool cgroup_column = false;

#include "task_ns.h"
#include "prom.h"
#include "walk.h"

VIEW_DOC("processes (or threads with threads = yes), like ps",
	 "pid tid ppid uid state threads rss time start comm [cgroup]");

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
	if (cgroup_column)
		VIEW_PRINTF(seq,
			    "    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM            CGROUP\n",
			    "pid,tid,ppid,uid,state,threads,rss,time,start,comm,cgroup\n",
			    "");
	else
		VIEW_PRINTF(seq,
			    "    PID     TID    PPID    UID STATE THREADS        RSS       TIME      START COMM\n",
			    "pid,tid,ppid,uid,state,threads,rss,time,start,comm\n",
			    "");
}

/* The parent of a cgroup (cgroup_parent()): its self css is its first member. */
static __always_inline struct cgroup *cgroup_up(struct cgroup *c)
{
	return (struct cgroup *)BPF_CORE_READ(c, self.parent);
}

/*
 * t's cgroup v2 path into b->str, as /proc/PID/cgroup shows it to the
 * reader (cgroup_path_ns()): the cgroups from below the root of the reader's
 * cgroup namespace (or of the hierarchy) down to t's, CGROUP_DEPTH at most
 * (the deepest ones).  Returns its length.
 */
static __always_inline __u32 load_cgroup(struct view_buf *b, struct task_struct *t)
{
	struct task_struct *me = bpf_get_current_task_btf();
	struct cgroup *c = t->cgroups->dfl_cgrp, *top;
	__u32 depth = 0, n = 0;

	top = BPF_CORE_READ(me, nsproxy, cgroup_ns, root_cset, dfl_cgrp);
	for (int i = 0; i < CGROUP_DEPTH; i++) {
		struct cgroup *up = c ? cgroup_up(c) : NULL;

		if (!up || c == top)
			break;
		b->cgroups[i] = c;
		depth++;
		c = up;
	}
	for (int i = CGROUP_DEPTH - 1; i >= 0; i--) {
		__u64 off = n;
		struct cgroup *cg;
		const char *name;
		long len;

		barrier_var(off);	/* bound the register that indexes */
		if (i >= depth || off > VIEW_STR_MAX - CGROUP_NAME - 1)
			continue;
		cg = b->cgroups[i];
		name = BPF_CORE_READ(cg, kn, name);
		b->str[off] = '/';
		len = bpf_probe_read_kernel_str(&b->str[off + 1], CGROUP_NAME, name);
		n = off + 1 + (len > 1 ? len - 1 : 0);
	}
	if (!n)
		b->str[n++] = '/';
	return n;
}

/* The comm column, then the cgroup column if asked for. */
static __always_inline __u32 put_names(struct seq_file *seq, struct view_buf *b, __u32 n,
				       struct task_struct *t, const char *name)
{
	__u32 start = n;

	n = view_put_str(seq, b, n, view_load_comm(b, name));
	if (!cgroup_column)
		return n;
	if (format == VIEW_FORMAT_TABLE)	/* n < start: staging was written out */
		n = view_put_fill(b, n, n >= start ? n - start : VIEW_COMM_LEN - 1, VIEW_COMM_LEN - 1);
	n = view_put_key(b, n, ",\"cgroup\":");
	return view_put_str(seq, b, n, load_cgroup(b, t));
}

/* The row, staged in b and closed (view_row_close()); returns its length.
 * A long cgroup path may be written out before the rest (view_put_str()). */
static __always_inline __u32 build_task(struct seq_file *seq, struct view_buf *b,
					struct task_struct *t, const struct task_ids *ids,
					const char *name)
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
	__u32 n;

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
	n = put_names(seq, b, n, t, name);
	return view_row_close(b, n);
}

/* The row; VIEW_RETRY without the scratch. */
static __always_inline int print_task(struct seq_file *seq, struct task_struct *t,
				      const struct task_ids *ids, const char *name)
{
	struct view_buf *b = view_buf();

	if (!b)
		return VIEW_RETRY;
	view_row_write(seq, b, build_task(seq, b, t, ids, name));
	return 0;
}

/*
 * format = prometheus: processes, threads, resident memory and CPU time per
 * task name (per process: the leader's name, whatever threads says), and
 * tasks (threads) per state.  A kernel thread counts under its name up to
 * the first '/' (kworker/3:1H-kblockd counts as kworker), so per-CPU and
 * per-IRQ threads make a few series, not a few per CPU.
 */
VIEW_METRICS("bpfviews_processes{comm} bpfviews_threads{comm} "
	     "bpfviews_resident_memory_bytes{comm} bpfviews_cpu_seconds_total{comm} "
	     "bpfviews_tasks{state}");

#define PROM_KIND_COMM		1
#define PROM_KIND_STATE		2
#define VIEW_PF_KTHREAD		0x00200000
/* The four lines of a name at their longest, less the name: the metric
 * names, the label and the numbers (20 digits; seconds 20 + 10) */
#define PROM_COMM_COST		(4 * 24 + 54 + 80)
#define PROM_STATE_COST		48

/* The name a process counts under, NUL-padded; returns its length. */
static __always_inline __u32 prom_comm(struct task_struct *t, char *name)
{
	bool kthread = t->flags & VIEW_PF_KTHREAD, end = false;
	__u32 len = 0;

	for (int i = 0; i < VIEW_COMM_LEN; i++) {
		if (!name[i] || (kthread && name[i] == '/'))
			end = true;
		if (end)
			name[i] = 0;
		else
			len++;
	}
	return len;
}

static __always_inline void prom_count_process(struct bpf_iter_meta *meta,
					       struct task_struct *t, char *name)
{
	struct signal_struct *sig = t->signal;
	int nthr = sig->nr_threads;
	__u64 dead = sig->sum_sched_runtime, own = t->se.sum_exec_runtime;
	__u64 rss = rss_kib(t->mm) << 10;
	__u32 len = prom_comm(t, name);
	struct prom_val *v;

	v = prom_group(meta, PROM_KIND_COMM, name,
		       PROM_COMM_COST + 4 * prom_label_cost(name, len));
	if (!v)
		return;
	v->v[0]++;
	v->v[1] += nthr;
	v->v[2] += rss;
	v->v[3] += process_runtime(t, dead, own, nthr);
}

static __always_inline void prom_print(struct bpf_iter_meta *meta)
{
	struct view_buf *b = view_buf();
	__u64 s = meta->session_id;
	struct seq_file *seq = meta->seq;

	if (b) {
		prom_family(seq, b, s, "processes", "Processes by name.", "gauge",
			    "comm", PROM_KIND_COMM, 0, 0);
		prom_family(seq, b, s, "threads", "Threads of the processes, by name.",
			    "gauge", "comm", PROM_KIND_COMM, 1, 0);
		prom_family(seq, b, s, "resident_memory_bytes",
			    "Resident memory of the processes, by name.", "gauge",
			    "comm", PROM_KIND_COMM, 2, 0);
		prom_family(seq, b, s, "cpu_seconds_total",
			    "CPU time, user and system, of the live processes, by name.",
			    "counter", "comm", PROM_KIND_COMM, 3, PROM_SECONDS);
		prom_family(seq, b, s, "tasks", "Tasks (threads) by state, as in /proc/PID/stat.",
			    "gauge", "state", PROM_KIND_STATE, 0, 0);
	}
	prom_end(s);
}

/* Count t (every thread: its state; a process: its name's group), or print
 * the series at the final call. */
static __always_inline int prom_task(struct bpf_iter_meta *meta, struct task_struct *t)
{
	char name[VIEW_COMM_LEN], state[PROM_LABEL] = {};
	struct task_ids ids;
	struct prom_val *v;

	if (!t) {
		prom_print(meta);
		return 0;
	}
	view_task_comm(t, name);
	if (!view_comm_match(name) || !task_shown(t, &ids))
		return 0;
	state[0] = view_task_state(t);
	v = prom_group(meta, PROM_KIND_STATE, state, PROM_STATE_COST);
	if (v)
		v->v[0]++;
	if (t->pid == t->tgid)
		prom_count_process(meta, t, name);
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
	if (format == VIEW_FORMAT_PROMETHEUS)
		return prom_task(ctx->meta, t);
	if (view_header_due(ctx->meta, t))
		print_header(seq);
	if (!t || (!threads && t->pid != t->tgid))
		return 0;
	view_task_comm(t, name);
	if (!view_comm_match(name) || !task_shown(t, &ids))
		return 0;
	return print_task(seq, t, &ids, name);
}

/*
 * The cgroup walk: with the cgroup filter, the loader (src/loader.c) links
 * tasks_in_cgroup in place of tasks when the kernel has the css iterators
 * (6.7): it walks the filter's cgroup and its descendants (pre-order) and
 * each one's processes (or threads), as cgroup.procs and cgroup.threads list
 * them, instead of every task of the machine.  The rows are those of tasks,
 * cgroup by cgroup.
 *
 * The walk is one in chunks (walk.h): each call prints the rows that fit,
 * from where the last call of the read session stopped, whose place (the
 * tasks walked) is kept by session in cgroup_walk_cursors.
 *
 * A task that leaves or joins a walked cgroup between two reads of one
 * session may shift the place by one: a row shown twice or not at all, as
 * with any listing of a changing set read in parts (cgroup.procs too).
 */
/* the most a row may take: its fixed part, and a cgroup path escaped */
#define TASKS_ROW_MAX_ANY	(VIEW_OUT_MAX + 6 * VIEW_STR_MAX)
#define TASKS_ROW_MAX		(cgroup_column ? TASKS_ROW_MAX_ANY : VIEW_OUT_MAX)

struct tasks_cursor {
	__u64 walked;	/* tasks the session's calls have walked */
	__u64 done;	/* the walk is complete */
};

WALK_CURSORS(cgroup_walk_cursors, tasks_cursor);

extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym __weak;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym __weak;
extern int bpf_iter_css_new(struct bpf_iter_css *it, struct cgroup_subsys_state *start,
			    unsigned int flags) __ksym __weak;
extern struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it) __ksym __weak;
extern void bpf_iter_css_destroy(struct bpf_iter_css *it) __ksym __weak;
extern int bpf_iter_css_task_new(struct bpf_iter_css_task *it, struct cgroup_subsys_state *css,
				 unsigned int flags) __ksym __weak;
extern struct task_struct *bpf_iter_css_task_next(struct bpf_iter_css_task *it) __ksym __weak;
extern void bpf_iter_css_task_destroy(struct bpf_iter_css_task *it) __ksym __weak;

/* What one call did of the walk. */
struct tasks_walk {
	__u64 skip;	/* tasks walked by the calls before */
	__u64 walked;	/* tasks this call walked */
	bool full;	/* stopped: the next row might not fit */
	bool overflowed;	/* a write did not fit after all */
};

/*
 * One task of the walk: its row if it is shown and fits.  A global function,
 * which the verifier checks once: inlined, the two loops around it made the
 * walk too complex to verify.
 */
__noinline int walk_task(struct seq_file *seq __arg_trusted, struct task_struct *t __arg_trusted,
			 struct tasks_walk *w)
{
	char name[VIEW_COMM_LEN];
	struct task_ids ids;
	struct view_buf *b;

	if (!w || !t || !seq)
		return 0;
	if (walk_room(seq) < TASKS_ROW_MAX) {
		w->full = true;
		return 0;
	}
	view_task_comm(t, name);
	if (!view_comm_match(name) || !task_shown(t, &ids)) {
		w->walked++;
		return 0;
	}
	b = view_buf();
	if (!b) {			/* not shown: the next call starts at it */
		w->full = true;
		return 0;
	}
	w->walked++;
	view_row_write(seq, b, build_task(seq, b, t, &ids, name));
	if (walk_overflowed(seq))
		w->overflowed = true;
	return 0;
}

/* The processes (or threads) of one cgroup, from where the walk is.  The
 * css iterator gives it under RCU only; the css_task iterator wants a
 * reference, which the lookup by id takes. */
static __always_inline void walk_cgroup(struct seq_file *seq, struct cgroup_subsys_state *css,
					struct tasks_walk *w)
{
	unsigned int flags = threads ? 0 : CSS_TASK_ITER_PROCS | CSS_TASK_ITER_THREADED;
	struct cgroup *cg = bpf_cgroup_from_id(BPF_CORE_READ(css, cgroup, kn, id));
	struct bpf_iter_css_task it;
	struct task_struct *t;

	if (!cg)
		return;
	bpf_iter_css_task_new(&it, &cg->self, flags);
	while (!w->full && !w->overflowed && (t = bpf_iter_css_task_next(&it))) {
		if (w->skip) {
			w->skip--;
			continue;
		}
		walk_task(seq, t, w);
	}
	bpf_iter_css_task_destroy(&it);
	bpf_cgroup_release(cg);
}

SEC("iter/bpf_map_elem")
int tasks_in_cgroup(struct bpf_iter__bpf_map_elem *ctx)
{
	struct bpf_iter_meta *meta = ctx->meta;
	void *key = ctx->key;
	struct seq_file *seq = meta->seq;
	__u64 session = meta->session_id;
	struct tasks_cursor *cur, start = {};
	struct tasks_walk w = {};
	struct cgroup_subsys_state *css;
	struct bpf_iter_css it;
	struct view_buf *b;
	struct cgroup *cg;

	if (!key) {				/* the final call */
		bpf_map_delete_elem(&cgroup_walk_cursors, &session);
		return 0;
	}
	if (!meta->seq_num)			/* the session's first call */
		bpf_map_update_elem(&cgroup_walk_cursors, &session, &start, BPF_ANY);
	if (view_header_due(meta, key))
		print_header(seq);
	cur = bpf_map_lookup_elem(&cgroup_walk_cursors, &session);
	if (cur && cur->done)
		return 0;
	b = view_buf();
	if (!b)
		return VIEW_RETRY;
	if (!cur) {		/* lost (walk.h): the read fails, not shorter */
		walk_overflow(seq, b);
		return 0;
	}
	cg = bpf_cgroup_from_id(task_cgroup_id);
	if (!cg) {				/* removed since */
		cur->done = 1;
		return 0;
	}
	w.skip = cur->walked;
	bpf_iter_css_new(&it, &cg->self, BPF_CGROUP_ITER_DESCENDANTS_PRE);
	while (!w.full && !w.overflowed && (css = bpf_iter_css_next(&it)))
		walk_cgroup(seq, css, &w);
	bpf_iter_css_destroy(&it);
	bpf_cgroup_release(cg);
	/* a row did not fit after all: the kernel drops what this call wrote
	 * and shows the element again */
	if (w.overflowed)
		return 0;
	/* not one row fits: the same, on purpose */
	if (w.full && !w.walked && walk_room(seq) < TASKS_ROW_MAX) {
		walk_overflow(seq, b);
		return 0;
	}
	cur->walked += w.walked;
	cur->done = !w.full;
	return 0;
}
