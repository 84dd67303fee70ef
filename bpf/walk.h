/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk.h - a walk in chunks: a program that walks what no kernel iterator
 * gives one object at a time (a cgroup's tasks, every process's descriptors)
 * and prints more than one read's buffer.
 *
 * An iterator's object cannot print more than one read's buffer (the
 * seq_file's 8 pages).  So the objects are the elements of walk_chunks, an
 * array of nothing (the loader links the program to it): each call goes on
 * with the walk where the last call of the same read session (the same open
 * file, meta->session_id) stopped, in a cursor of the program's own kept by
 * session, and prints the rows that fit in what is left of the buffer.  A
 * call for which not even one row fits overflows the buffer on purpose
 * (walk_overflow()): the kernel then ends the read before it and shows the
 * same element again, with an empty buffer, in the next read.  A call whose
 * write did not fit after all is dropped by the kernel the same way, so a
 * call saves its cursor only when all it wrote is kept.
 *
 * A read session has WALK_CHUNKS calls: as many buffers of output.  The
 * cursors of WALK_SESSIONS sessions in progress are kept, the least recent
 * given up for a new one: a session that lost its cursor overflows its
 * buffer at every call, and its read fails with E2BIG instead of ending
 * short.  Include it after view.h, with WALK_CHUNKS defined if not the
 * default.
 */
#ifndef BPFVIEWS_WALK_H
#define BPFVIEWS_WALK_H

#ifndef WALK_CHUNKS
#define WALK_CHUNKS	1024	/* calls of one walk at most */
#endif
#define WALK_SESSIONS	1024	/* read sessions in progress at once, at most */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WALK_CHUNKS);
	__type(key, __u32);
	__type(value, __u8);
} walk_chunks SEC(".maps");

/* The map NAME of the walk's cursors (struct CURSOR), by read session. */
#define WALK_CURSORS(name, cursor)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LRU_HASH);			\
		__uint(max_entries, WALK_SESSIONS);			\
		__type(key, __u64);	/* meta->session_id */		\
		__type(value, struct cursor);				\
	} name SEC(".maps")

#ifndef __arg_trusted
#define __arg_trusted	__attribute__((btf_decl_tag("arg:trusted")))
#endif

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym __weak;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym __weak;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym __weak;

/* for (i = start; i < end; i++) with the numbers iterator it (6.4), which
 * the loop's end must destroy (bpf_iter_num_destroy()) */
#define walk_for(it, i, start, end)	\
	for (bpf_iter_num_new(&it, (start), (end)); (i = bpf_iter_num_next(&it)); )

/* Room left in this read's buffer. */
static __always_inline __u64 walk_room(struct seq_file *seq)
{
	return seq->size > seq->count ? seq->size - seq->count : 0;
}

/* Whether a write of this call did not fit (seq_write() marks an overflow so). */
static __always_inline bool walk_overflowed(struct seq_file *seq)
{
	return seq->count >= seq->size;
}

/* More than any read's buffer holds (8 pages of 64 KiB at most). */
#define WALK_OVERFLOW_MAX	(1 << 20)

/*
 * Overflow the buffer, whatever room it has left: the kernel drops this
 * call's output and shows the element again in the next read; in the
 * final call (no element), a read that has nothing before it fails with
 * E2BIG.
 */
static __always_inline void walk_overflow(struct seq_file *seq, struct view_buf *b)
{
	struct bpf_iter_num it;
	int *i;

	walk_for(it, i, 0, WALK_OVERFLOW_MAX / VIEW_STR_MAX + 1) {
		if (walk_overflowed(seq))
			break;
		bpf_seq_write(seq, b->str, VIEW_STR_MAX);
	}
	bpf_iter_num_destroy(&it);
}

#endif /* BPFVIEWS_WALK_H */
