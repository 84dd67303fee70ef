// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_caches - slab caches, like the first columns of /proc/slabinfo.
 *
 * Parameters (besides format, see view.h):
 *   name  string[32] list[8]  cache names; an entry ending in '*' matches a
 *                             prefix (kmalloc-*); empty: every cache
 *
 * Columns (the first ones as /proc/slabinfo names them):
 *   name          the cache's name
 *   objs          objects in the cache's slabs, free ones included
 *                 (<num_objs>).  Unknown ("-" in table, empty in csv, null
 *                 in json) unless the kernel keeps the count
 *                 (CONFIG_SLUB_DEBUG) and /proc/kallsyms lists nr_node_ids
 *                 (CONFIG_KALLSYMS_ALL), the number of node counts to add
 *   objsize       bytes an object takes in a slab, metadata and alignment
 *                 included (<objsize>)
 *   objperslab    objects in a slab (<objperslab>)
 *   pagesperslab  pages in a slab (<pagesperslab>)
 *   object_size   bytes of an object as the cache's user asked for them
 *
 * slabinfo's <active_objs> is left out: the kernel counts the free objects
 * by walking each node's partial slabs under a lock.
 * Needs kernel 6.13 or later (the kmem_cache iterator).
 */
#define VIEW_NO_COMM
#define VIEW_STR_MAX	64
#include "view.h"
#include <bpf/bpf_core_read.h>

VIEW_DOC("slab caches, like /proc/slabinfo",
	 "name objs objsize objperslab pagesperslab object_size");

#define NAME_LEN	32
#define OO_SHIFT	16	/* kmem_cache_order_objects: order << 16 | objects */
#define MAX_NODES	1024	/* MAX_NUMNODES at most */
#define NAME_COLUMN	24	/* width of the table's name column */

const volatile char name[FILTER_MAX][NAME_LEN] = {};

/*
 * kmem_cache ends in one node pointer per possible NUMA node: nr_node_ids of
 * them.  The kernel's variable is found through /proc/kallsyms when it lists
 * data (CONFIG_KALLSYMS_ALL); without it the count is unknown.
 */
extern const void nr_node_ids __ksym __weak;

/* Without CONFIG_SLUB_DEBUG, kmem_cache_node keeps no counts. */
struct kmem_cache_node___counted {
	atomic_long_t total_objects;
} __attribute__((preserve_access_index));

struct count {
	struct kmem_cache *s;
	__u64 total;
};

static long count_node(__u32 i, void *data)
{
	struct count *c = data;
	struct kmem_cache_node___counted *n = NULL;

	bpf_probe_read_kernel(&n, sizeof(n), &c->s->node[i]);
	if (n)
		c->total += BPF_CORE_READ(n, total_objects.counter);
	return 0;
}

/* The objects in all of the cache's slabs; false if they cannot be counted. */
static __always_inline bool total_objects(struct kmem_cache *s, __u64 *total)
{
	struct count c = { .s = s };
	__u32 nodes = 0;

	if (!bpf_core_field_exists(struct kmem_cache_node___counted, total_objects) ||
	    !&nr_node_ids ||
	    bpf_probe_read_kernel(&nodes, sizeof(nodes), &nr_node_ids) ||
	    nodes > MAX_NODES)
		return false;
	bpf_loop(nodes, count_node, &c, 0);
	*total = c.total;
	return true;
}

/* Spaces after a name of n bytes in a table (view_pad pads 16 at most). */
static __always_inline void pad_name(struct seq_file *seq, __u32 n)
{
	if (n + VIEW_COMM_LEN < NAME_COLUMN) {
		view_pad(seq, 0, VIEW_COMM_LEN);
		n += VIEW_COMM_LEN;
	}
	view_pad(seq, n, NAME_COLUMN);
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "NAME                           OBJS OBJSIZE OBJPERSLAB PAGESPERSLAB OBJECT_SIZE\n",
		    "name,objs,objsize,objperslab,pagesperslab,object_size\n",
		    "");
}

static __always_inline void print_cache(struct seq_file *seq, struct view_buf *buf,
					__u32 len, struct kmem_cache *s)
{
	__u32 oo = s->oo.x, n;
	__u64 objs;

	if (format == VIEW_FORMAT_JSON)
		BPF_SEQ_PRINTF(seq, "{\"name\":");
	n = view_str(seq, buf, len);
	if (format == VIEW_FORMAT_TABLE)
		pad_name(seq, n);
	if (total_objects(s, &objs))
		VIEW_PRINTF(seq, " %10llu ", ",%llu,", ",\"objs\":%llu,", objs);
	else
		VIEW_PRINTF(seq, " %10s ", ",,", ",\"objs\":null,", "-");
	VIEW_PRINTF(seq, "%7u %10u %12u %11u\n",
		    "%u,%u,%u,%u\n",
		    "\"objsize\":%u,\"objperslab\":%u,\"pagesperslab\":%u,\"object_size\":%u}\n",
		    s->size, oo & ((1 << OO_SHIFT) - 1), 1 << (oo >> OO_SHIFT), s->object_size);
}

SEC("iter/kmem_cache")
int kmem_caches(struct bpf_iter__kmem_cache *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct kmem_cache *s = ctx->s;
	struct view_buf *buf;
	__u32 len;

	view_keep_alive(ctx->meta, s);
	if (view_header_due(ctx->meta, s))
		print_header(seq);
	if (!s)
		return 0;
	buf = view_buf();
	if (!buf)
		return VIEW_RETRY;
	len = view_load(buf, s->name);
	if (FILTER_NAME(name, buf->str))
		print_cache(seq, buf, len, s);
	return 0;
}
