// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_links - BPF links, like bpftool link show.
 *
 * Parameters (besides format, see view.h):
 *   type  enum list[8]  link types, by the names bpftool prints (iter,
 *                       tracing, raw_tracepoint, cgroup, xdp, tcx, ...) or by
 *                       number; empty: every type
 *
 * Columns:
 *   id       link id
 *   type     link type as bpftool names it (the name libbpf or, for a
 *            newer type, the kernel's BTF gives it); its number if neither
 *            names it
 *   prog_id  id of the linked program (0 for none)
 *   target   what the link attaches to, where the link itself says it:
 *              iter            the iterator (task, bpf_map, ...: bpftool's
 *                              target_name)
 *              raw_tracepoint  the tracepoint
 *              tracing         the function (fentry, fexit, lsm, ext, ...)
 *              cgroup          the cgroup id
 *              xdp, tcx        the network device
 *              struct_ops, sockmap  the map id
 *            empty for other types
 */
#define VIEW_NO_COMM
#define VIEW_FACT_TYPES	fact_link_type_names
#define VIEW_STR_MAX	512	/* KSYM_NAME_LEN: a function name */
#include "view.h"
#include <bpf/bpf_core_read.h>

VIEW_DOC("BPF links, like bpftool link show",
	 "id type prog_id target");


/*
 * The type filter's names: the enumerators of the kernel headers the view
 * is built with (BPF_LINK_TYPE_ + each).  A newer type is filtered by its
 * number; the type column names it anyway (from the facts).
 */
#define LINK_TYPES(X)								\
	X(RAW_TRACEPOINT) X(TRACING) X(CGROUP) X(ITER) X(NETNS)			\
	X(XDP) X(PERF_EVENT) X(KPROBE_MULTI) X(STRUCT_OPS)			\
	X(NETFILTER) X(TCX) X(UPROBE_MULTI) X(NETKIT) X(SOCKMAP)

/* Its values: the kernel's numbers under short names (the tool strips the
 * common prefix), so `type = iter, 1` works. */
#define LINK_ENUMERATOR(n)	VIEW_LINK_##n = BPF_LINK_TYPE_##n,
enum view_link_type { LINK_TYPES(LINK_ENUMERATOR) };

const volatile enum view_link_type type[FILTER_MAX] = {};

/* The links whose target this view shows, each starting with its bpf_link. */
static __always_inline const char *iter_target(struct bpf_link *link)
{
	return BPF_CORE_READ((struct bpf_iter_link *)link, tinfo, reg_info, target);
}

static __always_inline const char *raw_tp_target(struct bpf_link *link)
{
	return BPF_CORE_READ((struct bpf_raw_tp_link *)link, btp, tp, name);
}

static __always_inline struct net_device *dev_target(struct bpf_link *link)
{
	if (link->type == BPF_LINK_TYPE_XDP)
		return BPF_CORE_READ((struct bpf_xdp_link *)link, dev);
	if (bpf_core_type_exists(struct tcx_link))	/* 6.6+ */
		return BPF_CORE_READ((struct tcx_link *)link, dev);
	return NULL;
}

static __always_inline __u32 map_target(struct bpf_link *link)
{
	if (link->type == BPF_LINK_TYPE_STRUCT_OPS)
		return BPF_CORE_READ((struct bpf_struct_ops_link *)link, map, id);
	if (bpf_core_type_exists(struct sockmap_link))	/* 6.10+ */
		return BPF_CORE_READ((struct sockmap_link *)link, map, id);
	return 0;
}

/* The target as text in buf->str; returns its length. */
static __always_inline __u32 load_target(struct view_buf *buf, struct bpf_link *link)
{
	const char *s = NULL;
	__u64 num = 0;
	bool is_num = false;

	switch (link->type) {
	case BPF_LINK_TYPE_ITER:
		s = iter_target(link);
		break;
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		s = raw_tp_target(link);
		break;
	case BPF_LINK_TYPE_TRACING:
		s = link->prog ? link->prog->aux->attach_func_name : NULL;
		break;
	case BPF_LINK_TYPE_XDP:
	case BPF_LINK_TYPE_TCX: {
		struct net_device *dev = dev_target(link);

		s = dev ? dev->name : NULL;
		break;
	}
	case BPF_LINK_TYPE_CGROUP:
		num = BPF_CORE_READ((struct bpf_cgroup_link *)link, cgroup, kn, id);
		is_num = true;
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
	case BPF_LINK_TYPE_SOCKMAP:
		num = map_target(link);
		is_num = true;
		break;
	default:
		break;
	}
	if (is_num) {
		long n = BPF_SNPRINTF(buf->str, VIEW_STR_MAX, "%llu", num);

		return n > 0 ? n - 1 : 0;
	}
	return s ? view_load(buf, s) : 0;
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    ID TYPE             PROG_ID TARGET\n",
		    "id,type,prog_id,target\n",
		    "");
}

/* The row; VIEW_RETRY without the scratch. */
static __always_inline int print_link(struct seq_file *seq, struct bpf_link *link)
{
	struct view_buf *buf = view_buf();
	__u32 prog_id = link->prog ? link->prog->aux->id : 0;

	if (!buf)
		return VIEW_RETRY;
	VIEW_PRINTF(seq, "%6u ", "%u,", "{\"id\":%u,", link->id);
	view_print_type(seq, link->type);
	VIEW_PRINTF(seq, "%7u ", "%u,", "\"prog_id\":%u,\"target\":", prog_id);
	view_str(seq, buf, load_target(buf, link));
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
	return 0;
}

SEC("iter/bpf_link")
int bpf_links(struct bpf_iter__bpf_link *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_link *link = ctx->link;

	view_keep_alive(ctx->meta, link);
	if (view_header_due(ctx->meta, link))
		print_header(seq);
	return link && FILTER_ENUM(type, link->type) ? print_link(seq, link) : 0;
}
