// SPDX-License-Identifier: GPL-2.0
/*
 * touch_sockets - `make bench`: the floor of the sockets view's walk, an
 * iter/task program that reads each process's descriptor table itself (the
 * open descriptors' bits a word at a time, as the view does) and one field
 * of each socket (its family: the struct socket, then the struct sock it
 * points to), and prints nothing.  Beside it, the empty task_file iterator
 * shows what the kernel's walk of every descriptor costs alone.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char _license[] SEC("license") = "GPL";

#define S_IFMT		0170000
#define S_IFSOCK	0140000

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

__u64 families;		/* a use of what was read */

static __always_inline void touch(__u64 fp)
{
	struct file *f = bpf_rdonly_cast((void *)fp, bpf_core_type_id_kernel(struct file));
	struct socket *sock;

	if ((f->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		return;
	sock = bpf_rdonly_cast(f->private_data, bpf_core_type_id_kernel(struct socket));
	if (sock->sk)
		families += sock->sk->__sk_common.skc_family;
}

SEC("iter/task")
int touch_sockets(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct bpf_iter_num it;
	unsigned long *open;
	struct fdtable *fdt;
	struct file **fds;
	int *i;

	if (!task || !task->files ||
	    (task->pid != task->tgid && task->files == task->group_leader->files))
		return 0;
	fdt = task->files->fdt;
	open = fdt->open_fds;
	fds = fdt->fd;
	bpf_iter_num_new(&it, 0, fdt->max_fds / 64);
	while ((i = bpf_iter_num_next(&it))) {
		unsigned long bits = 0;

		bpf_probe_read_kernel(&bits, sizeof(bits), &open[*i]);
		for (int j = 0; j < 64 && bits >> j; j++) {
			__u64 fp = 0;

			if ((bits >> j) & 1)
				bpf_probe_read_kernel(&fp, sizeof(fp), &fds[*i * 64 + j]);
			if (fp)
				touch(fp);
		}
	}
	bpf_iter_num_destroy(&it);
	return 0;
}
