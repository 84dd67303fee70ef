// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: compiles, but the kernel verifier rejects it.  The program
 * indexes a 4-element map value with an unbounded number (the iterator's
 * sequence number); on 6.18 the load fails with EINVAL and the log ends in
 * "math between map_value pointer and register with unbounded min value is
 * not allowed".  Used to test that a view that fails verification is
 * reported (with the log under -v) and breaks nothing else.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32[4]);
} values SEC(".maps");

SEC("iter/task")
int bad_read(struct bpf_iter__task *ctx)
{
	__u32 zero = 0, *v;

	v = bpf_map_lookup_elem(&values, &zero);
	if (!v || !ctx->task)
		return 0;
	/* no bounds check: seq_num can be anything */
	BPF_SEQ_PRINTF(ctx->meta->seq, "%u\n", v[ctx->meta->seq_num]);
	return 0;
}
