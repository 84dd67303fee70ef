#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "params.h"
#include "viewstate.h"

#define FNV_PRIME 0x100000001b3ULL

__u64 digest_bytes(__u64 h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/* BPF_OBJ_GET_INFO_BY_FD answers for any kind of object, each kind in its
 * own struct, and the second word of the link, program and map structs is
 * the id. FD is of the kind whose GET_FD_BY_ID, given that id, opens an
 * object with the same info: the same length (the kernel's size of that
 * struct) and the same first words (type, id, and the program's tag, the
 * map's sizes or the link's program). No /proc needed. */
static bool fd_is_kind(int fd, int (*fd_by_id)(__u32 id))
{
	__u32 a[64] = { 0 }, b[64] = { 0 }, alen = sizeof(a), blen = sizeof(b);
	bool same;
	int other;

	if (bpf_obj_get_info_by_fd(fd, a, &alen) || alen < 16)
		return false;
	other = fd_by_id(a[1]);
	if (other < 0)
		return false;
	same = !bpf_obj_get_info_by_fd(other, b, &blen) && alen == blen && !memcmp(a, b, 16);
	close(other);
	return same;
}

const char *bpf_fd_kind(int fd)
{
	if (fd_is_kind(fd, bpf_link_get_fd_by_id))
		return "link";
	if (fd_is_kind(fd, bpf_prog_get_fd_by_id))
		return "prog";
	if (fd_is_kind(fd, bpf_map_get_fd_by_id))
		return "map";
	return NULL;
}

/* The section an internal map holds, from its kernel name "<obj>.<section>". */
static const char *map_section(const char *map_name)
{
	const char *dot = strchr(map_name, '.');

	return dot ? dot + 1 : NULL;
}

struct map_digest {
	char name[16];
	__u64 digest;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct map_digest *)a)->name, ((const struct map_digest *)b)->name);
}

static __u64 value_digest(const struct bpf_map_info *info, const unsigned char *value,
			  const struct data_ranges *ranges)
{
	const char *sec = map_section(info->name);
	__u64 h = DIGEST_INIT;

	if (info->map_flags & BPF_F_RDONLY_PROG)
		return digest_bytes(h, value, info->value_size);
	for (int i = 0; ranges && i < ranges->n; i++) {
		const struct data_range *r = &ranges->r[i];

		if (strcmp(r->section, sec) || r->offset + r->size > info->value_size)
			continue;
		h = digest_bytes(h, &r->offset, sizeof(r->offset));
		h = digest_bytes(h, value + r->offset, r->size);
	}
	return h;
}

/* Takes the stamp out of the value of the program's .rodata: into *stamp,
 * and zeroes in the value, so the data digest is the same whatever it is. */
static void take_stamp(const struct btf *btf, const struct bpf_map_info *info, unsigned char *value,
		       __u64 *stamp)
{
	struct param_var var;

	if (!btf || strcmp(map_section(info->name), "rodata") || params_find_static(btf, STAMP_VAR, &var) ||
	    var.size != sizeof(*stamp) || var.offset + var.size > info->value_size)
		return;
	memcpy(stamp, value + var.offset, sizeof(*stamp));
	memset(value + var.offset, 0, sizeof(*stamp));
}

/* Digest of one of the program's maps, if it is an internal data map
 * (single-element array named "<obj>.<section>"). Returns 1 if it is one. */
static int map_digest(__u32 id, const struct btf *btf, const struct data_ranges *ranges,
		      struct map_digest *out, __u64 *stamp)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), key = 0;
	unsigned char *value = NULL;
	int fd, err;

	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err || info.type != BPF_MAP_TYPE_ARRAY || info.max_entries != 1 || !map_section(info.name))
		goto out;
	value = calloc(1, info.value_size);
	err = value ? bpf_map_lookup_elem(fd, &key, value) : -ENOMEM;
	if (err)
		goto out;
	take_stamp(btf, &info, value, stamp);
	memcpy(out->name, info.name, sizeof(out->name));
	out->digest = value_digest(&info, value, ranges);
	err = 1;
out:
	free(value);
	close(fd);
	return err;
}

static int data_digest(const __u32 *map_ids, __u32 nr, const struct btf *btf,
		       const struct data_ranges *ranges, struct view_state *st)
{
	struct map_digest maps[16];
	int n = 0, err;

	for (__u32 i = 0; i < nr && n < 16; i++) {
		err = map_digest(map_ids[i], btf, ranges, &maps[n], &st->stamp);
		if (err < 0)
			return err;
		n += err;
	}
	qsort(maps, n, sizeof(maps[0]), by_name);
	st->data_digest = DIGEST_INIT;
	for (int i = 0; i < n; i++)
		st->data_digest = digest_bytes(st->data_digest, &maps[i].digest, sizeof(maps[i].digest));
	return 0;
}

int view_state_of_prog(int prog_fd, const struct data_ranges *ranges, struct view_state *st)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), map_ids[16];
	struct btf *btf;
	int err;

	info.nr_map_ids = 16;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	memcpy(st->prog_name, info.name, sizeof(st->prog_name));
	memcpy(st->tag, info.tag, sizeof(st->tag));
	/* the program's BTF is its maps' too: it says where the stamp is */
	btf = info.btf_id ? btf__load_from_kernel_by_id(info.btf_id) : NULL;
	st->stamp = 0;
	err = data_digest(map_ids, info.nr_map_ids < 16 ? info.nr_map_ids : 16, btf, ranges, st);
	btf__free(btf);
	return err;
}

int view_state_of_link(int link_fd, const struct data_ranges *ranges, struct view_state *st)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);
	int prog_fd, err;

	memset(st, 0, sizeof(*st));
	info.iter.target_name = (__u64)(unsigned long)st->target;
	info.iter.target_name_len = sizeof(st->target);
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -errno;
	if (info.type != BPF_LINK_TYPE_ITER)
		return -ENOTSUP;
	if (!strncmp(st->target, "task", 4)) {
		st->link.pid = info.iter.task.pid;
		st->link.tid = info.iter.task.tid;
	} else if (!strcmp(st->target, "cgroup")) {
		st->link.cgroup_id = info.iter.cgroup.cgroup_id;
		st->link.order = info.iter.cgroup.order;
	} else {
		st->link.map_id = info.iter.map.map_id;
	}
	prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
	if (prog_fd < 0)
		return -errno;
	err = view_state_of_prog(prog_fd, ranges, st);
	close(prog_fd);
	return err;
}

bool link_is_iter(int link_fd)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);

	/* a program's or map's info would answer too, with its own type */
	return fd_is_kind(link_fd, bpf_link_get_fd_by_id) && !bpf_obj_get_info_by_fd(link_fd, &info, &len) &&
	       info.type == BPF_LINK_TYPE_ITER;
}
