// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_maps - BPF maps, like bpftool map show.
 *
 * Parameters (besides format, see view.h):
 *   type  enum list[8]        map types, by the names bpftool prints (hash,
 *                             array, ringbuf, lru_hash, ...) or by number;
 *                             empty: every type
 *   name  string[16] list[8]  map names; an entry ending in '*' matches a
 *                             prefix; empty: every map
 *
 * Columns:
 *   id           map id
 *   type         map type as bpftool names it (the name libbpf or, for a
 *                newer type, the kernel's BTF gives it); its number if
 *                neither names it
 *   name         map name, empty if it has none
 *   key          key size in bytes
 *   value        value size in bytes
 *   max_entries  maximum number of entries
 *   flags        map_flags (BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ...): hex
 *                with 0x in table and csv, a number in json
 */
#define VIEW_NO_COMM
#define VIEW_FACT_TYPES	fact_map_type_names
#include "view.h"
#include "prom.h"

VIEW_DOC("BPF maps, like bpftool map show",
	 "id type name key value max_entries flags");

#define BPF_OBJ_NAME_LEN	16

/*
 * The type filter's names: the enumerators of the kernel headers the view
 * is built with (BPF_MAP_TYPE_ + each).  A newer type is filtered by its
 * number; the type column names it anyway (from the facts).
 */
#define MAP_TYPES(X)								\
	X(HASH) X(ARRAY) X(PROG_ARRAY) X(PERF_EVENT_ARRAY)			\
	X(PERCPU_HASH) X(PERCPU_ARRAY) X(STACK_TRACE) X(CGROUP_ARRAY)		\
	X(LRU_HASH) X(LRU_PERCPU_HASH) X(LPM_TRIE) X(ARRAY_OF_MAPS)		\
	X(HASH_OF_MAPS) X(DEVMAP) X(SOCKMAP) X(CPUMAP) X(XSKMAP)		\
	X(SOCKHASH) X(CGROUP_STORAGE) X(REUSEPORT_SOCKARRAY)			\
	X(PERCPU_CGROUP_STORAGE) X(QUEUE) X(STACK) X(SK_STORAGE)		\
	X(DEVMAP_HASH) X(STRUCT_OPS) X(RINGBUF) X(INODE_STORAGE)		\
	X(TASK_STORAGE) X(BLOOM_FILTER) X(USER_RINGBUF)				\
	X(CGRP_STORAGE) X(ARENA)

/* Its values: the kernel's numbers under short names (the tool strips the
 * common prefix), so `type = hash, 2` works. */
#define MAP_ENUMERATOR(n)	VIEW_MAP_##n = BPF_MAP_TYPE_##n,
enum view_map_type { MAP_TYPES(MAP_ENUMERATOR) };

const volatile enum view_map_type type[FILTER_MAX] = {};
const volatile char name[FILTER_MAX][BPF_OBJ_NAME_LEN] = {};

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    ID TYPE             NAME              KEY  VALUE MAX_ENTRIES FLAGS\n",
		    "id,type,name,key,value,max_entries,flags\n",
		    "");
}

/* The row; VIEW_RETRY without the scratch. */
static __always_inline int print_map(struct seq_file *seq, struct bpf_map *map,
				     const char *mname)
{
	struct view_buf *buf = view_buf();
	__u32 n;

	if (!buf)
		return VIEW_RETRY;
	VIEW_PRINTF(seq, "%6u ", "%u,", "{\"id\":%u,", map->id);
	view_print_type(seq, map->map_type);
	if (format == VIEW_FORMAT_JSON)
		BPF_SEQ_PRINTF(seq, "\"name\":");
	n = view_kstr(seq, buf, mname);
	if (format == VIEW_FORMAT_TABLE)
		view_pad(seq, n, BPF_OBJ_NAME_LEN);
	VIEW_PRINTF(seq,
		    " %4u %6u %11u 0x%x\n",
		    ",%u,%u,%u,0x%x\n",
		    ",\"key\":%u,\"value\":%u,\"max_entries\":%u,\"flags\":%u}\n",
		    map->key_size, map->value_size, map->max_entries, map->map_flags);
	return 0;
}

/* format = prometheus: the maps that pass the filters, by type. */
VIEW_METRICS("bpfviews_bpf_maps{type}");

SEC("iter/bpf_map")
int bpf_maps(struct bpf_iter__bpf_map *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_map *map = ctx->map;
	char mname[BPF_OBJ_NAME_LEN] = {};

	view_keep_alive(ctx->meta, map);
	if (format == VIEW_FORMAT_PROMETHEUS && !map) {
		prom_type_print(ctx->meta, "bpf_maps", "BPF maps by type, as bpftool names it.");
		return 0;
	}
	if (view_header_due(ctx->meta, map))
		print_header(seq);
	if (!map || !FILTER_ENUM(type, map->map_type))
		return 0;
	bpf_probe_read_kernel_str(mname, sizeof(mname), map->name);
	if (!FILTER_NAME(name, mname))
		return 0;
	if (format == VIEW_FORMAT_PROMETHEUS) {
		prom_type_count(ctx->meta, map->map_type);
		return 0;
	}
	return print_map(seq, map, mname);
}
