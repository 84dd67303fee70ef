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
 *   type         map type as bpftool names it; its number if this view
 *                does not know the type
 *   name         map name, empty if it has none
 *   key          key size in bytes
 *   value        value size in bytes
 *   max_entries  maximum number of entries
 *   flags        map_flags (BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ...): hex
 *                with 0x in table and csv, a number in json
 */
#define VIEW_NO_COMM
#include "view.h"
#include "filters.h"

VIEW_DOC("BPF maps, like bpftool map show",
	 "id type name key value max_entries flags");

#define BPF_OBJ_NAME_LEN	16

/* Map types: the enumerator (BPF_MAP_TYPE_ + it) and bpftool's name. */
#define MAP_TYPES(X)							\
	X(HASH, "hash")							\
	X(ARRAY, "array")						\
	X(PROG_ARRAY, "prog_array")					\
	X(PERF_EVENT_ARRAY, "perf_event_array")				\
	X(PERCPU_HASH, "percpu_hash")					\
	X(PERCPU_ARRAY, "percpu_array")					\
	X(STACK_TRACE, "stack_trace")					\
	X(CGROUP_ARRAY, "cgroup_array")					\
	X(LRU_HASH, "lru_hash")						\
	X(LRU_PERCPU_HASH, "lru_percpu_hash")				\
	X(LPM_TRIE, "lpm_trie")						\
	X(ARRAY_OF_MAPS, "array_of_maps")				\
	X(HASH_OF_MAPS, "hash_of_maps")					\
	X(DEVMAP, "devmap")						\
	X(SOCKMAP, "sockmap")						\
	X(CPUMAP, "cpumap")						\
	X(XSKMAP, "xskmap")						\
	X(SOCKHASH, "sockhash")						\
	X(CGROUP_STORAGE, "cgroup_storage")				\
	X(REUSEPORT_SOCKARRAY, "reuseport_sockarray")			\
	X(PERCPU_CGROUP_STORAGE, "percpu_cgroup_storage")		\
	X(QUEUE, "queue")						\
	X(STACK, "stack")						\
	X(SK_STORAGE, "sk_storage")					\
	X(DEVMAP_HASH, "devmap_hash")					\
	X(STRUCT_OPS, "struct_ops")					\
	X(RINGBUF, "ringbuf")						\
	X(INODE_STORAGE, "inode_storage")				\
	X(TASK_STORAGE, "task_storage")					\
	X(BLOOM_FILTER, "bloom_filter")					\
	X(USER_RINGBUF, "user_ringbuf")					\
	X(CGRP_STORAGE, "cgrp_storage")					\
	X(ARENA, "arena")

/* The type filter's values: the kernel's numbers under short names (the
 * tool strips the common prefix), so `type = hash, 2` works. */
#define MAP_ENUMERATOR(n, s)	VIEW_MAP_##n = BPF_MAP_TYPE_##n,
enum view_map_type { MAP_TYPES(MAP_ENUMERATOR) };

#define MAP_CASE(n, s)		case BPF_MAP_TYPE_##n: return s;
static __always_inline const char *map_type_name(__u32 t)
{
	switch (t) {
	MAP_TYPES(MAP_CASE)
	}
	return NULL;
}

const volatile enum view_map_type type[FILTER_MAX] = {};
const volatile char name[FILTER_MAX][BPF_OBJ_NAME_LEN] = {};

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    ID TYPE             NAME              KEY  VALUE MAX_ENTRIES FLAGS\n",
		    "id,type,name,key,value,max_entries,flags\n",
		    "");
}

/* The type column: bpftool's name, or the number. */
static __always_inline void print_type(struct seq_file *seq, __u32 t)
{
	const char *s = map_type_name(t);

	if (s)
		VIEW_PRINTF(seq, "%-16s ", "%s,", "\"type\":\"%s\",", s);
	else
		VIEW_PRINTF(seq, "%-16u ", "%u,", "\"type\":\"%u\",", t);
}

static __always_inline void print_map(struct seq_file *seq, struct bpf_map *map,
				      const char *mname)
{
	__u32 n;

	VIEW_PRINTF(seq, "%6u ", "%u,", "{\"id\":%u,", map->id);
	print_type(seq, map->map_type);
	if (format == VIEW_FORMAT_JSON)
		BPF_SEQ_PRINTF(seq, "\"name\":");
	n = view_kstr(seq, view_buf(), mname);
	if (format == VIEW_FORMAT_TABLE)
		view_pad(seq, n, BPF_OBJ_NAME_LEN);
	VIEW_PRINTF(seq,
		    " %4u %6u %11u 0x%x\n",
		    ",%u,%u,%u,0x%x\n",
		    ",\"key\":%u,\"value\":%u,\"max_entries\":%u,\"flags\":%u}\n",
		    map->key_size, map->value_size, map->max_entries, map->map_flags);
}

SEC("iter/bpf_map")
int bpf_maps(struct bpf_iter__bpf_map *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_map *map = ctx->map;
	char mname[BPF_OBJ_NAME_LEN] = {};

	view_keep_alive(ctx->meta, map);
	if (view_header_due(ctx->meta, map))
		print_header(seq);
	if (!map || !FILTER_ENUM(type, map->map_type))
		return 0;
	bpf_probe_read_kernel_str(mname, sizeof(mname), map->name);
	if (FILTER_NAME(name, mname))
		print_map(seq, map, mname);
	return 0;
}
