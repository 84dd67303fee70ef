// SPDX-License-Identifier: GPL-2.0
/* empty_task - `make bench`: the kernel floor, an iter/task program that prints nothing. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("iter/task")
int empty_task(struct bpf_iter__task *ctx)
{
	return 0;
}
