// SPDX-License-Identifier: GPL-2.0
/*
 * map_dump - the elements of a pinned map, one row per element, each field
 * typed through the map's BTF.
 *
 * Link parameter: map = /sys/fs/bpf/PATH (required).
 * Parameters: format (see view.h).
 *
 * Columns: bpfviews flattens the map's key and value types into fields when
 * the view is applied (src/maplayout.c) and writes them to map_layout:
 *   key, value     a scalar key or value
 *   key.NAME       a member of a struct key
 *   NAME           a member of a struct value (nested: outer.inner, arrays:
 *                  name[0], name[1], ...)
 * Integers print in decimal (signed or not, as their BTF says), bools as
 * true/false, char arrays as text, anything else (pointers, floats, a map
 * without BTF) as hex bytes.  A per-CPU map shows the first CPU's value.
 */
#define VIEW_STR_MAX	512
#define VIEW_BUF_EXTRA	char key[MAP_BYTES_MAX]; char val[MAP_BYTES_MAX]; unsigned char hex[MAP_HEX_MAX];
#define VIEW_NO_COMM
#include <vmlinux.h>
#include "map_dump.h"
#include "view.h"

VIEW_DOC("the elements of a pinned map (map = PATH), typed through the map's BTF",
	 "the map's key and value fields");

/* Written by bpfviews from the map's BTF; static, so not a parameter. */
static const volatile struct map_layout map_layout __attribute__((used)) = {};

struct row {
	struct seq_file *seq;
	struct view_buf *buf;
	bool header;
};

static __always_inline void sep(struct seq_file *seq, __u32 i)
{
	if (!i)
		return;
	if (format == VIEW_FORMAT_TABLE)
		BPF_SEQ_PRINTF(seq, " ");
	else
		BPF_SEQ_PRINTF(seq, ",");
}

/* An integer field, sign-extended as its BTF says. */
static __always_inline __u64 field_int(const char *src, __u32 size, bool is_signed)
{
	__u64 v = 0;
	__u32 shift;

	if (size > 8)
		size = 8;
	bpf_probe_read_kernel(&v, size, src);
	shift = 64 - size * 8;
	if (is_signed && shift && shift < 64)
		v = (__u64)((__s64)(v << shift) >> shift);
	return v;
}

static long hex_byte(__u32 i, void *data)
{
	struct view_buf *buf = *(struct view_buf **)data;
	__u64 k = i;
	unsigned char c;

	barrier_var(k);
	if (k >= MAP_HEX_MAX || 2 * k + 1 >= VIEW_STR_MAX)
		return 1;
	c = buf->hex[k];
	buf->str[2 * k] = view_hex(c >> 4);
	buf->str[2 * k + 1] = view_hex(c & 0xf);
	return 0;
}

/* Bytes as hex, at most MAP_HEX_MAX of them. */
static __always_inline void field_hex(struct seq_file *seq, struct view_buf *buf,
				      const char *src, __u32 size)
{
	if (size > MAP_HEX_MAX)
		size = MAP_HEX_MAX;
	bpf_probe_read_kernel(buf->hex, size, src);
	bpf_loop(size, hex_byte, &buf, 0);	/* bpf_loop's context lives on the stack */
	view_str(seq, buf, 2 * size);
}

static __always_inline void field_value(struct row *r, const volatile struct map_field *f)
{
	__u32 off = f->offset, size = f->size;
	const char *src;
	long len;
	__u64 v;

	if (off >= MAP_BYTES_MAX)
		return;
	src = (f->in_key ? r->buf->key : r->buf->val) + (off & (MAP_BYTES_MAX - 1));
	switch (f->kind) {
	case MAP_FIELD_UNSIGNED:
		BPF_SEQ_PRINTF(r->seq, "%llu", field_int(src, size, false));
		break;
	case MAP_FIELD_SIGNED:
		BPF_SEQ_PRINTF(r->seq, "%lld", field_int(src, size, true));
		break;
	case MAP_FIELD_BOOL:
		v = field_int(src, size, false);
		BPF_SEQ_PRINTF(r->seq, "%s", v ? "true" : "false");
		break;
	case MAP_FIELD_CHARS:
		if (size > VIEW_STR_MAX)
			size = VIEW_STR_MAX;
		len = bpf_probe_read_kernel_str(r->buf->str, size, src);
		view_str(r->seq, r->buf, len > 0 ? len - 1 : 0);
		break;
	default:
		field_hex(r->seq, r->buf, src, size);
	}
}

static long print_field(__u32 i, void *data)
{
	struct row *r = data;
	const volatile struct map_field *f;
	__u64 k = i;

	barrier_var(k);
	if (k >= MAP_FIELDS_MAX || k >= map_layout.nfields)
		return 1;
	f = &map_layout.fields[k];
	sep(r->seq, i);
	if (r->header)
		BPF_SEQ_PRINTF(r->seq, "%s", f->name);
	else if (format == VIEW_FORMAT_JSON)
		BPF_SEQ_PRINTF(r->seq, "\"%s\":", f->name);
	if (!r->header)
		field_value(r, f);
	return 0;
}

static __always_inline void print_row(struct row *r)
{
	bool json = format == VIEW_FORMAT_JSON && !r->header;

	if (json)
		BPF_SEQ_PRINTF(r->seq, "{");
	bpf_loop(MAP_FIELDS_MAX, print_field, r, 0);
	if (json)
		BPF_SEQ_PRINTF(r->seq, "}\n");
	else
		BPF_SEQ_PRINTF(r->seq, "\n");
}

static __always_inline __u32 bounded(__u32 size)
{
	return size < MAP_BYTES_MAX ? size : MAP_BYTES_MAX;
}

SEC("iter/bpf_map_elem")
int map_dump(struct bpf_iter__bpf_map_elem *ctx)
{
	struct row r = { .seq = ctx->meta->seq };
	void *key = ctx->key, *value = ctx->value;

	view_keep_alive(ctx->meta, key);
	if (view_header_due(ctx->meta, key)) {
		r.header = true;
		print_row(&r);
		r.header = false;
	}
	if (!key || !value)
		return 0;
	r.buf = view_buf();
	if (!r.buf)
		return VIEW_RETRY;
	/* Copied with sizes from the layout, not read in place: the kernel
	 * would otherwise require every map to be as large as the largest
	 * offset this program could read. */
	bpf_probe_read_kernel(r.buf->key, bounded(map_layout.key_size), key);
	bpf_probe_read_kernel(r.buf->val, bounded(map_layout.value_size), value);
	print_row(&r);
	return 0;
}
