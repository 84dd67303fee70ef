// SPDX-License-Identifier: GPL-2.0
/*
 * vmas - memory mappings, like /proc/PID/maps.
 *
 * Meant with the link parameter pid (pid = N: that process only); without
 * it, every process's mappings (each address space once, under its
 * thread-group leader).
 * Parameters: format and comm (see view.h), readers and the cgroup filter
 * (task_ns.h).
 *
 * Columns (hex where /proc/PID/maps has hex):
 *   pid     process id (tgid), as the reader's pid namespace numbers it
 *   start   first address of the mapping, hex
 *   end     address after its end, hex
 *   perms   r w x and p (private) or s (shared), '-' for a missing one
 *   offset  offset into the file, hex (0 for anonymous memory)
 *   dev     the file's device, MAJOR:MINOR in hex (00:00 for anonymous memory)
 *   inode   the file's inode number (0 for anonymous memory)
 *   path    the file's path (" (deleted)" appended if it was unlinked), or
 *           [heap], [stack], [vdso], [vvar], [anon:NAME] ... as
 *           /proc/PID/maps names them; empty for other anonymous memory
 *
 * Differences from /proc/PID/maps: no [vsyscall] row (that page is not one of
 * the process's mappings), and a file on an overlay filesystem shows the
 * path, device and inode of the file underneath.
 */
#define VIEW_STR_MAX	4096	/* PATH_MAX */
#define VIEW_FACT_PAGE_SHIFT
#include "view.h"
#include "task_ns.h"
#include <bpf/bpf_core_read.h>

VIEW_DOC("memory mappings of a process (pid = N) or all processes, like /proc/PID/maps",
	 "pid start end perms offset dev inode path");

#define VM_READ		0x00000001
#define VM_WRITE	0x00000002
#define VM_EXEC		0x00000004
#define VM_MAYSHARE	0x00000080
#define MINORBITS	20
#define MINORMASK	((1U << MINORBITS) - 1)
#define ANON_NAME_LEN	96	/* ANON_VMA_NAME_MAX_LEN (80) and a NUL */

/* vma->anon_name exists with CONFIG_ANON_VMA_NAME only. */
struct vm_area_struct___named {
	struct anon_vma_name *anon_name;
} __attribute__((preserve_access_index));

static __always_inline struct anon_vma_name *anon_name(struct vm_area_struct *vma)
{
	if (!bpf_core_field_exists(((struct vm_area_struct___named *)vma)->anon_name))
		return NULL;
	return BPF_CORE_READ((struct vm_area_struct___named *)vma, anon_name);
}

/* "[" prefix name "]" into buf->str; returns its length. */
static __always_inline __u32 load_bracketed(struct view_buf *buf, const char *prefix,
					    const char *name)
{
	long n = BPF_SNPRINTF(buf->str, VIEW_STR_MAX, "[%s%s]", prefix, name);

	return n > 0 ? n - 1 : 0;
}

/* The path column into buf->str, as fs/proc/task_mmu.c names a mapping. */
static __always_inline __u32 load_path(struct view_buf *buf, struct vm_area_struct *vma)
{
	struct anon_vma_name *anon = anon_name(vma);
	struct mm_struct *mm = vma->vm_mm;
	const struct vm_operations_struct *ops = vma->vm_ops;
	char name[ANON_NAME_LEN];
	long n;

	if (vma->vm_file) {
		if (anon) {
			bpf_probe_read_kernel_str(name, sizeof(name), anon->name);
			return load_bracketed(buf, "anon_shmem:", name);
		}
		n = bpf_d_path((struct path *)&vma->vm_file->f_path, buf->str, VIEW_STR_MAX);
		return n > 0 ? n - 1 : 0;
	}
	/* only special mappings ([vdso], [vvar], [uprobes], ...) name themselves */
	if (ops && BPF_CORE_READ(ops, name) && vma->vm_private_data) {
		const char *s = BPF_CORE_READ((struct vm_special_mapping *)vma->vm_private_data,
					      name);

		if (s)
			return view_load(buf, s);
	}
	if (!mm)
		return view_load(buf, "[vdso]");
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return view_load(buf, "[heap]");
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return view_load(buf, "[stack]");
	if (anon) {
		bpf_probe_read_kernel_str(name, sizeof(name), anon->name);
		return load_bracketed(buf, "anon:", name);
	}
	return 0;
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    PID START        END          PERMS OFFSET   DEV         INODE PATH\n",
		    "pid,start,end,perms,offset,dev,inode,path\n",
		    "");
}

/* The row; VIEW_RETRY without the scratch. */
static __always_inline int print_vma(struct seq_file *seq, int pid,
				     struct vm_area_struct *vma)
{
	struct view_buf *buf = view_buf();
	unsigned long flags = vma->vm_flags, ino = 0;
	__u64 offset = 0;
	__u32 dev = 0;

	if (!buf)
		return VIEW_RETRY;
	if (vma->vm_file) {
		struct inode *inode = vma->vm_file->f_inode;

		dev = inode->i_sb->s_dev;
		ino = inode->i_ino;
		offset = (__u64)vma->vm_pgoff << fact_page_shift;
	}
	VIEW_PRINTF(seq,
		    "%7d %012lx %012lx %c%c%c%c  %08llx %02x:%02x %10lu ",
		    "%d,%08lx,%08lx,%c%c%c%c,%08llx,%02x:%02x,%lu,",
		    "{\"pid\":%d,\"start\":\"%08lx\",\"end\":\"%08lx\",\"perms\":\"%c%c%c%c\","
		    "\"offset\":\"%08llx\",\"dev\":\"%02x:%02x\",\"inode\":%lu,\"path\":",
		    pid, vma->vm_start, vma->vm_end,
		    flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		    flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		    offset, dev >> MINORBITS, dev & MINORMASK, ino);
	view_str(seq, buf, load_path(buf, vma));
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
	return 0;
}

SEC("iter/task_vma")
int vmas(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct vm_area_struct *vma = ctx->vma;
	char name[VIEW_COMM_LEN];
	struct task_ids ids;

	view_keep_alive(ctx->meta, vma);
	if (view_header_due(ctx->meta, vma))
		print_header(seq);
	if (!task || !vma)
		return 0;
	view_task_comm(task, name);
	if (!view_comm_match(name) || !task_shown(task, &ids))
		return 0;
	return print_vma(seq, ids.pid, vma);
}
