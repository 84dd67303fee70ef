// SPDX-License-Identifier: GPL-2.0
/*
 * min_stacks - `make bench`: the stacks view filtered to one name (the
 * bench's target process, "bvtarget"), minimal: the name compiled in, the
 * stack in a global buffer (one reader at a time), frames printed with %pB.
 * Table layout of the stacks view: "pid P tid T comm C", then a line per
 * frame indented by four spaces.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

#define MAX_FRAMES 64
static const char target[16] = "bvtarget";
__u64 frames[MAX_FRAMES];

SEC("iter/task")
int min_stacks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	char comm[16];
	long n;

	if (!t)
		return 0;
	bpf_probe_read_kernel_str(comm, sizeof(comm), t->comm);
	for (int i = 0; i < 16; i++) {
		if (comm[i] != target[i])
			return 0;
		if (!comm[i])
			break;
	}
	n = bpf_get_task_stack(t, frames, sizeof(frames), 0);
	n = n > 0 ? (__u64)n / 8 : 0;
	BPF_SEQ_PRINTF(seq, "pid %d tid %d comm %s\n", t->tgid, t->pid, comm);
	for (int i = 0; i < MAX_FRAMES && i < n; i++)
		BPF_SEQ_PRINTF(seq, "    %pB\n", frames[i]);
	return 0;
}
