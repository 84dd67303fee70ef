// SPDX-License-Identifier: GPL-2.0
/*
 * udp - UDP sockets, IPv4 and IPv6, like `ss -uan` or /proc/net/udp{,6}.
 *
 * The sockets of the reader's network namespace (UDP-Lite sockets are not
 * included: the kernel iterates the UDP table only).
 *
 * Parameters (besides format, see view.h; family, sport, dport, src and dst
 * are described in net.h):
 *   state   enum list[11]  (empty)  states to show: estab (connected) or
 *                                   unconn; the other names of the tcp view
 *                                   are accepted and match nothing
 *   family  any|ipv4|ipv6  any
 *   sport   u16 list[8]    (empty)  local ports
 *   dport   u16 list[8]    (empty)  remote ports (0: not connected)
 *   src     string list[4] (empty)  local addresses (text; '*' suffix: prefix)
 *   dst     string list[4] (empty)  remote addresses
 * All given filters must pass.
 *
 * Columns (the tcp view's):
 *   state        ESTAB (connected) or UNCONN
 *   recv_q       bytes of memory the receive queue holds (datagrams with
 *                their overhead, as ss and /proc/net/udp count)
 *   send_q       bytes of memory in the send queue
 *   local_addr   local address: 127.0.0.1, ::1, ::ffff:10.0.0.1 (v4-mapped)
 *   local_port   local port
 *   remote_addr  remote address (0.0.0.0 or :: if not connected)
 *   remote_port  remote port, 0 if not connected
 *   uid          owner uid
 *   inode        socket inode (socket:[INODE] in /proc/PID/fd)
 * table: STATE RECV-Q SEND-Q LOCAL REMOTE UID INODE, the ends written as ss
 * writes them (port 0 as *).  csv: a header row and the columns above.
 * json: one object per socket with the columns as keys.
 *
 * No pid or comm column: see the tcp view.
 */
#define NET_INET
#include "net.h"

VIEW_DOC("UDP sockets, IPv4 and IPv6, like ss -uan and /proc/net/udp{,6}",
	 NET_INET_COLUMNS);

const volatile enum view_state state[NET_STATES] = {};

SEC("iter/udp")
int udp(struct bpf_iter__udp *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct udp_sock *up = ctx->udp_sk;
	struct sock *sk;
	struct net_ends e;
	int st, rx, tx;

	view_keep_alive(ctx->meta, up);
	if (net_header_due(ctx->meta, up))
		net_inet_header(seq);
	if (!up)
		return 0;
	sk = &up->inet.sk;
	if (sk->__sk_common.skc_family != AF_INET && sk->__sk_common.skc_family != AF_INET6)
		return 0;
	st = sk->__sk_common.skc_state;
	if (!FILTER_ENUM(state, st))
		return 0;
	if (!net_ends_read(&e, &sk->__sk_common, view_buf()))
		return VIEW_RETRY;
	if (!net_ends_match(&e))
		return 0;

	/* udp_rqueue_get() and sk_wmem_alloc_get() */
	rx = sk->sk_backlog.rmem_alloc.counter - up->forward_deficit;
	tx = sk->sk_wmem_alloc.refs.counter - 1;
	net_inet_row(seq, &e, st, rx > 0 ? rx : 0, tx > 0 ? tx : 0, ctx->uid,
		     net_sock_ino(sk));
	return 0;
}
