/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net_text.h - inet addresses as text, as inet_ntop writes them (so as ss
 * prints them), for the tcp and udp views (through net.h).
 *
 * Plain C on fixed-size buffers: it needs only the __u8..__u64 types,
 * __always_inline, __noinline and barrier_var(), which bpf_helpers.h gives
 * a BPF program and tests/unit/test_net_text.c gives a test that checks it
 * against glibc's inet_ntop.
 */
#ifndef BPFVIEWS_NET_TEXT_H
#define BPFVIEWS_NET_TEXT_H

#define NET_ADDR_LEN	64	/* address text: INET6_ADDRSTRLEN (46), a power of 2 */

struct net_addr {			/* an address, network order */
	unsigned char b[16];
} __attribute__((aligned(8)));		/* compared a word at a time */
struct net_text {			/* an address as text */
	char s[NET_ADDR_LEN];
};

/*
 * Address text, as inet_ntop writes it (so as ss prints it), built by hand:
 * bpf_snprintf's %pI6c does not compress.  These are global functions, which
 * the verifier checks once on their own, for any address: inlined, each
 * pattern of zero groups would multiply the paths of the rest of the
 * program.  The index is masked to the buffer (NET_ADDR_LEN); the longest
 * text is 45 bytes, and the hex digits written past it are overwritten or
 * follow the terminating NUL.
 */
#define NET_AT(n)	((n) & (NET_ADDR_LEN - 1))

/* An octet in decimal.  v / 100 and v / 10 as a multiply and a shift (exact
 * below 256): the JIT's div, six to an address, was its slowest part. */
static __always_inline __u32 net_dec8(char *buf, __u32 n, __u8 v)
{
	__u32 h = (v * 41U) >> 12, t = (v * 205U) >> 11;

	if (v >= 100)
		buf[NET_AT(n++)] = '0' + h;
	if (v >= 10)
		buf[NET_AT(n++)] = '0' + t - 10 * h;
	buf[NET_AT(n++)] = '0' + v - 10 * t;
	return n;
}

static __always_inline __u32 net_ip4_at(char *buf, __u32 n, const __u8 *b)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			buf[NET_AT(n++)] = '.';
		n = net_dec8(buf, n, b[i]);
	}
	return n;
}

/*
 * A group in hex without leading zeros.  Branch-free: all four digits are
 * written, the index moves by the number that count (a branch per digit
 * would give the verifier 4^8 paths to walk).  barrier_var() keeps the
 * compiler from turning the arithmetic back into branches.
 */
static __always_inline __u32 net_hex16(char *buf, __u32 n, __u16 w16)
{
	__u64 w = w16, nd, v;

	barrier_var(w);
	nd = 1 + ((0xfULL - w) >> 63) + ((0xffULL - w) >> 63) + ((0xfffULL - w) >> 63);
	barrier_var(nd);
	v = w << (4 * (4 - nd));		/* the first digit that counts on top */
	for (int k = 0; k < 4; k++) {
		__u64 d = (v >> (12 - 4 * k)) & 0xf;

		barrier_var(d);
		buf[NET_AT(n + k)] = '0' + d + 39 * ((9 - d) >> 63);	/* 39: 'a' - '0' - 10 */
	}
	return n + nd;
}

/* a.b.c.d; returns the length. */
__noinline int net_ip4_text(struct net_text *t, const struct net_addr *a)
{
	__u32 n;

	if (!t || !a)
		return 0;
	n = net_ip4_at(t->s, 0, a->b);
	t->s[NET_AT(n)] = 0;
	return n;
}

/*
 * RFC 5952: the first longest run of two or more zero groups becomes "::";
 * ::ffff:a.b.c.d (v4-mapped) and ::a.b.c.d (v4-compatible) end in a dotted
 * quad, as glibc's inet_ntop writes them.  Returns the length.
 */
__noinline int net_ip6_text(struct net_text *t, const struct net_addr *a)
{
	int best = -1, best_len = 0, run = 0;
	const __u8 *b;
	char *buf;
	__u16 w[8];
	__u32 n = 0;

	if (!t || !a)
		return 0;
	b = a->b;
	buf = t->s;
	for (int i = 0; i < 8; i++) {
		w[i] = b[2 * i] << 8 | b[2 * i + 1];
		run = w[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				buf[NET_AT(n++)] = ':';
			if (i == best + best_len - 1)
				buf[NET_AT(n++)] = ':';
			continue;
		}
		if (i && !(best >= 0 && i == best + best_len))
			buf[NET_AT(n++)] = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			n = net_ip4_at(buf, n, b + 12);
			break;
		}
		n = net_hex16(buf, n, w[i]);
	}
	buf[NET_AT(n)] = 0;
	return n;
}

#endif /* BPFVIEWS_NET_TEXT_H */
