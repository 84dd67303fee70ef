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
#include "prom.h"

VIEW_DOC("TCP sockets, IPv4 and IPv6, like ss -tan and /proc/net/tcp{,6}",
	 NET_INET_COLUMNS);

const volatile enum view_state state[NET_STATES] = {};

/*
 * format = prometheus: sockets per state, and per local port of the
 * listeners: how many listen there (several with SO_REUSEPORT, or IPv4 and
 * IPv6) and the connections waiting in their accept queues.
 */
VIEW_METRICS("bpfviews_tcp_sockets{state} bpfviews_tcp_listeners{port} "
	     "bpfviews_tcp_accept_queue{port}");

#define PROM_KIND_STATE		1
#define PROM_KIND_PORT		2
/* a state's line and a port's two lines at their longest */
#define PROM_STATE_COST		64
#define PROM_PORT_COST		128

static __always_inline void prom_count_socket(struct bpf_iter_meta *meta, int st,
					      __u16 port, __u32 backlog)
{
	const struct view_name *name = net_state(st);
	char label[PROM_LABEL] = {};
	struct prom_val *v;

	__builtin_memcpy(label, name->s, sizeof(name->s));
	v = prom_group(meta, PROM_KIND_STATE, label, PROM_STATE_COST);
	if (v)
		v->v[0]++;
	if (st != VIEW_STATE_LISTEN)
		return;
	__builtin_memset(label, 0, sizeof(label));
	prom_label_u(label, port);
	v = prom_group(meta, PROM_KIND_PORT, label, PROM_PORT_COST);
	if (!v)
		return;
	v->v[0]++;
	v->v[1] += backlog;
}

static __always_inline void prom_print(struct bpf_iter_meta *meta)
{
	struct view_buf *b = view_buf();
	__u64 s = meta->session_id;
	struct seq_file *seq = meta->seq;

	if (b) {
		prom_family(seq, b, s, "tcp_sockets", "TCP sockets by state, as ss names it.",
			    "gauge", "state", PROM_KIND_STATE, 0, 0);
		prom_family(seq, b, s, "tcp_listeners", "Listening TCP sockets by local port.",
			    "gauge", "port", PROM_KIND_PORT, 0, 0);
		prom_family(seq, b, s, "tcp_accept_queue",
			    "Connections waiting for accept() on the listeners of a local port.",
			    "gauge", "port", PROM_KIND_PORT, 1, 0);
	}
	prom_end(s);
}

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
	if (format == VIEW_FORMAT_PROMETHEUS && !skc) {
		prom_print(ctx->meta);
		return 0;
	}
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

	if (!net_ends_read(&e, skc, view_buf()))
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
	if (format == VIEW_FORMAT_PROMETHEUS)
		prom_count_socket(ctx->meta, st, e.lport, recvq);
	else
		net_inet_row(seq, &e, st, recvq, sendq, ctx->uid, ino);
	return 0;
}
