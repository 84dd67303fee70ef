// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: globals written as other projects write them (libbpf-tools
 * style).  A `pid` filter in .bss, the name of one of bpfviews' own keys, so
 * only `global.pid = N` sets it; and `comm_t targ_comm[16]`, an array of a
 * typedef of char, which is text.  One line per task that passes both
 * filters (0 and "" let everything through):
 *   "<tgid> <pid> <comm>\n"
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

typedef char comm_t;

pid_t pid = 0;
const volatile comm_t targ_comm[16] = {};

static bool comm_matches(const char *comm)
{
	for (int i = 0; i < 16; i++) {
		if (targ_comm[i] != comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

SEC("iter/task")
int dump_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	char comm[16];

	if (!task)
		return 0;
	if (pid && task->tgid != pid)
		return 0;
	__builtin_memcpy(comm, task->comm, sizeof(comm));
	if (targ_comm[0] && !comm_matches(comm))
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d %d %s\n", task->tgid, task->pid, comm);
	return 0;
}
