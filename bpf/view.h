/* SPDX-License-Identifier: GPL-2.0 */
/*
 * view.h - what the bpfviews built-in view programs share.
 *
 * Include it exactly once, from the view's .bpf.c.  It defines the two
 * parameters every built-in view has (const volatile, so they live in
 * .rodata and bpfviews sets them from the manifest before loading):
 *
 *   format  enum view_format  table (default), csv, json or prometheus
 *                             (prometheus: only in the views that have
 *                             VIEW_METRICS; prom.h)
 *   comm    char[8][16]       up to 8 task names; all empty: every task;
 *                             an entry ending in '*' matches a prefix
 *
 * and the helpers that filter by name, print the header once per read and
 * write strings escaped for the chosen format.
 *
 * A view may define before including:
 *   VIEW_STR_MAX     size of the string scratch, a power of 2 (default: a comm)
 *   VIEW_BUF_EXTRA   member declarations added to its scratch (struct view_buf)
 *   VIEW_NUL_SPLITS  json: a NUL in a string separates two strings of a list
 *                    ("a\0b" is written "a","b"; the view adds the brackets)
 */
#ifndef BPFVIEWS_VIEW_H
#define BPFVIEWS_VIEW_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "filters.h"
#include "facts.h"

#define VIEW_COMM_LEN	16	/* TASK_COMM_LEN */
#define VIEW_COMM_MAX	FILTER_MAX	/* entries in the comm parameter */
#ifndef VIEW_OUT_MAX	/* a view may define it (a power of 2) */
#define VIEW_OUT_MAX	256	/* output staged before each bpf_seq_write */
#endif
_Static_assert(!(VIEW_OUT_MAX & (VIEW_OUT_MAX - 1)), "VIEW_OUT_MAX: a power of 2");
#define VIEW_ROW_SLACK	64	/* room past it for fixed-size copies */
#define VIEW_NUM_END	24	/* a number's digits end at num[VIEW_NUM_END - 1] */
#define VIEW_NUM_SIZE	64	/* room for a 24-byte copy from any digit */
#ifndef VIEW_STR_MAX
#define VIEW_STR_MAX	VIEW_COMM_LEN
#endif
_Static_assert(!(VIEW_STR_MAX & (VIEW_STR_MAX - 1)), "VIEW_STR_MAX: a power of 2");
_Static_assert(VIEW_STR_MAX >= VIEW_COMM_LEN, "VIEW_STR_MAX: room for a task name");

char _license[] SEC("license") = "GPL";

/* What `bpfviews programs` shows: a one-line summary and the columns. Static,
 * so the tool reads them from the object's BTF but never takes them for
 * parameters. */
#define VIEW_DOC(summary, columns)							\
	static const char view_summary[] __attribute__((used)) = summary;		\
	static const char view_columns[] __attribute__((used)) = columns

/* A short name and its length, 16 bytes (a fixed-size copy for the row
 * builder): VIEW_NAME("ESTAB"). */
struct view_name {
	char s[15];
	__u8 len;
} __attribute__((aligned(8)));
#define VIEW_NAME(str)	{ str, sizeof(str) - 1 }

/* Names the bool parameter that makes the view print kernel addresses: the
 * tool then refuses a world-readable mode unless the manifest says
 * expose_addresses = yes. */
#define VIEW_ADDRESSES(param)								\
	static const char view_addresses[] __attribute__((used)) = #param

/* bpfviews writes its digest of the view here at load (bpftool prog show prints it) */
static const volatile __u64 bpf_metadata_bpfviews_stamp __attribute__((used)) = 0;

enum view_format {
	VIEW_FORMAT_TABLE,
	VIEW_FORMAT_CSV,
	VIEW_FORMAT_JSON,
	VIEW_FORMAT_PROMETHEUS,
};

/* The series a view prints with format = prometheus (prom.h), one line each
 * for `bpfviews programs`; the tool refuses that format for a built-in
 * without them. */
#define VIEW_METRICS(series)								\
	static const char view_metrics[] __attribute__((used)) = series

const volatile enum view_format format = VIEW_FORMAT_TABLE;
#ifndef VIEW_NO_COMM	/* views of things that are not tasks have no comm filter */
const volatile char comm[VIEW_COMM_MAX][VIEW_COMM_LEN] = {};
#endif

/* A memo of a row's segment (view_memo_hit() below), for VIEW_BUF_EXTRA. */
#define VIEW_MEMO_MAX	VIEW_ROW_SLACK	/* one fixed-size copy */

struct view_memo {
	__u64 key[3];
	__u32 len;		/* 0: none kept */
	char text[VIEW_MEMO_MAX];
};

/*
 * Scratch memory.  It is task-local storage of the task reading the view,
 * not a per-CPU array: an iterator program runs with migration disabled but
 * may be preempted (PREEMPT_RCU), so a second reader of the same view on the
 * same CPU could overwrite a per-CPU buffer half way through a row.  A task
 * runs one read at a time, so its own buffer cannot be shared.  Nothing in it
 * outlives the call that fills it but memos (view_memo_hit()), which are
 * right whatever happened between.
 */
struct view_buf {
#ifdef VIEW_BUF_EXTRA
	VIEW_BUF_EXTRA
#endif
	/* escaped output (or a whole row), staged; VIEW_ROW_SLACK bytes past
	 * VIEW_OUT_MAX let a masked index take a fixed-size copy */
	char out[VIEW_OUT_MAX + VIEW_ROW_SLACK];
	char str[VIEW_STR_MAX];		/* the string being written */
#ifdef VIEW_ROW
	char num[VIEW_NUM_SIZE];	/* a number's digits (view_put_u()) */
#endif
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct view_buf);
} view_scratch SEC(".maps");

/* The reader's scratch, or NULL if it could not be allocated. */
static __always_inline struct view_buf *view_buf(void)
{
	return bpf_task_storage_get(&view_scratch, bpf_get_current_task_btf(),
				    0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/*
 * What a program returns for an object it cannot show without its scratch
 * (the task storage could not be allocated): 1 asks the kernel to show the
 * same object again (bpf_iter_run_prog() makes it -EAGAIN for the seq_file's
 * show, and bpf_seq_read() ends the read before the object, whose output is
 * dropped, and starts the next read with it; a read that has nothing yet
 * fails with EAGAIN).  So no row is left out or printed with fields missing.
 */
#define VIEW_RETRY	1

/*
 * Facts the loader gives the program (facts.h).  A view that uses one
 * defines before including:
 *   VIEW_FACT_PAGE_SHIFT   (defined) fact_page_shift
 *   VIEW_FACT_TYPES        fact_prog_type_names, fact_map_type_names or
 *                          fact_link_type_names: that table, and
 *                          view_type_name() over it
 */
#ifdef VIEW_FACT_PAGE_SHIFT
static const volatile __u32 fact_page_shift __attribute__((used)) = FACT_PAGE_SHIFT_DEFAULT;
#endif

#ifdef VIEW_FACT_TYPES
static const volatile char VIEW_FACT_TYPES[FACT_TYPES][FACT_TYPE_NAME]
	__attribute__((used)) = {};

/* bpftool's name of type t, NULL if it has none. */
static __always_inline const char *view_type_name(__u32 t)
{
	if (t >= FACT_TYPES || !VIEW_FACT_TYPES[t][0])
		return NULL;
	return (const char *)VIEW_FACT_TYPES[t];
}
#endif

/*
 * Printf in the view's format: the three format strings take the same
 * arguments.  format is read-only, so the verifier keeps one branch.
 */
#define VIEW_PRINTF(seq, table, csv, json, args...)			\
	do {								\
		if (format == VIEW_FORMAT_JSON)				\
			BPF_SEQ_PRINTF(seq, json, ##args);		\
		else if (format == VIEW_FORMAT_CSV)			\
			BPF_SEQ_PRINTF(seq, csv, ##args);		\
		else							\
			BPF_SEQ_PRINTF(seq, table, ##args);		\
	} while (0)

#ifdef VIEW_FACT_TYPES
/* The type column: bpftool's name of type t, or its number. */
static __always_inline void view_print_type(struct seq_file *seq, __u32 t)
{
	const char *s = view_type_name(t);

	if (s)
		VIEW_PRINTF(seq, "%-16s ", "%s,", "\"type\":\"%s\",", s);
	else
		VIEW_PRINTF(seq, "%-16u ", "%u,", "\"type\":\"%u\",", t);
}
#endif

/*
 * Whether this call prints the header (table and csv; json has none).
 *
 * The kernel (kernel/bpf/bpf_iter.c) numbers the objects of one open file
 * 0, 1, 2, ... in meta->seq_num whether or not the program prints anything
 * for them, so the call for object 0 prints it, before any filtering.  The
 * final call (object NULL) also sees seq_num 0 when there were no objects
 * and when there was exactly one; in the second case the header is still
 * in the buffer of this same read() (the final call follows the last
 * object's call in the same read), so an empty buffer means no objects.
 */
static __always_inline bool view_header_due(struct bpf_iter_meta *meta,
					    void *obj)
{
	if (format == VIEW_FORMAT_JSON || format == VIEW_FORMAT_PROMETHEUS ||
	    meta->seq_num != 0)
		return false;
	return obj || meta->seq->count == 0;
}

/*
 * Keeps a silent read alive; every program calls it first, for every object.
 * The kernel's read loop (bpf_seq_read) fails a read() with EAGAIN when it
 * has walked MAX_ITER_OBJECTS (1,000,000) objects and has nothing to return,
 * which a filter that matches none of a million files would do.  So the
 * call for an object whose number is a multiple of 2^19 writes one byte if
 * this read has nothing yet: any million objects in a row include such a
 * number.  The byte does no harm in its format: a space in json (white
 * space before the next object on its line), a newline in table and csv (a
 * blank line, which csv readers skip).
 */
#define VIEW_KEEP_ALIVE_EVERY	(1 << 19)

static __always_inline void view_keep_alive(struct bpf_iter_meta *meta, void *obj)
{
	static const char sp[] = " ", nl[] = "\n";

	if (!obj || !meta->seq_num || (meta->seq_num & (VIEW_KEEP_ALIVE_EVERY - 1)) ||
	    meta->seq->count)
		return;
	bpf_seq_write(meta->seq, format == VIEW_FORMAT_JSON ? sp : nl, 1);
}

/*
 * Copy a task's name to a stack buffer of VIEW_COMM_LEN bytes: two 8-byte
 * loads through the task pointer, not a string-copy helper call (byte by
 * byte): a filtered read of the tasks and stacks views among 5k tasks takes
 * a third less time (make bench).  The verifier allows loads wider than a
 * char within the comm array; comm is NUL-terminated in the kernel, and the
 * last byte is forced to NUL in case a rename tears it.
 */
static __always_inline void view_task_comm(struct task_struct *t, char *name)
{
	*(__u64 *)&name[0] = *(__u64 *)&t->comm[0];
	*(__u64 *)&name[8] = *(__u64 *)&t->comm[8];
	name[VIEW_COMM_LEN - 1] = 0;
}

/*
 * Bytes before the first NUL of the 8 at x (8 if none), without a branch per
 * byte.  VIEW_ANY_BELOW(x, 1) marks the first NUL byte exactly (a borrow can
 * mark only bytes above it); the 0xff bytes under the lowest mark are summed
 * by a multiply.  (The word tests are those of view_word_escapes() below.)
 */
#define VIEW_ONES		0x0101010101010101ULL
#define VIEW_HIGHS		0x8080808080808080ULL
#define VIEW_ANY_BELOW(x, n)	(((x) - VIEW_ONES * (n)) & ~(x) & VIEW_HIGHS)
#define VIEW_ANY_EQ(x, c)	VIEW_ANY_BELOW((x) ^ (VIEW_ONES * (c)), 1)

static __always_inline __u64 view_word_len(__u64 x)
{
	__u64 z = VIEW_ANY_BELOW(x, 1);
	__u64 below = (z & -z) - 1;	/* all ones for z == 0 */

	return (((below >> 7) & VIEW_ONES) * VIEW_ONES) >> 56;
}

/*
 * Copy a task's name (view_task_comm()'s copy, NUL-terminated in its 16
 * bytes) to buf->str; returns its length.  Two word stores and arithmetic:
 * a string-copy helper call was a tenth of a sockets row.
 */
static __always_inline __u32 view_load_comm(struct view_buf *buf, const char *name)
{
	__u64 a = *(const __u64 *)&name[0], c = *(const __u64 *)&name[8];
	__u64 la = view_word_len(a);

	*(__u64 *)&buf->str[0] = a;
	*(__u64 *)&buf->str[8] = c;
	return la + (la >> 3) * view_word_len(c);	/* c counts if a has no NUL */
}

#ifndef VIEW_NO_COMM
/* Whether name (a task's comm) passes the comm parameter. */
static __always_inline bool view_comm_match(const char *name)
{
	return FILTER_NAME(comm, name);
}
#endif

/* The one-letter state of a task, as fs/proc/array.c reports it. */
#define VIEW_TASK_REPORT	0x7f	/* R S D T t X Z P bits */
#define VIEW_TASK_IDLE		0x402	/* TASK_UNINTERRUPTIBLE | TASK_NOLOAD */
#define VIEW_TASK_RTLOCK_WAIT	0x1000
#define VIEW_TASK_FROZEN	0x8000

static __always_inline char view_task_state(struct task_struct *t)
{
	unsigned int st = t->__state;
	unsigned int s = (st | t->exit_state) & VIEW_TASK_REPORT;

	if (st & (VIEW_TASK_RTLOCK_WAIT | VIEW_TASK_FROZEN))
		return 'D';
	if ((st & VIEW_TASK_IDLE) == VIEW_TASK_IDLE)
		return 'I';
	/* task_state_array[fls(s)] */
	if (s & 0x40)
		return 'P';
	if (s & 0x20)
		return 'Z';
	if (s & 0x10)
		return 'X';
	if (s & 0x08)
		return 't';
	if (s & 0x04)
		return 'T';
	if (s & 0x02)
		return 'D';
	if (s & 0x01)
		return 'S';
	return 'R';
}

/*
 * String output.  view_str() writes buf->str[0..len) as one field:
 *   table  as is, control characters shown as '?'
 *   csv    quoted (RFC 4180, quotes doubled) if it has , " CR or LF
 *   json   quoted and escaped; bytes that are not valid UTF-8 become U+FFFD
 *   prometheus  escaped as a label value (the caller writes the quotes)
 * The escaped bytes are staged in buf->out and written in chunks.
 */
struct view_emit {
	struct seq_file *seq;
	struct view_buf *buf;
	__u32 len;	/* bytes of buf->str to write */
	__u32 n;	/* bytes staged in buf->out */
	__u32 cont;	/* json: continuation bytes of a checked UTF-8 char */
	__u32 total;	/* bytes written so far */
	bool plain;	/* the string needs no escaping (so far) */
};

static __always_inline void view_flush(struct view_emit *e)
{
	__u32 n = e->n;

	if (n > VIEW_OUT_MAX)
		n = VIEW_OUT_MAX;
	if (n)
		bpf_seq_write(e->seq, e->buf->out, n);
	e->total += n;
	e->n = 0;
}

/* Length of the valid UTF-8 sequence at str[i], 0 if it is not one. */
static __always_inline __u32 view_utf8_len(const char *str, __u32 i, __u32 len)
{
	unsigned char c = str[i & (VIEW_STR_MAX - 1)], c1, lo = 0x80, hi = 0xbf;
	__u32 n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (c == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	if (i + n > len || i + n > VIEW_STR_MAX)
		return 0;
	c1 = str[(i + 1) & (VIEW_STR_MAX - 1)];
	if (c1 < lo || c1 > hi)
		return 0;
	for (__u32 k = 2; k < n; k++) {
		c1 = str[(i + k) & (VIEW_STR_MAX - 1)];
		if ((c1 & 0xc0) != 0x80)
			return 0;
	}
	return n;
}

static __always_inline char view_hex(unsigned char x)
{
	return x < 10 ? '0' + x : 'a' + x - 10;
}

/* Stage "\\u" and four characters at out[n]; returns the new n. */
static __always_inline __u32 view_uescape(char *out, __u32 n, char a, char b,
					  char c, char d)
{
	out[n] = '\\';
	out[n + 1] = 'u';
	out[n + 2] = a;
	out[n + 3] = b;
	out[n + 4] = c;
	out[n + 5] = d;
	return n + 6;
}

/* Stage the json form of c, byte i of the string, at out[n]; returns the new n. */
static __always_inline __u32 view_json_char(struct view_emit *e, char *out,
					    __u32 n, unsigned char c, __u32 i)
{
	if (e->cont) {
		e->cont--;	/* rest of a valid UTF-8 character */
	} else if (c == '"' || c == '\\') {
		out[n++] = '\\';
#ifdef VIEW_NUL_SPLITS
	} else if (!c) {	/* end this string of the list, start the next */
		out[n] = '"';
		out[n + 1] = ',';
		out[n + 2] = '"';
		return n + 3;
#endif
	} else if (c < 0x20) {
		return view_uescape(out, n, '0', '0', view_hex(c >> 4), view_hex(c & 0xf));
	} else if (c >= 0x80) {
		e->cont = view_utf8_len(e->buf->str, i, e->len);
		if (!e->cont)
			return view_uescape(out, n, 'f', 'f', 'f', 'd');
		e->cont--;
	}
	out[n] = c;
	return n + 1;
}

/* Stage the Prometheus label-value form of c, byte i of the string, at
 * out[n]: \\, \" and \n escaped, bytes that are not valid UTF-8 as U+FFFD
 * (the text format is UTF-8; its parsers refuse anything else). */
static __always_inline __u32 view_prom_char(struct view_emit *e, char *out,
					    __u32 n, unsigned char c, __u32 i)
{
	if (e->cont) {
		e->cont--;
	} else if (c == '"' || c == '\\') {
		out[n++] = '\\';
	} else if (c == '\n') {
		out[n] = '\\';
		out[n + 1] = 'n';
		return n + 2;
	} else if (c >= 0x80) {
		e->cont = view_utf8_len(e->buf->str, i, e->len);
		if (!e->cont) {
			out[n] = 0xef;
			out[n + 1] = 0xbf;
			out[n + 2] = 0xbd;
			return n + 3;
		}
		e->cont--;
	}
	out[n] = c;
	return n + 1;
}

/* Stage byte i of the string (bpf_loop callback). */
static long view_emit_char(__u32 i, void *data)
{
	struct view_emit *e = data;
	char *out = e->buf->out;
	__u64 k = i;
	unsigned char c;
	__u32 n;

	barrier_var(k);		/* bound the register that indexes */
	if (k >= VIEW_STR_MAX)
		return 1;
	c = e->buf->str[k];
	if (e->n > VIEW_OUT_MAX - 8)
		view_flush(e);
	n = e->n;
	if (n > VIEW_OUT_MAX - 8)
		return 1;
	if (format == VIEW_FORMAT_JSON) {
		n = view_json_char(e, out, n, c, i);
	} else if (format == VIEW_FORMAT_PROMETHEUS) {
		n = view_prom_char(e, out, n, c, i);
	} else if (format == VIEW_FORMAT_CSV) {
		if (c == '"')
			out[n++] = '"';
		out[n++] = c;
	} else {
		out[n++] = c < 0x20 || c == 0x7f ? '?' : c;
	}
	e->n = n;
	return 0;
}

/*
 * Whether a string needs no escaping in the format, 8 bytes at a time (word
 * tests from "Bit Twiddling Hacks": any byte below n, any byte equal to c):
 *   table  no control character (below 0x20, or 0x7f)
 *   csv    no , " CR or LF
 *   json   printable ASCII without " and \ (other bytes need the UTF-8 check)
 *   prometheus  ASCII without " \ and LF
 */
static __always_inline __u64 view_word_escapes(__u64 x)
{
	if (format == VIEW_FORMAT_CSV)
		return VIEW_ANY_EQ(x, ',') | VIEW_ANY_EQ(x, '"') |
		       VIEW_ANY_EQ(x, '\n') | VIEW_ANY_EQ(x, '\r');
	if (format == VIEW_FORMAT_JSON)
		return (x & VIEW_HIGHS) | VIEW_ANY_EQ(x, '"') | VIEW_ANY_EQ(x, '\\') |
		       VIEW_ANY_BELOW(x, 0x20) | VIEW_ANY_EQ(x, 0x7f);
	if (format == VIEW_FORMAT_PROMETHEUS)
		return (x & VIEW_HIGHS) | VIEW_ANY_EQ(x, '"') | VIEW_ANY_EQ(x, '\\') |
		       VIEW_ANY_EQ(x, '\n');
	return VIEW_ANY_BELOW(x, 0x20) | VIEW_ANY_EQ(x, 0x7f);
}

/* The 8 bytes at s, those from len on (len < 8) replaced by plain ones. */
static __always_inline __u64 view_word(const char *s, __u64 len)
{
	__u64 x = *(const __u64 *)s, keep;

	if (len >= 8)
		return x;
	keep = (1ULL << (len * 8)) - 1;
	return (x & keep) | (VIEW_ONES * 'a' & ~keep);
}

/* Word i of buf->str[0..len) (bpf_loop callback): clears e->plain, which
 * view_plain_str() sets, if it needs escaping.  Bytes past len count as
 * plain. */
static long view_plain_word(__u32 i, void *data)
{
	struct view_emit *e = data;
	__u64 k = (__u64)i * 8;

	barrier_var(k);
	if (k > VIEW_STR_MAX - 8 || k >= e->len)
		return 1;
	e->plain = !view_word_escapes(view_word(&e->buf->str[k], e->len - k));
	return !e->plain;
}

/* Whether buf->str[0..len) needs no escaping in the format. */
static __always_inline bool view_plain_str(struct view_buf *buf, __u32 len)
{
	struct view_emit e = { .buf = buf, .len = len, .plain = true };

	if (len > VIEW_STR_MAX)
		return false;
	bpf_loop((len + 7) / 8, view_plain_word, &e, 0);
	return e.plain;
}

static __always_inline void view_quote(struct seq_file *seq)
{
	char q = '"';

	bpf_seq_write(seq, &q, 1);
}

/* buf->str[0..len) as it is, in quotes for json: a string view_plain_str()
 * passed.  Returns the bytes written. */
static __always_inline __u32 view_plain_write(struct seq_file *seq, struct view_buf *buf,
					      __u32 len)
{
	__u64 n = len;

	barrier_var(n);
	if (format == VIEW_FORMAT_JSON)
		view_quote(seq);
	if (n > 0 && n <= VIEW_STR_MAX)
		bpf_seq_write(seq, buf->str, n);
	if (format == VIEW_FORMAT_JSON)
		view_quote(seq);
	return len + (format == VIEW_FORMAT_JSON ? 2 : 0);
}

/* Write buf->str[0..len) as a field; returns the bytes written. */
static __always_inline __u32 view_str(struct seq_file *seq, struct view_buf *buf,
				      __u32 len)
{
	struct view_emit e = { .seq = seq, .buf = buf, .len = len };
	bool quote;

	if (e.len > VIEW_STR_MAX)
		e.len = VIEW_STR_MAX;
	if (view_plain_str(buf, e.len))
		return view_plain_write(seq, buf, e.len);
	/* csv: a string that needs escaping needs the quotes */
	quote = format == VIEW_FORMAT_JSON || format == VIEW_FORMAT_CSV;
	if (quote)
		view_quote(seq);
	bpf_loop(e.len, view_emit_char, &e, 0);
	view_flush(&e);
	if (quote)
		view_quote(seq);
	return e.total + (quote ? 2 : 0);
}

/* Copy a string to buf->str; returns its length. */
static __always_inline __u32 view_load(struct view_buf *buf, const char *s)
{
	long len = bpf_probe_read_kernel_str(buf->str, VIEW_STR_MAX, s);

	return len > 0 ? len - 1 : 0;
}

/* Write a string (kernel or stack memory) as a field, through buf. */
static __always_inline __u32 view_kstr(struct seq_file *seq,
				       struct view_buf *buf, const char *s)
{
	return view_str(seq, buf, view_load(buf, s));
}

/* Spaces after a table field of n bytes, up to width. */
static __always_inline void view_pad(struct seq_file *seq, __u32 n, __u32 width)
{
	char sp[VIEW_COMM_LEN] = "                ";
	__u64 pad = n < width ? width - n : 0;

	barrier_var(pad);	/* check the register that is passed */
	if (pad > 0 && pad <= sizeof(sp))
		bpf_seq_write(seq, sp, pad);
}

#ifdef VIEW_ROW
/*
 * Row builder (a view defines VIEW_ROW before including): a row is staged in
 * buf->out from offset 0 and written with one bpf_seq_write, which costs a
 * fraction of bpf_seq_printf's format parsing.  Each view_put_*() takes the
 * offset n and returns the new one; indexes are masked to VIEW_OUT_MAX, and a
 * put that would not fit (the caller keeps a row well under VIEW_OUT_MAX) is
 * dropped.  The number writers are global functions: the verifier checks
 * them once, for any value, instead of once per digit count at each call.
 */
#define VIEW_AT(n)	((n) & (VIEW_OUT_MAX - 1))

/*
 * Copy len bytes (a constant) 8 at a time, whatever the alignment of dst and
 * src: byte by byte, a row's copies were a quarter of its instructions.  The
 * places are not always aligned; the verifier checks the alignment of the
 * scratch (a map value) only on architectures without efficient unaligned
 * access, and the JITs of the others (x86, arm64) load and store anywhere.
 */
#define VIEW_COPY(dst, src, len)						\
	__builtin_memcpy(__builtin_assume_aligned(dst, 8),			\
			 __builtin_assume_aligned(src, 8), len)

static const char view_spaces[32] __attribute__((aligned(8))) =
	"                                ";

/* "00" to "99", for two digits at a time; padded to 256 for a masked index. */
static const char view_digit_pairs[256] __attribute__((aligned(8))) =
	"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
	"5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/*
 * The decimal digits of v, right to left, ending at num[VIEW_NUM_END - 1],
 * two at a time; returns their count.  Values below 2^32 divide by 100 as a
 * multiply and a shift (exact for them): the JIT's div is the slowest
 * instruction of a row.  Counting while writing spares a pass that counts
 * first (a tenth of view_put_u()'s instructions for a 10-digit number).
 */
static __always_inline __u32 view_num(struct view_buf *b, __u64 v)
{
	__u32 end = VIEW_NUM_END;

	for (int i = 0; i < 10; i++) {
		__u64 q = v < 0x100000000ULL ? (v * 1374389535ULL) >> 37 : v / 100;
		__u32 r = (v - q * 100) & 127;

		if (v < 10) {
			b->num[end - 1] = '0' + v;
			end--;
			break;
		}
		b->num[end - 1] = view_digit_pairs[2 * r + 1];
		b->num[end - 2] = view_digit_pairs[2 * r];
		end -= 2;
		v = q;
		if (!v)
			break;
	}
	return VIEW_NUM_END - end;
}

/*
 * The number in num (its len bytes end at num[VIEW_NUM_END - 1]), right-aligned
 * to width: 24 spaces, then 24 bytes from the first digit (the bytes after
 * the number are overwritten by the rest of the row or lie past it).
 */
static __always_inline __u32 view_put_num(struct view_buf *b, __u32 n, __u32 len,
					  __u32 width)
{
	__u32 pad = width > len ? width - len : 0;

	if (pad > 24)
		pad = 24;
	VIEW_COPY(&b->out[VIEW_AT(n)], view_spaces, 24);
	n += pad;
	VIEW_COPY(&b->out[VIEW_AT(n)], &b->num[(VIEW_NUM_END - len) & 31], 24);
	return n + len;
}

/* v in decimal, right-aligned to width (as "%*llu"). */
__noinline int view_put_u(struct view_buf *b, __u32 n, __u64 v, __u32 width)
{
	if (!b || n > VIEW_OUT_MAX - 48)
		return n;
	return view_put_num(b, n, view_num(b, v), width);
}

/* v in decimal, right-aligned to width (as "%*lld"). */
__noinline int view_put_s(struct view_buf *b, __u32 n, __s64 v, __u32 width)
{
	__u32 len;

	if (!b || n > VIEW_OUT_MAX - 48)
		return n;
	len = view_num(b, v < 0 ? -(__u64)v : v);
	if (v < 0)
		b->num[(VIEW_NUM_END - ++len) & 31] = '-';
	return view_put_num(b, n, len, width);
}

static __always_inline __u32 view_put_c(struct view_buf *b, __u32 n, char c)
{
	b->out[VIEW_AT(n)] = c;
	return n + 1;
}

/* A string literal (at most VIEW_ROW_SLACK bytes). */
#define view_put_lit(b, n, lit)							\
	({									\
		_Static_assert(sizeof(lit) - 1 <= VIEW_ROW_SLACK, "literal too long"); \
		static const char lit_[] __attribute__((aligned(8))) = lit;	\
		VIEW_COPY(&(b)->out[VIEW_AT(n)], lit_, sizeof(lit) - 1);	\
		(n) + sizeof(lit) - 1;						\
	})

/*
 * One row, one sequence of puts for the three formats: view_put_open()
 * starts it ('{' in json), view_put_key() goes before every field but the
 * first (json: the literal ",\"key\":"; csv: ','; table: ' ') and
 * VIEW_W(width) pads a number only in the table.
 */
#define VIEW_W(width)	(format == VIEW_FORMAT_TABLE ? (width) : 0)
#define view_put_key(b, n, json)						\
	(format == VIEW_FORMAT_JSON ? view_put_lit(b, n, json) :		\
	 view_put_c(b, n, format == VIEW_FORMAT_CSV ? ',' : ' '))
#define view_put_open(b, json)							\
	(format == VIEW_FORMAT_JSON ? view_put_lit(b, 0, json) : 0)

/* n spaces, at most 32. */
static __always_inline __u32 view_put_pad(struct view_buf *b, __u32 n, __u32 pad)
{
	VIEW_COPY(&b->out[VIEW_AT(n)], view_spaces, 32);
	return n + (pad > 32 ? 32 : pad);
}

/* Spaces after a field of used bytes, up to width (view_pad() of a row). */
static __always_inline __u32 view_put_fill(struct view_buf *b, __u32 n, __u32 used,
					   __u32 width)
{
	return view_put_pad(b, n, used < width ? width - used : 0);
}

/* Centiseconds as seconds with 2 decimals, the integer part right-aligned
 * to width (as "%*llu.%02llu" of cs / 100, cs % 100). */
static __always_inline __u32 view_put_cs(struct view_buf *b, __u32 n, __u64 cs,
					 __u32 width)
{
	__u32 c = cs % 100;

	n = view_put_u(b, n, cs / 100, width);
	n = view_put_c(b, n, '.');
	n = view_put_c(b, n, '0' + c / 10);
	return view_put_c(b, n, '0' + c % 10);
}

/*
 * Memos: the bytes a segment of the row was written as, kept in the reader's
 * scratch with the values (up to three words) it was written from.  A row
 * whose values are those of the memo copies the bytes instead of writing
 * them again: many sockets share a process, a namespace, a kind and an
 * address.  The bytes are a function of the values and the format alone,
 * so a memo is right whenever its key matches, whatever was read between.
 * A view declares `struct view_memo NAME;` members in VIEW_BUF_EXTRA.
 */

/* Whether m holds the segment for k0, k1, k2. */
static __always_inline bool view_memo_hit(const struct view_memo *m, __u64 k0, __u64 k1,
					  __u64 k2)
{
	return m->len && m->key[0] == k0 && m->key[1] == k1 && m->key[2] == k2;
}

/* The kept segment, at the row's n. */
static __always_inline __u32 view_memo_put(struct view_buf *b, const struct view_memo *m,
					   __u32 n)
{
	VIEW_COPY(&b->out[VIEW_AT(n)], m->text, VIEW_MEMO_MAX);
	return n + (m->len & (VIEW_MEMO_MAX - 1));
}

/* Keep the segment the row has from start to n for k0, k1, k2 (one shorter
 * than VIEW_MEMO_MAX; none if the staging was written out between). */
static __always_inline void view_memo_keep(struct view_buf *b, struct view_memo *m,
					   __u64 k0, __u64 k1, __u64 k2, __u32 start, __u32 n)
{
	__u32 len = n - start;

	m->len = 0;
	if (n < start || len >= VIEW_MEMO_MAX)
		return;
	VIEW_COPY(m->text, &b->out[VIEW_AT(start)], VIEW_MEMO_MAX);
	m->key[0] = k0;
	m->key[1] = k1;
	m->key[2] = k2;
	m->len = len;
}

/* Whether str[0..len), len <= VIEW_COMM_LEN, is written as is in the format
 * (json: and needs only the quotes; csv: and needs none): two words, no
 * branch per byte, which the verifier would walk. */
static __always_inline bool view_plain(const char *str, __u32 len)
{
	__u64 l = len;

	return !(view_word_escapes(view_word(str, l)) |
		 view_word_escapes(view_word(str + 8, l > 8 ? l - 8 : 0)));
}

/* Write the row staged in buf->out[0..n). */
static __always_inline void view_row_write(struct seq_file *seq, struct view_buf *buf,
					   __u32 n)
{
	__u64 len = n;

	barrier_var(len);
	if (len > 0 && len <= VIEW_OUT_MAX)
		bpf_seq_write(seq, buf->out, len);
}

/* Close the row: '}' in json, a newline; returns its length. */
static __always_inline __u32 view_row_close(struct view_buf *buf, __u32 n)
{
	if (format == VIEW_FORMAT_JSON)
		n = view_put_c(buf, n, '}');
	return view_put_c(buf, n, '\n');
}

/* End the row and write it. */
static __always_inline void view_row_end(struct seq_file *seq, struct view_buf *buf,
					 __u32 n)
{
	view_row_write(seq, buf, view_row_close(buf, n));
}

/*
 * buf->str[0..len) as a field (view_str()'s escaping), staged after the row
 * so far.  Staging may write out a full buffer in the middle; the rest of the
 * row follows it.
 */
static __always_inline __u32 view_put_str(struct seq_file *seq, struct view_buf *buf,
					  __u32 n, __u32 len)
{
	struct view_emit e = { .seq = seq, .buf = buf, .len = len, .n = n };
	bool quote;

	if (e.len > VIEW_STR_MAX)
		e.len = VIEW_STR_MAX;
	/* A short string that needs no escaping (most task names): copied
	 * whole, without a callback per byte. */
	if (e.len <= VIEW_COMM_LEN) {
		if (view_plain(buf->str, e.len)) {
			if (format == VIEW_FORMAT_JSON)
				n = view_put_c(buf, n, '"');
			VIEW_COPY(&buf->out[VIEW_AT(n)], buf->str, VIEW_COMM_LEN);
			n += e.len;
			if (format == VIEW_FORMAT_JSON)
				n = view_put_c(buf, n, '"');
			return n;
		}
	} else if (view_plain_str(buf, e.len)) {
		/* A longer one that needs no escaping (most paths): the row
		 * so far, then the string from where it is. */
		view_row_write(seq, buf, n);
		view_plain_write(seq, buf, e.len);
		return 0;
	}
	/* csv: a string that needs escaping needs the quotes */
	quote = format == VIEW_FORMAT_JSON || format == VIEW_FORMAT_CSV;
	if (quote)
		e.n = view_put_c(buf, e.n, '"');
	bpf_loop(e.len, view_emit_char, &e, 0);
	if (quote)
		e.n = view_put_c(buf, e.n, '"');
	return e.n;
}

/* view_put_str(), then in a table padded to WIDTH. When the string did not
 * fit and the scratch was written out, n comes back below where the string
 * started: the column is then taken as full. */
static __always_inline __u32 view_put_str_w(struct seq_file *seq, struct view_buf *buf,
					    __u32 n, __u32 len, __u32 width)
{
	__u32 start = n;

	n = view_put_str(seq, buf, n, len);
	if (format == VIEW_FORMAT_TABLE)
		n = view_put_fill(buf, n, n >= start ? n - start : width, width);
	return n;
}

#endif /* VIEW_ROW */

#endif /* BPFVIEWS_VIEW_H */
