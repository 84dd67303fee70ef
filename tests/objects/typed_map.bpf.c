// SPDX-License-Identifier: GPL-2.0
/* Test fixture: a hash map with BTF-typed keys and values for the map_dump
 * view. `bpftool prog load ... pinmaps DIR` pins it as DIR/typed. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct point {
	__u32 count;
	__s16 delta;
	char name[12];
	bool on;
	__s64 samples[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct point);
} typed SEC(".maps");

SEC("iter/task")
int keep_map(struct bpf_iter__task *ctx)
{
	__u32 key = 0;

	/* refers to the map so that loading the object creates it */
	bpf_map_lookup_elem(&typed, &key);
	return 0;
}
