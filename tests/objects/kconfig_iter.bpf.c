// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: an iterator written as other projects write them, with
 * __kconfig externs that libbpf fills in at load from the running kernel
 * (its release and its config).  One line per read of the view:
 *   "version=6.18.44 bpf_syscall=1 kprobes=0\n"
 * LINUX_KERNEL_VERSION is KERNEL_VERSION(major, minor, patch) of uname -r
 * (patch at most 255); CONFIG_KPROBES is __weak, so a kernel without it
 * reads 0 instead of failing the load.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern bool CONFIG_KPROBES __kconfig __weak;

SEC("iter/task")
int kconfig_facts(struct bpf_iter__task *ctx)
{
	unsigned int v = LINUX_KERNEL_VERSION;

	if (ctx->task && ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(ctx->meta->seq, "version=%u.%u.%u bpf_syscall=%d kprobes=%d\n",
			       v >> 16, (v >> 8) & 0xff, v & 0xff, CONFIG_BPF_SYSCALL, CONFIG_KPROBES);
	return 0;
}
