// SPDX-License-Identifier: GPL-2.0
/*
 * touch_sockets - `make bench`: the floor of any view of every socket's
 * owner, an iter/task_file program that reads one field of each socket
 * (its family: the struct socket, then the struct sock it points to) and
 * prints nothing.  Beside the empty iterator it shows what reaching each
 * socket costs, before any row is built.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

__u64 families;		/* a use of what was read */

SEC("iter/task_file")
int touch_sockets(struct bpf_iter__task_file *ctx)
{
	struct file *file = ctx->file;
	struct socket *sock;

	if (!file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (sock && sock->sk)
		families += sock->sk->__sk_common.skc_family;
	return 0;
}
