/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filters.h - the list filters of the built-in views: names (comm, src, dst,
 * path, name, module, prefix) and enums (type, state).  view.h includes it.
 *
 * A filter is a list parameter; all its entries empty (the default, or
 * `KEY =` in the manifest) lets everything pass.
 *
 * Names: `const volatile char LIST[N][WIDTH]`, through
 *   FILTER_NAME(LIST, name)    an entry matches the name equal to it, or, if
 *                              it ends in '*', every name that starts with
 *                              what comes before the '*';
 *   FILTER_PREFIX(LIST, name)  an entry matches every name that starts with it.
 * name is a NUL-terminated copy of at least WIDTH bytes (on the stack or in
 * the scratch), so no entry is compared past its end.
 *
 * Enums: `const volatile enum E LIST[N]` of values other than 0, filled from
 * the front (as bpfviews fills lists), through
 *   FILTER_ENUM(LIST, value)   value is one of the entries.
 *
 * Plain C: it needs only __u32, bool and __always_inline, which a BPF
 * program has from vmlinux.h and bpf_helpers.h and tests/unit/test_filters.c
 * gives a test that checks it against fnmatch(3).
 */
#ifndef BPFVIEWS_FILTERS_H
#define BPFVIEWS_FILTERS_H

#define FILTER_MAX	8	/* entries in most list filters */

/* Whether name passes one non-empty entry. */
static __always_inline bool filter_entry(const volatile char *pat, __u32 width,
					 const char *name, bool prefix)
{
	for (__u32 i = 0; i < width; i++) {
		char p = pat[i];

		if (!p)
			return prefix || !name[i];
		if (p == '*' && !prefix && (i == width - 1 || !pat[i + 1]))
			return true;
		if (p != name[i])
			return false;
	}
	return false;	/* not reached: the last byte of an entry is NUL */
}

static __always_inline bool filter_names(const volatile char *list, __u32 n, __u32 width,
					 const char *name, bool prefix)
{
	bool any = false;

	for (__u32 e = 0; e < n; e++) {
		const volatile char *pat = list + e * width;

		if (!pat[0])
			continue;
		any = true;
		if (filter_entry(pat, width, name, prefix))
			return true;
	}
	return !any;
}

static __always_inline bool filter_enum(const volatile __u32 *list, __u32 n, __u32 value)
{
	if (!list[0])
		return true;
	for (__u32 i = 0; i < n && list[i]; i++)
		if (list[i] == value)
			return true;
	return false;
}

#define FILTER_LEN(list)	(sizeof(list) / sizeof((list)[0]))
#define FILTER_NAME(list, name)							\
	filter_names(&(list)[0][0], FILTER_LEN(list), sizeof((list)[0]), name, false)
#define FILTER_PREFIX(list, name)						\
	filter_names(&(list)[0][0], FILTER_LEN(list), sizeof((list)[0]), name, true)
#define FILTER_ENUM(list, value)						\
	({ _Static_assert(sizeof((list)[0]) == 4, #list ": 4-byte enum");	\
	   filter_enum((const volatile __u32 *)(list), FILTER_LEN(list), value); })

#endif /* BPFVIEWS_FILTERS_H */
