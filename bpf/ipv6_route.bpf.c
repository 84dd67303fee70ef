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
#include <bpf/bpf_helpers.h>
#include "net_text.h"

#define VIEW_NO_COMM
#define VIEW_BUF_EXTRA	struct net_text dest; struct net_text src; struct net_text gw;
#include "view.h"
#include <bpf/bpf_core_read.h>

VIEW_DOC("IPv6 routes, like /proc/net/ipv6_route",
	 "dest dest_len src src_len next_hop metric refcnt use flags device");

#define AF_INET6	10
#define RTF_GATEWAY	0x0002

/* An address as text into t (net_text.h: as inet_ntop writes it). */
static __always_inline void ip6_text(struct net_text *t, const struct in6_addr *in)
{
	struct net_addr a;

	__builtin_memcpy(a.b, in, sizeof(a.b));
	net_ip6_text(t, &a);
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
	if (!rt)
		return 0;
	t = view_buf();
	if (!t)
		return VIEW_RETRY;
	flags = rt->fib6_flags;
	nh = route_nh(rt);
	if (nh) {
		if (BPF_CORE_READ(nh, nh_common.nhc_gw_family)) {
			flags |= RTF_GATEWAY;
			gw = BPF_CORE_READ(nh, nh_common.nhc_gw.ipv6);
		}
		dev = BPF_CORE_READ(nh, nh_common.nhc_dev);
	}
	ip6_text(&t->dest, &rt->fib6_dst.addr);
	ip6_text(&t->src, &rt->fib6_src.addr);
	ip6_text(&t->gw, &gw);
	VIEW_PRINTF(seq,
		    "%-24s %8d %-24s %7d %-24s %10u %6u %3u 0x%08x ",
		    "%s,%d,%s,%d,%s,%u,%u,%u,0x%08x,",
		    "{\"dest\":\"%s\",\"dest_len\":%d,\"src\":\"%s\",\"src_len\":%d,\"next_hop\":\"%s\","
		    "\"metric\":%u,\"refcnt\":%u,\"use\":%u,\"flags\":%u,\"device\":",
		    t->dest.s, rt->fib6_dst.plen, t->src.s, rt->fib6_src.plen, t->gw.s,
		    rt->fib6_metric, rt->fib6_ref.refs.counter, 0, flags);
	view_kstr(seq, t, dev ? dev->name : "");
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
	return 0;
}
