// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: a view in the Prometheus text format, for the textfile
 * link tests, whatever the built-in programs print. One sample per process
 * whose comm is `comm` (a parameter), after the HELP and TYPE lines:
 *   # HELP bpfviews_test_process A process named comm, by pid.
 *   # TYPE bpfviews_test_process gauge
 *   bpfviews_test_process{comm="sleep",pid="42"} 1
 * Nothing is kept between calls, so concurrent readers do not interfere.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

const volatile char comm[16];

static bool comm_is(const char *c)
{
	for (int i = 0; i < sizeof(comm); i++) {
		if (c[i] != comm[i])
			return false;
		if (!c[i])
			return true;
	}
	return true;
}

SEC("iter/task")
int prom_procs(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	char c[16];

	if (ctx->meta->seq_num == 0) {
		BPF_SEQ_PRINTF(seq, "# HELP bpfviews_test_process A process named comm, by pid.\n");
		BPF_SEQ_PRINTF(seq, "# TYPE bpfviews_test_process gauge\n");
	}
	if (!task || task->pid != task->tgid)
		return 0;
	__builtin_memcpy(c, task->comm, sizeof(c));
	if (comm_is(c))
		BPF_SEQ_PRINTF(seq, "bpfviews_test_process{comm=\"%s\",pid=\"%d\"} 1\n", c, task->tgid);
	return 0;
}
