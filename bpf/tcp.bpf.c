// SPDX-License-Identifier: GPL-2.0
/*
 * tcp - TCP sockets, IPv4 and IPv6, like `ss -tan` or /proc/net/tcp{,6}.
 *
 * The sockets of the reader's network namespace: listeners, connections,
 * time-wait sockets and connection requests (half-open, not yet accepted).
 *
 * Parameters (besides format, see view.h; family, sport, dport, src and dst
 * are described in net.h):
 *   state   enum list[11]  (empty)  states to show, by the names of the
 *                                   state column, lowercase, '_' for '-':
 *                                   estab, syn_sent, syn_recv, fin_wait_1,
 *                                   fin_wait_2, time_wait, unconn,
 *                                   close_wait, last_ack, listen, closing
 *   family  any|ipv4|ipv6  any
 *   sport   u16 list[8]    (empty)  local ports
 *   dport   u16 list[8]    (empty)  remote ports
 *   src     string list[4] (empty)  local addresses (text; '*' suffix: prefix)
 *   dst     string list[4] (empty)  remote addresses
 * All given filters must pass.
 *
 * Columns:
 *   state        as ss: ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2
 *                TIME-WAIT UNCONN CLOSE-WAIT LAST-ACK LISTEN CLOSING; a
 *                connection request is SYN-RECV, a time-wait socket shows
 *                its substate (TIME-WAIT, or FIN-WAIT-2 for an orphan that
 *                timed out into it)
 *   recv_q       bytes received and not read; LISTEN: connections waiting
 *                for accept()
 *   send_q       bytes sent and not acknowledged; LISTEN: the accept backlog
 *   local_addr   local address: 127.0.0.1, ::1, ::ffff:10.0.0.1 (v4-mapped)
 *   local_port   local port
 *   remote_addr  remote address (0.0.0.0 or :: for a listener)
 *   remote_port  remote port, 0 for none
 *   uid          owner uid (of the listener for a request; 0 for time-wait)
 *   inode        socket inode (socket:[INODE] in /proc/PID/fd); 0 for
 *                time-wait sockets, requests and orphans (closed by their
 *                owner, still finishing)
 * table: STATE RECV-Q SEND-Q LOCAL REMOTE UID INODE, the ends written as ss
 * writes them (127.0.0.1:80, [::1]:80, port 0 as *: 0.0.0.0:*, [::]:*;
 * unlike ss, a dual-stack wildcard listener is [::]:80, not *:80).
 * csv: a header row and the columns above.  json: one object per socket with
 * the columns as keys; ports, queues, uid and inode are numbers.
 *
 * No pid or comm column: a socket does not know its owner.  ss -p finds it by
 * reading every process's file descriptors; with bpfviews, look the inode up
 * in the files view (name socket:[INODE]).
 */
#define NET_INET
#include "net.h"

VIEW_DOC("TCP sockets, IPv4 and IPv6, like ss -tan and /proc/net/tcp{,6}",
	 NET_INET_COLUMNS);

const volatile enum view_state state[NET_STATES] = {};

SEC("iter/tcp")
int tcp(struct bpf_iter__tcp *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct sock_common *skc = ctx->sk_common;
	struct tcp_timewait_sock *tw;
	struct tcp_sock *tp;
	struct net_ends e;
	__u32 recvq = 0, sendq = 0;
	unsigned long ino = 0;
	int st;

	view_keep_alive(ctx->meta, skc);
	if (net_header_due(ctx->meta, skc))
		net_inet_header(seq);
	if (!skc)
		return 0;
	if (skc->skc_family != AF_INET && skc->skc_family != AF_INET6)
		return 0;

	st = skc->skc_state;
	if (st == VIEW_STATE_TIME_WAIT) {
		tw = bpf_skc_to_tcp_timewait_sock(skc);
		if (tw)
			st = tw->tw_sk.tw_substate;
	} else if (st == NET_NEW_SYN_RECV) {
		st = VIEW_STATE_SYN_RECV;
	}
	if (!FILTER_ENUM(state, st))
		return 0;

	if (!net_ends_read(&e, skc))
		return VIEW_RETRY;
	if (!net_ends_match(&e))
		return 0;

	/* Queues and inode: full sockets only (not time-wait, not requests). */
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp) {
		struct sock *sk = &tp->inet_conn.icsk_inet.sk;

		if (st == VIEW_STATE_LISTEN) {
			recvq = sk->sk_ack_backlog;
			sendq = sk->sk_max_ack_backlog;
		} else {
			int rx = tp->rcv_nxt - tp->copied_seq;

			recvq = rx > 0 ? rx : 0;
			sendq = tp->write_seq - tp->snd_una;
		}
		ino = net_sock_ino(sk);
	}
	net_inet_row(seq, &e, st, recvq, sendq, ctx->uid, ino);
	return 0;
}
