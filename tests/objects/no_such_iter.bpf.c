// SPDX-License-Identifier: GPL-2.0
/* Test fixture: an iterator program for a target no kernel has, standing in
 * for a view whose iterator type the running kernel lacks. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("iter/no_such_target")
int no_such(struct bpf_iter__task *ctx)
{
	return 0;
}
