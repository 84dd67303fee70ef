/* net_text.h (the tcp and udp views' address text) against glibc's inet_ntop. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
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
#define __noinline __attribute__((noinline))
#define barrier_var(var) asm volatile("" : "+r"(var))

#include "../../bpf/net_text.h"

static uint64_t seed = 88172645463325252ULL;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void expect(int family, const struct net_addr *a)
{
	struct net_text t;
	char want[INET6_ADDRSTRLEN];
	int n;

	memset(&t, 'X', sizeof(t));
	n = family == AF_INET6 ? net_ip6_text(&t, a) : net_ip4_text(&t, a);
	assert_non_null(inet_ntop(family, a->b, want, sizeof(want)));
	if (strcmp(t.s, want))
		fail_msg("got %s, inet_ntop writes %s", t.s, want);
	assert_int_equal(n, strlen(want));
}

/* A nonzero group: one to four hex digits, 0xffff among them. */
static uint16_t group(void)
{
	switch (rnd() % 4) {
	case 0:
		return 1 + rnd() % 0xf;
	case 1:
		return 0xffff;
	case 2:
		return 1 + rnd() % 0xff;
	}
	return 1 + rnd() % 0xfffe;
}

/* Every pattern of zero groups: which run becomes "::" (RFC 5952). */
static void test_ip6_every_zero_pattern(void **state)
{
	struct net_addr a;

	(void)state;
	for (int zeros = 0; zeros < 256; zeros++) {
		for (int k = 0; k < 500; k++) {
			for (int g = 0; g < 8; g++) {
				uint16_t w = zeros >> g & 1 ? 0 : group();

				a.b[2 * g] = w >> 8;
				a.b[2 * g + 1] = w & 0xff;
			}
			expect(AF_INET6, &a);
		}
	}
}

/* ::ffff:a.b.c.d and ::a.b.c.d end in a dotted quad; near misses do not. */
static void test_ip6_v4_tails(void **state)
{
	struct net_addr a;

	(void)state;
	for (int k = 0; k < 100000; k++) {
		uint32_t v = (uint32_t)rnd();

		memset(&a, 0, sizeof(a));
		switch (k % 4) {
		case 0:		/* v4-mapped */
			a.b[10] = a.b[11] = 0xff;
			break;
		case 1:		/* a near miss: 00ff */
			a.b[11] = 0xff;
			break;
		case 2:		/* a near miss: ffff in group 4 */
			a.b[8] = a.b[9] = 0xff;
			break;
		}
		if (k % 3 == 0)
			v &= 0xffff;	/* ::1, ::ffff:0.0.x.y */
		memcpy(&a.b[12], &v, 4);
		expect(AF_INET6, &a);
	}
}

static void test_ip4(void **state)
{
	struct net_addr a;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (int v = 0; v < 256; v++) {
		for (int pos = 0; pos < 4; pos++) {
			for (int i = 0; i < 4; i++)
				a.b[i] = (unsigned char)(i == pos ? (uint64_t)v : rnd());
			expect(AF_INET, &a);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip6_every_zero_pattern),
		cmocka_unit_test(test_ip6_v4_tails),
		cmocka_unit_test(test_ip4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
