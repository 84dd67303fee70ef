/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task_ns.h - what the views of tasks share: the numbers of a task in the
 * reader's pid namespace, the cgroup filter and the readers parameter.  Include it after view.h;
 * a view calls task_shown() for each task it would show.
 *
 * The reader is the task that reads the view (the current task while the
 * iterator runs).  The kernel's task iterators (task, task_file, task_vma)
 * walk the pid namespace of the task that opened the view, which is the
 * reader's, so every task they give has numbers in it; the ids a view prints
 * are those numbers, as /proc mounted in that namespace shows them, and a
 * parent outside it is 0, as in /proc.  For a reader in the initial pid
 * namespace (level 0) they are the kernel's global numbers, read as they are.
 */
#ifndef BPFVIEWS_TASK_NS_H
#define BPFVIEWS_TASK_NS_H

#include <bpf/bpf_core_read.h>

#define TASK_NS_LEVEL_MAX	32	/* MAX_PID_NS_LEVEL */

/* The reader's pid namespace and its level (0: the initial one). */
struct task_ns {
	struct pid_namespace *ns;
	__u32 level;
};

/* pid->numbers[level], level below TASK_NS_LEVEL_MAX and at most pid->level. */
static __always_inline struct upid task_ns_upid(struct pid *pid, __u32 level)
{
	struct upid up = {};

	level &= TASK_NS_LEVEL_MAX - 1;
	bpf_core_read(&up, sizeof(up), &pid->numbers[level]);
	return up;
}

/* As task_active_pid_ns(current): the namespace of the reader's own pid. */
static __always_inline void task_ns_reader(struct task_ns *r)
{
	struct pid *p = bpf_get_current_task_btf()->thread_pid;
	__u32 level = p ? p->level : 0;

	r->ns = NULL;
	r->level = level;
	if (level)
		r->ns = task_ns_upid(p, level).ns;
}

/* As pid_nr_ns(pid, ns): the number of pid in the reader's namespace (not
 * the initial one), 0 if it has none there. */
static __always_inline int task_ns_nr(const struct task_ns *r, struct pid *pid)
{
	struct upid up;

	if (!pid || !r->ns || r->level > pid->level)
		return 0;
	up = task_ns_upid(pid, r->level);
	return up.ns == r->ns ? up.nr : 0;
}

/* A task's ids, as the reader's namespace numbers them. */
struct task_ids {
	int pid;	/* the process (thread-group) id */
	int tid;	/* the thread id */
	int ppid;	/* the parent process's id, 0 for none or outside */
};

/*
 * The ids of t for the reader r (task_ns_reader()): false if t has no number
 * in the reader's namespace, a task the view does not show (the iterator
 * gives none, but a view read through a descriptor passed to a reader in
 * another namespace would).  As fs/proc/array.c, a task whose pid is gone
 * (exiting, !pid_alive) has ppid 0.
 */
static __always_inline bool task_ids(const struct task_ns *r, struct task_struct *t,
				     struct task_ids *ids)
{
	struct task_struct *parent = t->real_parent;
	bool alive = t->thread_pid;

	if (!r->level) {
		ids->pid = t->tgid;
		ids->tid = t->pid;
		ids->ppid = alive ? parent->tgid : 0;
		return true;
	}
	ids->pid = task_ns_nr(r, t->signal->pids[PIDTYPE_TGID]);
	ids->tid = task_ns_nr(r, t->thread_pid);
	ids->ppid = alive ? task_ns_nr(r, parent->signal->pids[PIDTYPE_TGID]) : 0;
	return ids->pid && ids->tid;
}

/*
 * The cgroup filter: the manifest's cgroup key, which the loader resolves
 * (src/taskfilter.c) to the cgroup v2 directory's id (its inode number) and
 * level (0: the root).  Statics, so they are no parameters of their own.
 * Id 0: every task.
 */
static const volatile __u64 task_cgroup_id __attribute__((used)) = 0;
static const volatile __u32 task_cgroup_level __attribute__((used)) = 0;

/* struct cgroup before Linux 6.2 kept its ancestors' ids. */
struct cgroup___ids {
	int level;
	__u64 ancestor_ids[];
} __attribute__((preserve_access_index));

/*
 * Whether t is in the filter's cgroup or below it, as cgroup_is_descendant()
 * decides for bpf_task_under_cgroup(): its default-hierarchy cgroup's
 * ancestor at the filter's level is that cgroup.  No kernel function, no
 * lookup by id per task: two loads and a compare.
 */
static __always_inline bool task_in_cgroup(struct task_struct *t)
{
	struct cgroup *c, *anc = NULL;
	__u32 level = task_cgroup_level;
	__u64 id = 0;

	if (!task_cgroup_id)
		return true;
	c = t->cgroups->dfl_cgrp;
	if (!c || BPF_CORE_READ(c, level) < (int)level)
		return false;
	if (bpf_core_field_exists(c->ancestors)) {
		bpf_core_read(&anc, sizeof(anc), &c->ancestors[level]);
		id = BPF_CORE_READ(anc, kn, id);
	} else {
		bpf_core_read(&id, sizeof(id), &((struct cgroup___ids *)c)->ancestor_ids[level]);
	}
	return id == task_cgroup_id;
}

/*
 * The parameter readers: all (default) shows every task to every reader
 * that can open the view; own shows a reader whose uid is not 0 only the
 * tasks whose real, effective and saved uids are all its uid (as the uid
 * check of ptrace_may_access(), which hidepid=invisible makes /proc ask),
 * so that a world-readable view tells no user about other users' tasks.
 * The reader's uid is its real uid (bpf_get_current_uid_gid()), as the
 * initial user namespace numbers it, as the tasks' are.
 */
enum task_readers {
	TASK_READERS_ALL,
	TASK_READERS_OWN,
};

const volatile enum task_readers readers = TASK_READERS_ALL;

static __always_inline bool task_readable(struct task_struct *t)
{
	const struct cred *c;
	__u32 me;

	if (readers != TASK_READERS_OWN)
		return true;
	me = (__u32)bpf_get_current_uid_gid();
	if (!me)
		return true;
	c = t->real_cred;	/* the task's own, as /proc checks */
	return c->uid.val == me && c->euid.val == me && c->suid.val == me;
}

/*
 * Whether the view shows t, and its ids for the current reader: t has
 * numbers in the reader's pid namespace and passes the cgroup filter and
 * the readers parameter.
 * Every task view calls it once per row (or per task), after its own
 * cheaper filters.
 */
static __always_inline bool task_shown(struct task_struct *t, struct task_ids *ids)
{
	struct task_ns r;

	if (!task_in_cgroup(t) || !task_readable(t))
		return false;
	task_ns_reader(&r);
	return task_ids(&r, t, ids);
}

#endif /* BPFVIEWS_TASK_NS_H */
