/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.h - what the network views (tcp, udp, unix, netlink) share.
 *
 * Include it instead of view.h: it includes view.h (without the comm
 * parameter: sockets have no comm; a view of tasks' sockets that defines
 * NET_TASK_COMM before including keeps it).  It gives
 *   - the socket states, as ss names them, and the state filter:
 *     enum view_state (ESTAB = TCP_ESTABLISHED ... CLOSING = TCP_CLOSING),
 *     net_state() (its name), and FILTER_ENUM() over a program's
 *     `const volatile enum view_state state[NET_STATES]`;
 *   - net_sock_type(): the name of a socket type (STREAM, DGRAM, ...);
 *   - net_sock_ino(): the inode number of a socket (socket:[INODE]);
 *   - with NET_UNIX_NAME defined before including, net_unix_name(): the
 *     bound name of a unix socket as text (VIEW_STR_MAX is then 128);
 *   - with NET_INET defined before including, the inet filters (parameters
 *     shared by tcp and udp) and the endpoints of an inet socket as text:
 *
 *   family  enum (any, ipv4, ipv6)  any       the socket's address family; an
 *                                             IPv6 socket with v4-mapped
 *                                             addresses is ipv6
 *   sport   u16 list[8]             (empty)   local ports; empty: any
 *   dport   u16 list[8]             (empty)   remote ports; empty: any
 *   src     string[64] list[4]      (empty)   local addresses as the view
 *                                             prints them (127.0.0.1, ::1,
 *                                             ::ffff:10.0.0.1: RFC 5952
 *                                             lowercase compressed); an
 *                                             entry ending in '*' matches a
 *                                             text prefix (10.1.*, fe80::*)
 *   dst     string[64] list[4]      (empty)   remote addresses, the same way
 *
 * Ports are in host order everywhere here; the kernel keeps the local port
 * (skc_num) in host order and the remote one (skc_dport) in network order.
 */
#ifndef BPFVIEWS_NET_H
#define BPFVIEWS_NET_H

#ifndef NET_TASK_COMM
#define VIEW_NO_COMM
#endif
#ifdef NET_UNIX_NAME
#define VIEW_STR_MAX	128	/* a unix name: sun_path is 108 bytes */
#endif
#ifdef NET_INET
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "net_text.h"
/* The address texts are built in the reader's scratch. */
/* Rows are built in the scratch and written whole (view.h's row builder);
 * a json row takes up to about 250 bytes. */
#define VIEW_ROW
#define VIEW_OUT_MAX	512
#define VIEW_BUF_EXTRA			\
	struct net_text laddr;		\
	struct net_text raddr;		\
	struct net_text_memo lmemo;	\
	struct net_text_memo rmemo;	\
	NET_BUF_EXTRA
#ifndef NET_BUF_EXTRA
#define NET_BUF_EXTRA	/* a view's own members of the scratch */
#endif

/* What an address text in the scratch was made from (net_addr_text()). */
struct net_text_memo {
	struct net_addr addr;
	__u32 family;		/* 0: nothing yet */
	__u32 len;
};
#endif
#include "view.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10

/*
 * The states of a socket, numbered as the kernel's TCP states (unix and udp
 * sockets use the same numbers).  The names are the ones ss prints, lowercase
 * and with '_' for '-', so that `state = time_wait, close_wait` names what
 * the view shows as TIME-WAIT and CLOSE-WAIT.  0 is no state: an empty list.
 */
enum view_state {
	VIEW_STATE_ESTAB = 1,		/* TCP_ESTABLISHED */
	VIEW_STATE_SYN_SENT,
	VIEW_STATE_SYN_RECV,		/* also TCP_NEW_SYN_RECV (a request) */
	VIEW_STATE_FIN_WAIT_1,
	VIEW_STATE_FIN_WAIT_2,
	VIEW_STATE_TIME_WAIT,
	VIEW_STATE_UNCONN,		/* TCP_CLOSE */
	VIEW_STATE_CLOSE_WAIT,
	VIEW_STATE_LAST_ACK,
	VIEW_STATE_LISTEN,
	VIEW_STATE_CLOSING,
	/* not a kernel state: a name for LISTEN sockets and bound, unconnected
	 * datagram sockets, which only the sockets view tells apart (the
	 * other views accept it and match nothing with it) */
	VIEW_STATE_LISTENING = 0x100,
};
#define NET_STATES	11		/* entries in a state list */
#define NET_NEW_SYN_RECV 12		/* TCP_NEW_SYN_RECV */

/* The state names, as ss prints them, indexed by state; 0: none known. */
static const struct view_name net_state_names[NET_STATES + 1] = {
	VIEW_NAME("UNKNOWN"),
	[VIEW_STATE_ESTAB] = VIEW_NAME("ESTAB"),
	[VIEW_STATE_SYN_SENT] = VIEW_NAME("SYN-SENT"),
	[VIEW_STATE_SYN_RECV] = VIEW_NAME("SYN-RECV"),
	[VIEW_STATE_FIN_WAIT_1] = VIEW_NAME("FIN-WAIT-1"),
	[VIEW_STATE_FIN_WAIT_2] = VIEW_NAME("FIN-WAIT-2"),
	[VIEW_STATE_TIME_WAIT] = VIEW_NAME("TIME-WAIT"),
	[VIEW_STATE_UNCONN] = VIEW_NAME("UNCONN"),
	[VIEW_STATE_CLOSE_WAIT] = VIEW_NAME("CLOSE-WAIT"),
	[VIEW_STATE_LAST_ACK] = VIEW_NAME("LAST-ACK"),
	[VIEW_STATE_LISTEN] = VIEW_NAME("LISTEN"),
	[VIEW_STATE_CLOSING] = VIEW_NAME("CLOSING"),
};

static __always_inline const struct view_name *net_state(int st)
{
	return &net_state_names[st >= 1 && st <= NET_STATES ? st : 0];
}

/* The socket types (SOCK_STREAM ...), as ss names them. */
static const struct view_name net_sock_types[16] = {
	VIEW_NAME("?"), VIEW_NAME("STREAM"), VIEW_NAME("DGRAM"),
	VIEW_NAME("RAW"), VIEW_NAME("RDM"), VIEW_NAME("SEQPACKET"),
	VIEW_NAME("DCCP"), VIEW_NAME("?"), VIEW_NAME("?"), VIEW_NAME("?"),
	VIEW_NAME("PACKET"), VIEW_NAME("?"), VIEW_NAME("?"), VIEW_NAME("?"),
	VIEW_NAME("?"), VIEW_NAME("?"),
};

static __always_inline const struct view_name *net_sock_type(int t)
{
	return &net_sock_types[t & 15];
}

/*
 * view_header_due(), and one more case: the udp iterator counts a start
 * token it does not show, so with no sockets at all its final call has
 * seq_num -1, not 0.
 */
static __always_inline bool net_header_due(struct bpf_iter_meta *meta, void *obj)
{
	if (!obj && meta->seq_num == (__u64)-1)
		return format != VIEW_FORMAT_JSON && meta->seq->count == 0;
	return view_header_due(meta, obj);
}

/*
 * The inode of a socket, 0 if it has none (an orphan, closed by its owner).
 * Newer kernels keep it in sk->sk_ino; older ones have only the inode that
 * holds sk->sk_socket (struct socket_alloc), chosen when the object loads.
 */
static __always_inline unsigned long net_sock_ino(struct sock *sk)
{
	struct socket_alloc *sa;
	unsigned long so;

	if (!sk)
		return 0;
	if (bpf_core_field_exists(sk->sk_ino))
		return sk->sk_ino;
	so = (unsigned long)sk->sk_socket;
	if (!so)
		return 0;
	sa = (void *)(so - bpf_core_field_offset(struct socket_alloc, socket));
	return BPF_CORE_READ(sa, vfs_inode.i_ino);
}

#ifdef NET_UNIX_NAME
#define SUN_PATH_LEN	108

/* Abstract names: NUL bytes after the first become '@' (bpf_loop callback). */
static long net_at_for_nul(__u32 i, void *data)
{
	struct view_buf *buf = *(struct view_buf **)data;
	__u64 k = i;

	barrier_var(k);
	if (k >= VIEW_STR_MAX)
		return 1;
	if (!buf->str[k])
		buf->str[k] = '@';
	return 0;
}

/*
 * The bound name of a unix socket in buf->str, NUL-terminated, as ss and
 * /proc/net/unix show it: a path, or '@' and the abstract name with its NUL
 * bytes as '@'; returns its length, 0 for an unbound socket.
 */
static __always_inline __u32 net_unix_name(struct view_buf *buf, struct unix_sock *u)
{
	struct unix_address *addr = u->addr;
	const char *sun_path;
	__u32 len;

	buf->str[0] = 0;
	if (!addr)
		return 0;
	len = addr->len;
	if (len <= sizeof(short))
		return 0;		/* autobind not finished, or no name */
	len -= sizeof(short);		/* sun_family */
	if (len > SUN_PATH_LEN)
		len = SUN_PATH_LEN;
	barrier_var(len);	/* the register that is checked is the one passed */
	sun_path = addr->name[0].sun_path;
	if (bpf_probe_read_kernel(buf->str, len & (VIEW_STR_MAX - 1), sun_path)) {
		buf->str[0] = 0;
		return 0;
	}
	if (buf->str[0])
		return view_load(buf, sun_path);	/* a path, NUL-terminated */
	buf->str[0] = '@';
	bpf_loop(len, net_at_for_nul, &buf, 0);
	buf->str[len & (VIEW_STR_MAX - 1)] = 0;	/* len < VIEW_STR_MAX */
	return len;
}
#endif /* NET_UNIX_NAME */

#ifdef NET_INET

#define NET_END_LEN	64	/* "[addr]:port" (at most 53) */
#define NET_PORTS	8	/* entries in sport, dport */
#define NET_ADDRS	4	/* entries in src, dst */

enum view_family {
	VIEW_FAMILY_ANY,
	VIEW_FAMILY_IPV4,
	VIEW_FAMILY_IPV6,
};

const volatile enum view_family family = VIEW_FAMILY_ANY;
const volatile __u16 sport[NET_PORTS] = {};
const volatile __u16 dport[NET_PORTS] = {};
const volatile char src[NET_ADDRS][NET_ADDR_LEN] = {};
const volatile char dst[NET_ADDRS][NET_ADDR_LEN] = {};

/*
 * The two ends of an inet socket: ports in host order, addresses as text in
 * the reader's scratch.
 */
struct net_ends {
	__u16 family;
	__u16 lport;
	__u16 rport;
	__u32 llen;		/* bytes of laddr, raddr */
	__u32 rlen;
	struct view_buf *buf;	/* the reader's scratch */
	const char *laddr;
	const char *raddr;
};

/*
 * The text of address a of family fam in t, which m says what it was made
 * from: made again only for another address (most sockets of a host share
 * their local address).  Returns its length.
 */
static __always_inline __u32 net_addr_text(struct net_text *t, struct net_text_memo *m,
					   const struct net_addr *a, __u16 fam)
{
	const __u64 *x = (const __u64 *)a->b, *y = (const __u64 *)m->addr.b;

	if (m->family == fam && x[0] == y[0] && x[1] == y[1])
		return m->len;
	m->len = fam == AF_INET6 ? net_ip6_text(t, a) : net_ip4_text(t, a);
	m->addr = *a;
	m->family = fam;
	return m->len;
}

/*
 * Read the ends from the part every kind of inet socket starts with (a full
 * socket, a time-wait socket and a request socket alike), the texts into
 * buf, the reader's scratch (view_buf()).  Returns false without it (the
 * program returns VIEW_RETRY).
 */
static __always_inline bool net_ends_read(struct net_ends *e, struct sock_common *skc,
					  struct view_buf *buf)
{
	struct net_addr l = {}, r = {};

	if (!buf)
		return false;
	e->family = skc->skc_family;
	e->lport = skc->skc_num;
	e->rport = bpf_ntohs(skc->skc_dport);
	e->buf = buf;
	if (e->family == AF_INET6) {
		__builtin_memcpy(l.b, &skc->skc_v6_rcv_saddr, 16);
		__builtin_memcpy(r.b, &skc->skc_v6_daddr, 16);
	} else {
		__builtin_memcpy(l.b, &skc->skc_rcv_saddr, 4);
		__builtin_memcpy(r.b, &skc->skc_daddr, 4);
	}
	e->llen = net_addr_text(&buf->laddr, &buf->lmemo, &l, e->family);
	e->rlen = net_addr_text(&buf->raddr, &buf->rmemo, &r, e->family);
	e->laddr = buf->laddr.s;
	e->raddr = buf->raddr.s;
	return true;
}

static __always_inline bool net_port_match(const volatile __u16 *list, __u16 port)
{
	if (!list[0])
		return true;
	for (int i = 0; i < NET_PORTS; i++) {
		if (!list[i])
			return false;
		if (list[i] == port)
			return true;
	}
	return false;
}

/* Whether the ends pass family, sport, dport, src and dst. */
static __always_inline bool net_ends_match(const struct net_ends *e)
{
	if (family == VIEW_FAMILY_IPV4 && e->family != AF_INET)
		return false;
	if (family == VIEW_FAMILY_IPV6 && e->family != AF_INET6)
		return false;
	return net_port_match(sport, e->lport) && net_port_match(dport, e->rport) &&
	       FILTER_NAME(src, e->laddr) && FILTER_NAME(dst, e->raddr);
}

/*
 * One row of an inet view, in the columns tcp and udp share:
 *   table  STATE RECV-Q SEND-Q LOCAL REMOTE UID INODE (ends as ss writes them)
 *   csv    state,recv_q,send_q,local_addr,local_port,remote_addr,remote_port,uid,inode
 *   json   the same keys; ports are numbers (0: none)
 */
#define NET_INET_COLUMNS \
	"state recv_q send_q local_addr local_port remote_addr remote_port uid inode"

static __always_inline void net_inet_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "STATE      RECV-Q SEND-Q LOCAL                        REMOTE                         UID      INODE\n",
		    "state,recv_q,send_q,local_addr,local_port,remote_addr,remote_port,uid,inode\n",
		    "");
}

/* An address text of len bytes (NET_ADDR_LEN copied, the rest overwritten
 * or past the row). */
static __always_inline __u32 net_put_addr(struct view_buf *b, __u32 n,
					  const struct net_text *t, __u32 len)
{
	_Static_assert(NET_ADDR_LEN <= VIEW_ROW_SLACK, "address copy past the slack");
	VIEW_COPY(&b->out[VIEW_AT(n)], t->s, NET_ADDR_LEN);
	return n + (len < NET_ADDR_LEN ? len : NET_ADDR_LEN - 1);
}

/* Table: one end as ss writes it, padded to 28 columns and a space. */
static __always_inline __u32 net_put_end(struct view_buf *b, __u32 n, __u16 fam,
					 const struct net_text *t, __u32 len, __u16 port)
{
	__u32 start = n;

	if (fam == AF_INET6)
		n = view_put_c(b, n, '[');
	n = net_put_addr(b, n, t, len);
	if (fam == AF_INET6)
		n = view_put_c(b, n, ']');
	n = view_put_c(b, n, ':');
	if (port)
		n = view_put_u(b, n, port, 0);
	else
		n = view_put_c(b, n, '*');
	n = view_put_fill(b, n, n - start, 28);
	return view_put_c(b, n, ' ');
}

/*
 * The two ends: in the table LOCAL REMOTE as ss writes them (each padded and
 * followed by a space), else the fields local_addr, local_port,
 * remote_addr and remote_port (json: with their keys).
 */
static __always_inline __u32 net_put_ends(struct view_buf *b, __u32 n, const struct net_ends *e)
{
	if (format == VIEW_FORMAT_TABLE) {
		n = net_put_end(b, n, e->family, &b->laddr, e->llen, e->lport);
		return net_put_end(b, n, e->family, &b->raddr, e->rlen, e->rport);
	}
	n = view_put_key(b, n, ",\"local_addr\":\"");
	n = net_put_addr(b, n, &b->laddr, e->llen);
	n = view_put_key(b, n, "\",\"local_port\":");
	n = view_put_u(b, n, e->lport, 0);
	n = view_put_key(b, n, ",\"remote_addr\":\"");
	n = net_put_addr(b, n, &b->raddr, e->rlen);
	n = view_put_key(b, n, "\",\"remote_port\":");
	return view_put_u(b, n, e->rport, 0);
}

static __always_inline void net_inet_row(struct seq_file *seq, const struct net_ends *e,
					 int st, __u32 recvq, __u32 sendq,
					 __u32 uid, unsigned long ino)
{
	const struct view_name *name = net_state(st);
	struct view_buf *b = e->buf;
	__u32 n;

	n = view_put_open(b, "{\"state\":\"");
	VIEW_COPY(&b->out[VIEW_AT(n)], name->s, sizeof(name->s));
	n += name->len;
	if (format == VIEW_FORMAT_JSON)
		n = view_put_c(b, n, '"');
	else if (format == VIEW_FORMAT_TABLE)
		n = view_put_fill(b, n, name->len, 10);
	n = view_put_key(b, n, ",\"recv_q\":");
	n = view_put_u(b, n, recvq, VIEW_W(6));
	n = view_put_key(b, n, ",\"send_q\":");
	n = view_put_u(b, n, sendq, VIEW_W(6));
	if (format == VIEW_FORMAT_TABLE)
		n = view_put_c(b, n, ' ');
	n = net_put_ends(b, n, e);
	if (format != VIEW_FORMAT_TABLE)
		n = view_put_key(b, n, ",\"uid\":");
	n = view_put_u(b, n, uid, VIEW_W(5));
	n = view_put_key(b, n, ",\"inode\":");
	n = view_put_u(b, n, ino, VIEW_W(10));
	view_row_end(seq, b, n);
}

#endif /* NET_INET */

#endif /* BPFVIEWS_NET_H */
