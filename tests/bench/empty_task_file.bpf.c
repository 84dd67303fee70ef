// SPDX-License-Identifier: GPL-2.0
/* empty_task_file - `make bench`: the kernel floor, an iter/task_file program that prints nothing. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("iter/task_file")
int empty_task_file(struct bpf_iter__task_file *ctx)
{
	return 0;
}
