// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: two iter/task programs in one object, for the tests of
 * program selection (`program = count_a` / `count_b`; without `program`
 * the object is ambiguous) and of a .rodata parameter (`answer`, an int,
 * default 42).  Each prints one line per read of the view:
 *   "a answer=42\n" or "b answer=42\n"
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

const volatile int answer = 42;

SEC("iter/task")
int count_a(struct bpf_iter__task *ctx)
{
	if (ctx->task && ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(ctx->meta->seq, "a answer=%d\n", answer);
	return 0;
}

SEC("iter/task")
int count_b(struct bpf_iter__task *ctx)
{
	if (ctx->task && ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(ctx->meta->seq, "b answer=%d\n", answer);
	return 0;
}
