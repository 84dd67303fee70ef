// SPDX-License-Identifier: GPL-2.0
/* empty_tcp - `make bench`: the kernel floor, an iter/tcp program that prints nothing. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("iter/tcp")
int empty_tcp(struct bpf_iter__tcp *ctx)
{
	return 0;
}
