// SPDX-License-Identifier: GPL-2.0
/*
 * min_files - `make bench`: the files view's columns (pid, comm, fd, type,
 * name), minimal: one bpf_seq_printf() per row, the path from bpf_d_path()
 * into a global buffer (one reader at a time), the comm unescaped.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

char path[4096];

static __always_inline const char *file_type(struct file *file)
{
	struct inode *inode = file->f_inode;
	umode_t fmt = inode->i_mode & 00170000;

	if (!fmt || (inode->i_flags & (1 << 19)))
		return "anon";
	switch (fmt) {
	case 0100000:	return "REG";
	case 0040000:	return "DIR";
	case 0020000:	return "CHR";
	case 0060000:	return "BLK";
	case 0010000:	return "FIFO";
	case 0140000:	return "SOCK";
	case 0120000:	return "LNK";
	}
	return "?";
}

SEC("iter/task_file")
int min_files(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	struct file *file = ctx->file;

	if (!t || !file)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "    PID COMM                FD TYPE NAME\n");
	if (bpf_d_path((struct path *)&file->f_path, path, sizeof(path)) < 0)
		path[0] = 0;
	BPF_SEQ_PRINTF(seq, "%7d %-16s %5u %-4s %s\n", t->tgid, t->comm, ctx->fd,
		       file_type(file), path);
	return 0;
}
