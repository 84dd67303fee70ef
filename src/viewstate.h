/* A view's state as the kernel holds it: the link's target and parameters,
 * the program's name and tag, and a digest of its configured data. Computed the
 * same way for a pinned link and for a freshly loaded program, so "unchanged"
 * is decided by comparing kernel objects, not a record of our own. */
#ifndef BPFVIEWS_VIEWSTATE_H
#define BPFVIEWS_VIEWSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define MAX_DATA_RANGES 64

/* Bytes of writable sections (.data, .bss) that parameters set. Read-only
 * sections are compared whole; writable ones may hold program state, so only
 * the bytes the manifest decides are compared. */
struct data_range {
	char section[8];	/* "data" or "bss" */
	__u32 offset;
	__u32 size;
};

struct data_ranges {
	struct data_range r[MAX_DATA_RANGES];
	int n;
};

/* What the kernel walks, as the link records it. */
struct link_params {
	__u32 pid;		/* task iterators */
	__u32 tid;
	__u64 cgroup_id;	/* cgroup iterator: where the walk starts */
	__u32 order;		/* and enum bpf_cgroup_iter_order */
	__u32 map_id;		/* map element iterators */
};

struct view_state {
	__u64 stamp;		/* bpfviews' digest of how it was built; 0: none */
	char target[32];	/* iterator target: "task", "task_file", ... */
	char prog_name[16];
	__u8 tag[8];
	struct link_params link;
	__u64 data_digest;
};

/* FNV-1a: start with DIGEST_INIT. */
#define DIGEST_INIT 0xcbf29ce484222325ULL
__u64 digest_bytes(__u64 h, const void *data, size_t len);

/* A built-in program's .rodata variable (bpf/view.h) in which bpfviews
 * writes, before loading, the digest of everything the view is built from:
 * the kernel keeps it with the program (bpftool prog show prints it), so an
 * unchanged view is known without loading anything. The data digest leaves
 * it out. */
#define STAMP_VAR "bpf_metadata_bpfviews_stamp"

int view_state_of_prog(int prog_fd, const struct data_ranges *ranges, struct view_state *st);
/* For a pinned iterator link; -ENOTSUP if it is not one. */
int view_state_of_link(int link_fd, const struct data_ranges *ranges, struct view_state *st);

/* What kind of BPF object an fd is: "link", "prog", "map", or NULL. */
const char *bpf_fd_kind(int fd);
/* Whether the link is an iterator link. */
bool link_is_iter(int link_fd);

#endif
