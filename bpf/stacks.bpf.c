// SPDX-License-Identifier: GPL-2.0
/*
 * stacks - the kernel stack of every thread, like /proc/PID/task/TID/stack.
 *
 * Parameters (besides format and comm, see view.h; readers and the cgroup
 * filter, see task_ns.h):
 *   max_frames  u32  64  frames shown per thread, innermost first; values
 *                        above 128 count as 128
 *
 * A frame is its symbol, as %pB prints it: "schedule+0x1c/0x60", with
 * " [module]" for a module.  An address with no symbol is shown as "?",
 * never as a number.
 *
 * table: for each thread a line "pid PID tid TID comm COMM", then one line
 *        per frame, indented by four spaces.  No header row.
 * csv:   header "pid,tid,comm,depth,frame", one row per frame; depth 0 is
 *        the innermost frame.
 * json:  one object per frame: {"pid":1,"tid":1,"comm":"systemd","depth":0,
 *        "frame":"ep_poll+0x447/0x460"}
 * A thread without a stack to show (exiting, running on another CPU at that
 * instant, or max_frames 0) still appears: in table as its line alone, in
 * csv and json as one row with depth and frame empty (json: null).
 */
#define MAX_FRAMES	128
#define SYM_MAX		512	/* KSYM_SYMBOL_LEN is 512 + a module name */
#define VIEW_BUF_EXTRA							\
	__u64 frames[MAX_FRAMES];	/* bpf_get_task_stack() */	\
	char sym[SYM_MAX];		/* a frame, symbolised */
#include "view.h"
#include "task_ns.h"

VIEW_DOC("each thread's kernel stack, symbolised, like /proc/PID/stack",
	 "pid tid comm depth frame");

const volatile __u32 max_frames = 64;

struct thread {
	struct seq_file *seq;
	struct task_struct *task;
	struct task_ids ids;	/* as the reader's pid namespace numbers them */
	struct view_buf *buf;	/* the comm in buf->str, the stack in buf->frames */
	__u32 len;		/* of the comm */
	long n;			/* frames */
};

/* Symbolise addr into buf->sym: "?" if it has no symbol. */
static __always_inline void symbolise(struct view_buf *buf, __u64 addr)
{
	static const char fmt[] = "%pB";
	long n = bpf_snprintf(buf->sym, sizeof(buf->sym), fmt, &addr, sizeof(addr));

	if (n <= 1 || (buf->sym[0] == '0' && buf->sym[1] == 'x')) {
		buf->sym[0] = '?';
		buf->sym[1] = 0;
	}
}

/*
 * Frame i of a thread (bpf_loop callback).  table: its line; csv and json:
 * its row, or with i == n == 0 the row of a thread without frames.
 */
static long print_frame(__u32 i, void *data)
{
	struct thread *th = data;
	struct seq_file *seq = th->seq;
	struct view_buf *buf = th->buf;
	bool frame = i < MAX_FRAMES && i < th->n;

	if (frame)
		symbolise(buf, buf->frames[i & (MAX_FRAMES - 1)]);
	if (format == VIEW_FORMAT_TABLE) {
		if (frame)
			BPF_SEQ_PRINTF(seq, "    %s\n", buf->sym);
		return 0;
	}
	VIEW_PRINTF(seq, "", "%d,%d,", "{\"pid\":%d,\"tid\":%d,\"comm\":",
		    th->ids.pid, th->ids.tid);
	view_str(seq, buf, th->len);
	if (frame)	/* symbols need no escaping: no quotes, commas or controls */
		VIEW_PRINTF(seq, "", ",%u,%s\n", ",\"depth\":%u,\"frame\":\"%s\"}\n",
			    i, buf->sym);
	else
		VIEW_PRINTF(seq, "", ",,\n", ",\"depth\":null,\"frame\":null}\n");
	return 0;
}

SEC("iter/task")
int stacks(struct bpf_iter__task *ctx)
{
	__u32 max = max_frames < MAX_FRAMES ? max_frames : MAX_FRAMES;
	struct seq_file *seq = ctx->meta->seq;
	struct thread th = { .seq = seq, .task = ctx->task };
	char name[VIEW_COMM_LEN];

	view_keep_alive(ctx->meta, th.task);
	if (format == VIEW_FORMAT_CSV && view_header_due(ctx->meta, th.task))
		BPF_SEQ_PRINTF(seq, "pid,tid,comm,depth,frame\n");
	if (!th.task)
		return 0;
	view_task_comm(th.task, name);
	if (!view_comm_match(name) || !task_shown(th.task, &th.ids))
		return 0;
	th.buf = view_buf();
	if (!th.buf)
		return VIEW_RETRY;
	th.len = view_load_comm(th.buf, name);
	if (max)
		th.n = bpf_get_task_stack(th.task, th.buf->frames, max * sizeof(__u64), 0);
	th.n = th.n > 0 ? (__u64)th.n / sizeof(__u64) : 0;

	if (format == VIEW_FORMAT_TABLE) {
		BPF_SEQ_PRINTF(seq, "pid %d tid %d comm ", th.ids.pid, th.ids.tid);
		view_str(seq, th.buf, th.len);
		BPF_SEQ_PRINTF(seq, "\n");
	}
	bpf_loop(th.n ? th.n : 1, print_frame, &th, 0);
	return 0;
}
