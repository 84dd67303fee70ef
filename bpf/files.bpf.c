// SPDX-License-Identifier: GPL-2.0
/*
 * files - open file descriptors, like lsof or ls -l /proc/PID/fd.
 *
 * Parameters: format and comm (see view.h).
 *
 * Columns:
 *   pid   process id (tgid)
 *   comm  the process's name (a 16-column field in table format)
 *   fd    descriptor number
 *   type  REG DIR CHR BLK FIFO SOCK LNK, anon for anonymous inodes
 *         (eventfd, epoll, pidfd, bpf-map, ...), ? for anything else
 *   name  what readlink /proc/PID/fd/FD shows: a path (with " (deleted)"
 *         if unlinked), socket:[INODE], pipe:[INODE], anon_inode:[eventfd]
 *
 * The kernel visits each file table once: a process's threads share the
 * leader's table and are skipped.  A thread that unshared its table
 * (unshare(CLONE_FILES)) is listed too, under the same pid.
 */
#define VIEW_STR_MAX	4096	/* PATH_MAX */
#include "view.h"

VIEW_DOC("each open file descriptor, like lsof or ls -l /proc/PID/fd",
	 "pid comm fd type name");

#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ANON_INODE	(1 << 19)	/* inode->i_flags, 6.15+ */

static __always_inline const char *file_type(struct file *file)
{
	struct inode *inode = file->f_inode;
	umode_t fmt = inode->i_mode & S_IFMT;

	if (!fmt || (inode->i_flags & S_ANON_INODE))
		return "anon";
	switch (fmt) {
	case S_IFREG:	return "REG";
	case S_IFDIR:	return "DIR";
	case S_IFCHR:	return "CHR";
	case S_IFBLK:	return "BLK";
	case S_IFIFO:	return "FIFO";
	case S_IFSOCK:	return "SOCK";
	case S_IFLNK:	return "LNK";
	}
	return "?";
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    PID COMM                FD TYPE NAME\n",
		    "pid,comm,fd,type,name\n",
		    "");
}

static __always_inline void print_file(struct seq_file *seq, struct task_struct *task,
				       const char *name, __u32 fd, struct file *file)
{
	struct view_buf *buf = view_buf();
	__u32 n;
	long len = 0;

	VIEW_PRINTF(seq, "%7d ", "%d,", "{\"pid\":%d,\"comm\":", task->tgid);
	n = view_kstr(seq, buf, name);
	if (format == VIEW_FORMAT_TABLE)
		view_pad(seq, n, VIEW_COMM_LEN);
	VIEW_PRINTF(seq, " %5u %-4s ", ",%u,%s,", ",\"fd\":%u,\"type\":\"%s\",\"name\":",
		    fd, file_type(file));
	if (buf)
		len = bpf_d_path((struct path *)&file->f_path, buf->str, VIEW_STR_MAX);
	view_str(seq, buf, len > 0 ? len - 1 : 0);
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
}

SEC("iter/task_file")
int files(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	char name[VIEW_COMM_LEN];

	view_keep_alive(ctx->meta, file);
	if (view_header_due(ctx->meta, file))
		print_header(seq);
	if (!task || !file)
		return 0;
	view_task_comm(task, name);
	if (view_comm_match(name))
		print_file(seq, task, name, ctx->fd, file);
	return 0;
}
