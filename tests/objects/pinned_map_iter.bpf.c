// SPDX-License-Identifier: GPL-2.0
/* Test fixture: an iterator whose map is declared pinned by name, as
 * programs written for bpftool often are.  libbpf pins such a map at load
 * time under its pin root (/sys/fs/bpf by default), which is outside any
 * view root: bpfviews refuses the object before libbpf loads it. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bpfviews_test_seen SEC(".maps");

SEC("iter/task")
int count_tasks(struct bpf_iter__task *ctx)
{
	__u32 key = 0;
	__u64 *seen = bpf_map_lookup_elem(&bpfviews_test_seen, &key);

	if (ctx->task && seen)
		__sync_fetch_and_add(seen, 1);
	return 0;
}
