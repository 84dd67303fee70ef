// SPDX-License-Identifier: GPL-2.0
/*
 * cgroups - cgroups, one row each, in the iterator's walk order.
 *
 * Link parameters (see bpfviews.conf(5)): cgroup (where the walk starts,
 * default the root of the cgroup v2 hierarchy) and order (self,
 * descendants-pre (default), descendants-post, ancestors-up).
 * Parameters: format (see view.h).
 *
 * Columns:
 *   id           the cgroup id (the inode number of its directory)
 *   level        depth below the hierarchy's root (the root is 0)
 *   descendants  live descendant cgroups (nr_descendants in cgroup.stat)
 *   path         the cgroup's path from the hierarchy's root, "/" for the
 *                root, as /proc/PID/cgroup shows it.  Deeper than 64 levels,
 *                the top levels are left out and the path starts "/...".
 *
 * The kernel walks cgroups under a lock it does not hold between reads, so
 * one view's output must fit in one read(2): at most 32 KiB, and no more
 * than the reader asks for (cat asks for 128 KiB).  A read that would have
 * to continue the walk fails with EOPNOTSUPP; narrow the walk with cgroup
 * and order.
 */
#define VIEW_NO_COMM
#define VIEW_STR_MAX	4096	/* PATH_MAX */
#define PATH_DEPTH	64
#define VIEW_BUF_EXTRA	const char *names[PATH_DEPTH];	/* path components, last first */
#include "view.h"
#include <bpf/bpf_core_read.h>

VIEW_DOC("cgroups in walk order (link parameters cgroup, order), with their paths",
	 "id level descendants path");

#define NAME_MAX	255

/* Before 6.15 kernfs_node's parent was "parent". */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

struct path_walk {
	struct view_buf *buf;
	__u32 depth;	/* components in buf->names */
	__u32 len;	/* bytes of path in buf->str */
};

/* Append component depth - 1 - i: the path is written root first (bpf_loop callback). */
static long append_name(__u32 i, void *data)
{
	struct path_walk *w = data;
	struct view_buf *buf = w->buf;
	__u64 d = w->depth - 1 - i, off = w->len;
	long n;

	barrier_var(d);		/* bound the registers that index */
	barrier_var(off);
	if (d >= PATH_DEPTH || off > VIEW_STR_MAX - NAME_MAX - 2)
		return 1;
	buf->str[off] = '/';
	off++;
	n = bpf_probe_read_kernel_str(&buf->str[off], NAME_MAX + 1, buf->names[d]);
	if (n > 0)
		w->len = off + n - 1;
	return 0;
}

/* The path of cgrp into buf->str; returns its length. */
static __always_inline __u32 load_path(struct view_buf *buf, struct cgroup *cgrp)
{
	struct path_walk w = { .buf = buf };
	struct kernfs_node *kn = cgrp->kn;
	__u32 level = cgrp->level;

	if (!level) {
		buf->str[0] = '/';
		return 1;
	}
	for (__u32 d = 0; d < PATH_DEPTH && d < level && kn; d++) {
		buf->names[d] = BPF_CORE_READ(kn, name);
		kn = kn_parent(kn);
		w.depth = d + 1;
	}
	if (level > PATH_DEPTH) {
		__builtin_memcpy(buf->str, "/...", 4);
		w.len = 4;
	}
	bpf_loop(w.depth, append_name, &w, 0);
	return w.len;
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "                  ID LEVEL DESCENDANTS PATH\n",
		    "id,level,descendants,path\n",
		    "");
}

SEC("iter/cgroup")
int cgroups(struct bpf_iter__cgroup *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct cgroup *cgrp = ctx->cgroup;
	struct view_buf *buf;

	view_keep_alive(ctx->meta, cgrp);
	if (view_header_due(ctx->meta, cgrp))
		print_header(seq);
	if (!cgrp)
		return 0;
	buf = view_buf();
	if (!buf)
		return VIEW_RETRY;
	VIEW_PRINTF(seq, "%20llu %5d %11d ", "%llu,%d,%d,",
		    "{\"id\":%llu,\"level\":%d,\"descendants\":%d,\"path\":",
		    cgrp->kn->id, cgrp->level, cgrp->nr_descendants);
	view_str(seq, buf, load_path(buf, cgrp));
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
	return 0;
}
