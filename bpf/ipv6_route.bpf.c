// SPDX-License-Identifier: GPL-2.0
/*
 * ipv6_route - the IPv6 routes of the reader's network namespace, like
 * /proc/net/ipv6_route and ip -6 route show table all.
 *
 * Parameters: format (see view.h).
 *
 * Columns (as /proc/net/ipv6_route has them, with addresses as text):
 *   dest      destination prefix, compressed as RFC 5952 writes it (2001:db8::)
 *   dest_len  its length in bits
 *   src       source prefix (source-specific routes), :: for none
 *   src_len   its length in bits
 *   next_hop  the gateway, :: for a directly connected route; for a route
 *             through a nexthop group, the group's first nexthop
 *   metric    the route's metric (priority)
 *   refcnt    references to the route
 *   use       always 0, as in /proc/net/ipv6_route
 *   flags     RTF_* flags (RTF_UP 0x1, RTF_GATEWAY 0x2, RTF_REJECT 0x200,
 *             RTF_ADDRCONF 0x40000, RTF_CACHE 0x1000000, ...): hex with 0x in
 *             table and csv, a number in json
 *   device    the outgoing device, empty for none
 *
 * The namespace is the one of the process that opens the view.
 */
#include <vmlinux.h>

/*
 * Address text is built in the scratch with its state there too, read and
 * written through volatile: the verifier knows nothing of values in a map,
 * so it checks one path per address instead of one per combination of
 * groups (zero or not, 1 to 4 digits), which it could not finish.
 */
struct ip6_text {
	__u16 w[8];	/* the groups, host order */
	__s32 zero;	/* the run of zero groups written "::" */
	__s32 zero_len;
	__s32 run;
	__u32 n;	/* bytes written */
};

#define VIEW_NO_COMM
#define ADDR_LEN	64	/* INET6_ADDRSTRLEN (46), a power of 2 */
#define VIEW_BUF_EXTRA	char dest[ADDR_LEN]; char src[ADDR_LEN]; char gw[ADDR_LEN];	\
			struct ip6_text text;
#include "view.h"
#include <bpf/bpf_core_read.h>

VIEW_DOC("IPv6 routes, like /proc/net/ipv6_route",
	 "dest dest_len src src_len next_hop metric refcnt use flags device");

#define AF_INET6	10
#define RTF_GATEWAY	0x0002
#define AT(n)		((n) & (ADDR_LEN - 1))

#define V(x)	(*(volatile typeof(x) *)&(x))

static __always_inline void put(struct ip6_text *t, char *s, char c)
{
	__u32 n = V(t->n);

	s[AT(n)] = c;
	V(t->n) = n + 1;
}

/*
 * An address as text, RFC 5952: lowercase hex without leading zeros, the
 * first longest run of two or more zero groups as "::", and a v4-mapped
 * address as ::ffff:a.b.c.d (as inet_ntop writes them).  s has ADDR_LEN bytes.
 */
static __always_inline void ip6_text(struct ip6_text *t, char *s, const struct in6_addr *a)
{
	const __u8 *b = a->in6_u.u6_addr8;

	V(t->zero) = -1;
	V(t->zero_len) = 0;
	V(t->run) = 0;
	V(t->n) = 0;
	for (int i = 0; i < 8; i++) {
		__u16 w = b[2 * i] << 8 | b[2 * i + 1];
		__s32 run = w ? 0 : V(t->run) + 1;

		V(t->w[i]) = w;
		V(t->run) = run;
		if (run > V(t->zero_len)) {
			V(t->zero_len) = run;
			V(t->zero) = i + 1 - run;
		}
	}
	if (V(t->zero_len) < 2)
		V(t->zero) = -1;
	if (V(t->zero) == 0 && V(t->zero_len) == 5 && V(t->w[5]) == 0xffff) {
		BPF_SNPRINTF(s, ADDR_LEN, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
		return;
	}
	for (int i = 0; i < 8; i++) {
		__s32 zero = V(t->zero), end = zero + V(t->zero_len);
		__u16 w = V(t->w[i]);

		if (zero >= 0 && i >= zero && i < end) {
			if (i == zero)
				put(t, s, ':');
			if (i == end - 1)
				put(t, s, ':');
			continue;
		}
		if (i && i != end)
			put(t, s, ':');
		for (int shift = 12; shift >= 0; shift -= 4) {
			__u8 d = (w >> shift) & 0xf;

			if (shift && w >> shift == 0)
				continue;	/* a leading zero */
			put(t, s, d < 10 ? '0' + d : 'a' + d - 10);
		}
	}
	s[AT(V(t->n))] = 0;
}

/* The route's nexthop: its own, or that of its nexthop object (the first of
 * a group); NULL if that is not an IPv6 one. */
static __always_inline struct fib6_nh *route_nh(struct fib6_info *rt)
{
	struct nexthop *nh = rt->nh;
	struct nh_info *info;

	if (!nh)
		return &rt->fib6_nh[0];
	if (BPF_CORE_READ(nh, is_group))
		nh = BPF_CORE_READ(nh, nh_grp, nh_entries[0].nh);
	info = nh ? BPF_CORE_READ(nh, nh_info) : NULL;
	if (!info || BPF_CORE_READ(info, family) != AF_INET6)
		return NULL;
	return &info->fib6_nh;
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "DEST                     DEST_LEN SRC                      SRC_LEN "
		    "NEXT_HOP                     METRIC REFCNT USE      FLAGS DEVICE\n",
		    "dest,dest_len,src,src_len,next_hop,metric,refcnt,use,flags,device\n",
		    "");
}

SEC("iter/ipv6_route")
int ipv6_route(struct bpf_iter__ipv6_route *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct fib6_info *rt = ctx->rt;
	struct in6_addr gw = {};
	struct view_buf *t;
	struct net_device *dev = NULL;
	struct fib6_nh *nh;
	__u32 flags;

	view_keep_alive(ctx->meta, rt);
	if (view_header_due(ctx->meta, rt))
		print_header(seq);
	t = view_buf();
	if (!rt || !t)
		return 0;
	flags = rt->fib6_flags;
	nh = route_nh(rt);
	if (nh) {
		if (BPF_CORE_READ(nh, nh_common.nhc_gw_family)) {
			flags |= RTF_GATEWAY;
			gw = BPF_CORE_READ(nh, nh_common.nhc_gw.ipv6);
		}
		dev = BPF_CORE_READ(nh, nh_common.nhc_dev);
	}
	ip6_text(&t->text, t->dest, &rt->fib6_dst.addr);
	ip6_text(&t->text, t->src, &rt->fib6_src.addr);
	ip6_text(&t->text, t->gw, &gw);
	VIEW_PRINTF(seq,
		    "%-24s %8d %-24s %7d %-24s %10u %6u %3u 0x%08x ",
		    "%s,%d,%s,%d,%s,%u,%u,%u,0x%08x,",
		    "{\"dest\":\"%s\",\"dest_len\":%d,\"src\":\"%s\",\"src_len\":%d,\"next_hop\":\"%s\","
		    "\"metric\":%u,\"refcnt\":%u,\"use\":%u,\"flags\":%u,\"device\":",
		    t->dest, rt->fib6_dst.plen, t->src, rt->fib6_src.plen, t->gw,
		    rt->fib6_metric, rt->fib6_ref.refs.counter, 0, flags);
	view_kstr(seq, t, dev ? dev->name : "");
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
	return 0;
}
