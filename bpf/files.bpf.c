// SPDX-License-Identifier: GPL-2.0
/*
 * files - open file descriptors, like lsof or ls -l /proc/PID/fd.
 *
 * Parameters: format and comm (see view.h), readers and the cgroup filter
 * (task_ns.h).
 *
 * Columns:
 *   pid   process id (tgid), as the reader's pid namespace numbers it
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
#define VIEW_ROW
#include "view.h"
#include "task_ns.h"
#include "prom.h"

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

/* The type names: as a string, and padded to 4 for the table's row. */
static const struct file_type {
	char name[8];
	char padded[4];
	__u32 len;
} file_types[] __attribute__((aligned(8))) = {
	{ "anon", "anon", 4 }, { "REG", "REG ", 3 }, { "DIR", "DIR ", 3 },
	{ "CHR", "CHR ", 3 }, { "BLK", "BLK ", 3 }, { "FIFO", "FIFO", 4 },
	{ "SOCK", "SOCK", 4 }, { "LNK", "LNK ", 3 }, { "?", "?   ", 1 },
};

static __always_inline const struct file_type *file_type(struct file *file)
{
	struct inode *inode = file->f_inode;
	umode_t fmt = inode->i_mode & S_IFMT;
	__u32 i = 8;		/* ? */

	switch (fmt) {
	case S_IFREG:	i = 1; break;
	case S_IFDIR:	i = 2; break;
	case S_IFCHR:	i = 3; break;
	case S_IFBLK:	i = 4; break;
	case S_IFIFO:	i = 5; break;
	case S_IFSOCK:	i = 6; break;
	case S_IFLNK:	i = 7; break;
	}
	if (!fmt || (inode->i_flags & S_ANON_INODE))
		i = 0;
	return &file_types[i];
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    PID COMM                FD TYPE NAME\n",
		    "pid,comm,fd,type,name\n",
		    "");
}

/* The type, padded to 4 in the table. */
static __always_inline __u32 put_type(struct view_buf *b, __u32 n, struct file *file)
{
	const struct file_type *t = file_type(file);

	if (format == VIEW_FORMAT_TABLE) {
		VIEW_COPY(&b->out[VIEW_AT(n)], t->padded, 4);
		return n + 4;
	}
	VIEW_COPY(&b->out[VIEW_AT(n)], t->name, 4);
	return n + t->len;
}

/* The row, staged in the reader's scratch b. */
static __always_inline void print_file(struct seq_file *seq, struct view_buf *b,
				       int pid, const char *name,
				       __u32 fd, struct file *file)
{
	__u32 n;
	long len;

	n = view_put_open(b, "{\"pid\":");
	n = view_put_s(b, n, pid, VIEW_W(7));
	n = view_put_key(b, n, ",\"comm\":");
	n = view_put_str_w(seq, b, n, view_load_comm(b, name), VIEW_COMM_LEN);
	n = view_put_key(b, n, ",\"fd\":");
	n = view_put_u(b, n, fd, VIEW_W(5));
	n = view_put_key(b, n, ",\"type\":\"");
	n = put_type(b, n, file);
	if (format == VIEW_FORMAT_JSON)
		n = view_put_c(b, n, '"');
	n = view_put_key(b, n, ",\"name\":");
	len = bpf_d_path((struct path *)&file->f_path, b->str, VIEW_STR_MAX);
	n = view_put_str(seq, b, n, len > 0 ? len - 1 : 0);
	view_row_end(seq, b, n);
}

/* format = prometheus: the descriptors that pass the filters, by type. */
VIEW_METRICS("bpfviews_open_files{type}");

#define PROM_KIND_TYPE		1
#define PROM_TYPE_COST		64	/* its line at its longest */

static __always_inline void prom_count_file(struct bpf_iter_meta *meta, struct file *file)
{
	const struct file_type *t = file_type(file);
	char label[PROM_LABEL] = {};
	struct prom_val *v;

	__builtin_memcpy(label, t->name, sizeof(t->name));
	v = prom_group(meta, PROM_KIND_TYPE, label, PROM_TYPE_COST);
	if (v)
		v->v[0]++;
}

static __always_inline void prom_print(struct bpf_iter_meta *meta)
{
	struct view_buf *b = view_buf();

	if (b)
		prom_family(meta->seq, b, meta->session_id, "open_files",
			    "Open file descriptors by type, as the type column names it.",
			    "gauge", "type", PROM_KIND_TYPE, 0, 0);
	prom_end(meta->session_id);
}

SEC("iter/task_file")
int files(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	char name[VIEW_COMM_LEN];
	struct view_buf *buf;
	struct task_ids ids;

	view_keep_alive(ctx->meta, file);
	if (format == VIEW_FORMAT_PROMETHEUS && !task) {
		prom_print(ctx->meta);
		return 0;
	}
	if (view_header_due(ctx->meta, file))
		print_header(seq);
	if (!task || !file)
		return 0;
	view_task_comm(task, name);
	if (!view_comm_match(name) || !task_shown(task, &ids))
		return 0;
	if (format == VIEW_FORMAT_PROMETHEUS) {
		prom_count_file(ctx->meta, file);
		return 0;
	}
	buf = view_buf();
	if (!buf)
		return VIEW_RETRY;
	print_file(seq, buf, ids.pid, name, ctx->fd, file);
	return 0;
}
