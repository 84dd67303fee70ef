/* filters.h (the views' name and enum filters) against fnmatch(3) and
 * strncmp: a name list entry "x*" is the shell pattern x* with every other
 * character literal, an entry without '*' the name itself, a prefix entry
 * any name that starts with it. */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

/* what bpf_helpers.h gives the BPF side */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#include "../../bpf/filters.h"

#define WIDTH	16
#define ENTRIES	4

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* Few letters, so that names share prefixes; the shell's specials too. */
static void random_name(char *s, size_t max)
{
	static const char alphabet[] = "ab.:-*?[\\";
	size_t len = rnd() % max;

	for (size_t i = 0; i < len; i++)
		s[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
	s[len] = 0;
}

/* An entry near name: itself, a prefix of it with '*', or something else. */
static void random_entry(char *e, const char *name)
{
	size_t len = strlen(name), cut;

	switch (rnd() % 4) {
	case 0:
		strcpy(e, name);
		break;
	case 1:
		cut = len ? rnd() % (len + 1) : 0;
		memcpy(e, name, cut);
		strcpy(e + cut, "*");
		break;
	case 2:
		cut = len ? rnd() % (len + 1) : 0;
		memcpy(e, name, cut);
		e[cut] = 0;
		break;
	default:
		random_name(e, WIDTH - 1);
	}
}

/* The entry as a shell pattern: a last '*' is the wildcard, the rest literal. */
static bool shell_match(const char *entry, const char *name)
{
	char pattern[2 * WIDTH + 1], *p = pattern;
	size_t len = strlen(entry);
	bool star = len && entry[len - 1] == '*';

	for (size_t i = 0; i < len - star; i++) {
		*p++ = '\\';
		*p++ = entry[i];
	}
	if (star)
		*p++ = '*';
	*p = 0;
	return fnmatch(pattern, name, 0) == 0;
}

static bool prefix_match(const char *entry, const char *name)
{
	return strncmp(name, entry, strlen(entry)) == 0;
}

static void test_names(void **state)
{
	int matched = 0, rounds = 200000;

	(void)state;
	for (int r = 0; r < rounds; r++) {
		char list[ENTRIES][WIDTH] = { { 0 } }, name[WIDTH];
		bool any = false, want = false, want_prefix = false;

		random_name(name, WIDTH - 1);
		for (int e = 0; e < ENTRIES; e++) {
			if (rnd() % 3 == 0)
				continue;	/* an empty entry */
			random_entry(list[e], name);
			if (!list[e][0])
				continue;
			any = true;
			want |= shell_match(list[e], name);
			want_prefix |= prefix_match(list[e], name);
		}
		if (FILTER_NAME(list, name) != (want || !any))
			fail_msg("name '%s', entries '%s' '%s' '%s' '%s': filter says %d", name,
				 list[0], list[1], list[2], list[3], !(want || !any));
		if (FILTER_PREFIX(list, name) != (want_prefix || !any))
			fail_msg("name '%s', prefix entries '%s' '%s' '%s' '%s': filter says %d", name,
				 list[0], list[1], list[2], list[3], !(want_prefix || !any));
		matched += any && want;
	}
	/* both outcomes were tried, often */
	assert_true(matched > rounds / 10 && matched < rounds * 9 / 10);
}

/* The cases a reader of bpfviews.conf(5) would try first. */
static void test_examples(void **state)
{
	const char comm[FILTER_MAX][WIDTH] = { "nginx", "post*" };
	const char addr[4][64] = { "10.1.*", "::1" };
	const char star[2][WIDTH] = { "*" };
	const char none[FILTER_MAX][WIDTH] = { { 0 } };

	(void)state;
	assert_true(FILTER_NAME(comm, "nginx"));
	assert_false(FILTER_NAME(comm, "nginx2"));
	assert_false(FILTER_NAME(comm, "ngin"));
	assert_true(FILTER_NAME(comm, "postgres"));
	assert_true(FILTER_NAME(comm, "post"));
	assert_false(FILTER_NAME(comm, "pos"));
	assert_true(FILTER_NAME(addr, "10.1.2.3"));
	assert_false(FILTER_NAME(addr, "10.10.2.3"));
	assert_true(FILTER_NAME(addr, "::1"));
	assert_false(FILTER_NAME(addr, "::11"));
	assert_true(FILTER_NAME(star, ""));
	assert_true(FILTER_NAME(star, "anything"));
	assert_true(FILTER_NAME(none, "anything"));
	assert_true(FILTER_PREFIX(comm, "nginx-worker"));
	assert_false(FILTER_PREFIX(comm, "postgres"));	/* '*' is literal here */
}

static void test_enums(void **state)
{
	const __u32 empty[4] = { 0 };
	const __u32 some[4] = { 10, 1 };
	const __u32 full[4] = { 3, 5, 7, 9 };

	(void)state;
	assert_true(FILTER_ENUM(empty, 6));
	assert_true(FILTER_ENUM(some, 10));
	assert_true(FILTER_ENUM(some, 1));
	assert_false(FILTER_ENUM(some, 6));
	assert_false(FILTER_ENUM(some, 0));
	assert_true(FILTER_ENUM(full, 9));
	assert_false(FILTER_ENUM(full, 11));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_enums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
