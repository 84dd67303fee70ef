/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prom.h - format = prometheus: series summed during the walk and printed by
 * the iterator's final call.  A view includes it after view.h.
 *
 * The view counts each object into a group: a label value (a task name, a
 * state) of one kind, with up to PROM_VALUES numbers.  Groups live in a hash
 * map keyed by the read's session (meta->session_id, one per open file,
 * never reused), so readers of their own open files never share one (the
 * seq_file's mutex keeps one file's reads in turn); the final call (object
 * NULL) prints each metric family from them and deletes them.
 *
 * All of the output comes from the final call, which must fit the seq_file
 * buffer (kernel/bpf/bpf_iter.c: PAGE_SIZE << 3; a final call that overflows
 * an empty buffer fails the read with E2BIG).  So a group is made only while
 * the lines it will print, counted at their longest, fit the buffer less
 * PROM_RESERVE (the HELP and TYPE lines and the groups a view always has);
 * objects of a group that does not fit count in the group of the label
 * PROM_OTHER of their kind.  The map holds PROM_GROUPS groups, for all the
 * reads at the same time; where it is full, objects count in PROM_OTHER too.
 */
#ifndef BPFVIEWS_PROM_H
#define BPFVIEWS_PROM_H

#define PROM_VALUES	4
#define PROM_LABEL	16	/* bytes of a label value, a task name */
#define PROM_GROUPS	16384
#define PROM_RESERVE	4096
#define PROM_OTHER	"[other]"
#define PROM_KIND_HEAD	0	/* the read's own: v[0] bytes promised */

struct prom_key {
	__u64 session;
	__u32 kind;
	__u32 zero;
	char label[PROM_LABEL];
};

struct prom_val {
	__u64 v[PROM_VALUES];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, PROM_GROUPS);
	__type(key, struct prom_key);
	__type(value, struct prom_val);
} prom_groups SEC(".maps");

/* The group of key, made if missing; NULL if the map is full. */
static __always_inline struct prom_val *prom_find(struct prom_key *key)
{
	static const struct prom_val zero;
	struct prom_val *val = bpf_map_lookup_elem(&prom_groups, key);

	if (val)
		return val;
	bpf_map_update_elem(&prom_groups, key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&prom_groups, key);
}

#ifdef VIEW_ROW
/* Bytes the label value label[0..len) takes in a line at its longest. */
static __always_inline __u32 prom_label_cost(const char *label, __u32 len)
{
	return view_plain(label, len) ? len : 3 * len;
}
#endif

#ifdef VIEW_FACT_TYPES
/* A group's label for a BPF program, map or link type: its number, printed
 * as bpftool's name of it (PROM_TYPE_NAME), which may be longer than a
 * label value here. */
static __always_inline void prom_label_type(char *label, __u32 t)
{
	*(__u32 *)label = t;
}
#endif

/* v in decimal as a label value (PROM_LABEL bytes, zeroed); returns its length. */
static __always_inline __u32 prom_label_u(char *label, __u32 v)
{
	__u32 len = 1, i;

	for (__u32 t = v; t >= 10 && len < 10; t /= 10)
		len++;
	for (i = len; i > 0; i--) {
		label[(i - 1) & (PROM_LABEL - 1)] = '0' + v % 10;
		v /= 10;
	}
	return len;
}

/*
 * The group for label (PROM_LABEL bytes, NUL-padded) of kind, whose lines
 * take at most cost bytes; its kind's PROM_OTHER group if it would not fit
 * the buffer.  NULL if the map is full.
 */
static __always_inline struct prom_val *prom_group(struct bpf_iter_meta *meta,
						   __u32 kind, const char *label,
						   __u32 cost)
{
	struct prom_key key = { .session = meta->session_id, .kind = kind };
	struct prom_key head = { .session = meta->session_id };
	struct prom_val *val, *h;
	__u64 room = meta->seq->size;

	__builtin_memcpy(key.label, label, PROM_LABEL);
	val = bpf_map_lookup_elem(&prom_groups, &key);
	if (val)
		return val;
	h = prom_find(&head);
	room = room > PROM_RESERVE ? room - PROM_RESERVE : 0;
	if (h && h->v[0] + cost <= room) {
		val = prom_find(&key);
		if (val) {
			h->v[0] += cost;
			return val;
		}
	}
	__builtin_memset(key.label, 0, PROM_LABEL);
	__builtin_memcpy(key.label, PROM_OTHER, sizeof(PROM_OTHER));
	return prom_find(&key);
}

/* What the final call prints of one metric family (bpf_for_each_map_elem). */
struct prom_family {
	struct seq_file *seq;
	struct view_buf *buf;
	const char *name;	/* after "bpfviews_" */
	const char *label;	/* the label's name */
	__u64 session;
	__u32 kind;
	__u32 value;		/* index in v */
	__u32 flags;		/* PROM_SECONDS, PROM_TYPE_NAME */
};

#define PROM_SECONDS	1	/* v is nanoseconds, printed as seconds */
#define PROM_TYPE_NAME	2	/* the label is a type (prom_label_type()) */

/* The label value of a group: the name of its type, or its text escaped. */
static __always_inline void prom_label_value(struct prom_family *f, struct prom_key *key)
{
	struct view_buf *buf = f->buf;
	__u32 len;

#ifdef VIEW_FACT_TYPES
	if (f->flags & PROM_TYPE_NAME) {
		__u32 t = *(__u32 *)key->label;
		const char *s = view_type_name(t);

		if (s)
			BPF_SEQ_PRINTF(f->seq, "%s", s);	/* [a-z0-9_] */
		else
			BPF_SEQ_PRINTF(f->seq, "%u", t);
		return;
	}
#endif
	__builtin_memcpy(buf->str, key->label, PROM_LABEL);
	buf->str[PROM_LABEL - 1] = 0;
	for (len = 0; len < PROM_LABEL - 1 && buf->str[len]; len++)
		;
	view_str(f->seq, buf, len);
}

static long prom_sample(struct bpf_map *map, struct prom_key *key,
			struct prom_val *val, struct prom_family *f)
{
	__u64 v = val->v[f->value & (PROM_VALUES - 1)];

	if (key->session != f->session || key->kind != f->kind)
		return 0;
	BPF_SEQ_PRINTF(f->seq, "bpfviews_%s{%s=\"", f->name, f->label);
	prom_label_value(f, key);
	if (f->flags & PROM_SECONDS)
		BPF_SEQ_PRINTF(f->seq, "\"} %llu.%09llu\n", v / 1000000000, v % 1000000000);
	else
		BPF_SEQ_PRINTF(f->seq, "\"} %llu\n", v);
	return 0;
}

/*
 * One metric family: its HELP and TYPE lines, then a sample for each group
 * of kind in this read, value v[value] (a group's label under the name
 * label; flags: PROM_SECONDS, PROM_TYPE_NAME).  Needs the reader's scratch,
 * buf.
 */
static __always_inline void prom_family(struct seq_file *seq, struct view_buf *buf,
					__u64 session, const char *name, const char *help,
					const char *type, const char *label, __u32 kind,
					__u32 value, __u32 flags)
{
	struct prom_family f = {
		.seq = seq, .buf = buf, .name = name, .label = label,
		.session = session, .kind = kind, .value = value, .flags = flags,
	};

	BPF_SEQ_PRINTF(seq, "# HELP bpfviews_%s %s\n# TYPE bpfviews_%s %s\n",
		       name, help, name, type);
	bpf_for_each_map_elem(&prom_groups, prom_sample, &f, 0);
}

static long prom_delete(struct bpf_map *map, struct prom_key *key,
			struct prom_val *val, __u64 *session)
{
	if (key->session == *session)
		bpf_map_delete_elem(map, key);
	return 0;
}

/* Forget this read's groups (after its final call has printed them). */
static __always_inline void prom_end(__u64 session)
{
	bpf_for_each_map_elem(&prom_groups, prom_delete, &session, 0);
}

#ifdef VIEW_FACT_TYPES
/*
 * The views of BPF programs, maps and links: one family, the objects by
 * type.  prom_type_count() counts one of type t; prom_type_print() prints
 * bpfviews_NAME{type} at the final call.
 */
#define PROM_KIND_TYPE	1
#define PROM_TYPE_COST	(64 + FACT_TYPE_NAME)

static __always_inline void prom_type_count(struct bpf_iter_meta *meta, __u32 t)
{
	char label[PROM_LABEL] = {};
	struct prom_val *v;

	prom_label_type(label, t);
	v = prom_group(meta, PROM_KIND_TYPE, label, PROM_TYPE_COST);
	if (v)
		v->v[0]++;
}

static __always_inline void prom_type_print(struct bpf_iter_meta *meta, const char *name,
					    const char *help)
{
	struct view_buf *b = view_buf();

	if (b)
		prom_family(meta->seq, b, meta->session_id, name, help, "gauge", "type",
			    PROM_KIND_TYPE, 0, PROM_TYPE_NAME);
	prom_end(meta->session_id);
}
#endif

#endif /* BPFVIEWS_PROM_H */
