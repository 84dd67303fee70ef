// SPDX-License-Identifier: GPL-2.0
/*
 * sockets - every process's sockets, in every network namespace, with
 * their owners: like `ss -anp` and `lsof -i -U` in one read, without their
 * scan of every /proc/PID/fd and without entering each namespace.
 *
 * One row per socket descriptor (the task_file iterator): a socket held by
 * several descriptors or processes (dup, fork, SCM_RIGHTS) appears once per
 * descriptor, as lsof shows it.  A process's threads share its file table
 * and are listed once; the link parameter pid walks one process only.
 *
 * Parameters (besides format and comm, see view.h; readers and the cgroup
 * filter, see task_ns.h; family, sport, dport, src and dst are described
 * in net.h):
 *   protocol  enum list[8]   (empty)  tcp, udp, udplite, raw, icmp, sctp,
 *                                     mptcp, unix, netlink, packet, vsock,
 *                                     xdp, other: as the protocol column
 *   state     enum list[11]  (empty)  the tcp view's names (estab, listen,
 *                                     unconn, time_wait, ...) and
 *                                     listening: LISTEN sockets, and bound
 *                                     datagram sockets not connected
 *                                     themselves (udp or udplite UNCONN
 *                                     with a local port; unix dgram with a
 *                                     name and no peer, whatever its state:
 *                                     the kernel makes it ESTAB when a
 *                                     client connects to it)
 *   family    any|ipv4|ipv6  any      ipv4 or ipv6: inet sockets of that
 *                                     family only
 *   sport     u16 list[8]    (empty)  local ports (inet sockets only)
 *   dport     u16 list[8]    (empty)  remote ports (inet sockets only)
 *   src, dst  string list[4] (empty)  local and remote addresses (inet only)
 * All given filters must pass.
 *
 * Columns:
 *   pid          process id (tgid), as the reader's pid namespace numbers it
 *   comm         the process's name
 *   uid          the socket's owner uid (as ss -e shows it: the creator's
 *                fsuid, not necessarily the holder's)
 *   fd           descriptor number
 *   netns        the socket's network namespace: its inode, as
 *                `ls -l /proc/PID/ns/net` and `ip netns identify` show it
 *                (the namespace it was created in, which need not be the
 *                holder's own)
 *   family       ipv4, ipv6, unix, netlink, packet, vsock, xdp, or the
 *                address family number
 *   protocol     tcp, udp, udplite, raw, icmp (ping sockets), sctp, mptcp,
 *                unix, netlink, packet, vsock, xdp; other for the rest
 *   type         STREAM DGRAM RAW RDM SEQPACKET DCCP PACKET, ? otherwise
 *   state        as ss: LISTEN, ESTAB, SYN-SENT, ... for tcp; ESTAB
 *                (connected) or UNCONN for udp, raw and unix; UNCONN for
 *                the families ss shows no state for (netlink, packet, ...)
 *   local_addr   inet: the local address as the tcp view prints it; unix:
 *                the bound name (a path, or '@' and the abstract name),
 *                empty if unbound; empty for the other families
 *   local_port   inet: local port (raw: the protocol number, as ss shows
 *                it); 0 for the other families
 *   remote_addr  inet: remote address; unix: the peer's bound name (a
 *                connected client's peer has its listener's name)
 *   remote_port  inet: remote port, 0 for none
 *   inode        the socket's inode (socket:[INODE] in /proc/PID/fd)
 * table: PID COMM UID FD NETNS FAMILY PROTO TYPE STATE LOCAL REMOTE INODE,
 * the inet ends as ss writes them (127.0.0.1:80, [::1]:80, *: port 0); a
 * unix end is its name, * if none; other families' ends are *.  csv: a
 * header row and the columns above.  json: one object per descriptor with
 * the columns as keys; pid, uid, fd, netns, ports and inode are numbers.
 */
/* What sock_protocol() found last. */
struct proto_memo {
	unsigned long long session;	/* the read session (meta->session_id) */
	unsigned long long prot;	/* the struct proto, 0: none yet */
	unsigned int kind;		/* family << 16 | type */
	unsigned int proto;		/* enum sockets_protocol */
};

#define NET_INET
#define NET_UNIX_NAME
#define NET_BUF_EXTRA			\
	struct view_memo owner_memo;	\
	struct view_memo kinds_memo;	\
	struct proto_memo proto_memo;
#define NET_TASK_COMM
#include "net.h"
#include "task_ns.h"

VIEW_DOC("every process's sockets in every network namespace, like ss -anp and lsof -i",
	 "pid comm uid fd netns family protocol type state local_addr local_port "
	 "remote_addr remote_port inode");

#define AF_NETLINK	16
#define AF_PACKET	17
#define AF_VSOCK	40
#define AF_XDP		44
#define SOCK_DGRAM	2
#define SOCK_RAW	3

enum sockets_protocol {
	SOCKETS_PROTO_TCP = 1,
	SOCKETS_PROTO_UDP,
	SOCKETS_PROTO_UDPLITE,
	SOCKETS_PROTO_RAW,
	SOCKETS_PROTO_ICMP,
	SOCKETS_PROTO_SCTP,
	SOCKETS_PROTO_MPTCP,
	SOCKETS_PROTO_UNIX,
	SOCKETS_PROTO_NETLINK,
	SOCKETS_PROTO_PACKET,
	SOCKETS_PROTO_VSOCK,
	SOCKETS_PROTO_XDP,
	SOCKETS_PROTO_OTHER,
};
#define SOCKETS_PROTOS	13

const volatile enum sockets_protocol protocol[FILTER_MAX] = {};
const volatile enum view_state state[NET_STATES] = {};

/* the protocol enum's names, by value */
static const struct view_name proto_names[16] = {
	VIEW_NAME("?"), VIEW_NAME("tcp"), VIEW_NAME("udp"),
	VIEW_NAME("udplite"), VIEW_NAME("raw"), VIEW_NAME("icmp"),
	VIEW_NAME("sctp"), VIEW_NAME("mptcp"), VIEW_NAME("unix"),
	VIEW_NAME("netlink"), VIEW_NAME("packet"), VIEW_NAME("vsock"),
	VIEW_NAME("xdp"), VIEW_NAME("other"),
};
/* the families, by family_index() */
static const struct view_name family_names[8] = {
	VIEW_NAME(""), VIEW_NAME("unix"), VIEW_NAME("ipv4"), VIEW_NAME("ipv6"),
	VIEW_NAME("netlink"), VIEW_NAME("packet"), VIEW_NAME("vsock"),
	VIEW_NAME("xdp"),
};

/* The family's index in family_names, 0 for a family without a name. */
static __always_inline __u32 family_index(__u16 fam)
{
	switch (fam) {
	case AF_UNIX:		return 1;
	case AF_INET:		return 2;
	case AF_INET6:		return 3;
	case AF_NETLINK:	return 4;
	case AF_PACKET:		return 5;
	case AF_VSOCK:		return 6;
	case AF_XDP:		return 7;
	}
	return 0;
}

/* A global function, which the verifier checks once: inlined, each
 * protocol would be a branch of its own through the rest of the program. */
__noinline int protocol_of(__u32 fam, __u32 type, __u32 proto)
{
	switch (fam) {
	case AF_INET:
	case AF_INET6:
		break;
	case AF_UNIX:		return SOCKETS_PROTO_UNIX;
	case AF_NETLINK:	return SOCKETS_PROTO_NETLINK;
	case AF_PACKET:		return SOCKETS_PROTO_PACKET;
	case AF_VSOCK:		return SOCKETS_PROTO_VSOCK;
	case AF_XDP:		return SOCKETS_PROTO_XDP;
	default:		return SOCKETS_PROTO_OTHER;
	}
	if (type == SOCK_RAW)
		return SOCKETS_PROTO_RAW;
	switch (proto) {
	case 6:		return SOCKETS_PROTO_TCP;	/* IPPROTO_TCP */
	case 17:	return SOCKETS_PROTO_UDP;
	case 136:	return SOCKETS_PROTO_UDPLITE;
	case 1:				/* IPPROTO_ICMP: a ping socket */
	case 58:	return SOCKETS_PROTO_ICMP;	/* IPPROTO_ICMPV6 */
	case 132:	return SOCKETS_PROTO_SCTP;
	case 262:	return SOCKETS_PROTO_MPTCP;
	}
	return SOCKETS_PROTO_OTHER;
}

/* What the view knows of one socket, read once. */
struct sock_facts {
	struct sock *sk;
	struct unix_sock *u;		/* a unix socket, else NULL */
	enum sockets_protocol proto;
	__u16 fam;
	__u16 type;
	int st;
	bool listening;
};

/*
 * The protocol of sk (fam, type: its family and type), from the memo of the
 * last one if sk has the same struct proto, family and type in the same read
 * session: a struct proto serves one protocol (as protocol_of() tells them
 * apart), and sk_protocol is in a cache line the row needs nothing else from.
 */
static __always_inline __u32 sock_protocol(struct view_buf *b, __u64 session, struct sock *sk,
					   __u32 fam, __u32 type)
{
	__u64 prot = (__u64)sk->__sk_common.skc_prot, kind = fam << 16 | type;
	struct proto_memo *m = &b->proto_memo;

	if (m->prot != prot || m->kind != kind || m->session != session || !prot) {
		m->proto = protocol_of(fam, type, sk->sk_protocol) & 15;
		m->prot = prot;
		m->kind = kind;
		m->session = session;
	}
	return m->proto;
}

static __always_inline void sock_facts_read(struct sock_facts *f, struct socket *sock,
					    struct view_buf *b, __u64 session)
{
	struct sock *sk = sock->sk;

	f->sk = sk;
	f->fam = sk->__sk_common.skc_family;
	f->type = sock->type;
	f->proto = sock_protocol(b, session, sk, f->fam, f->type) & 15;
	f->st = sk->__sk_common.skc_state;
	f->u = f->fam == AF_UNIX ? bpf_skc_to_unix_sock(sk) : NULL;
	if (f->fam != AF_INET && f->fam != AF_INET6 && f->fam != AF_UNIX)
		f->st = VIEW_STATE_UNCONN;	/* as ss shows them */
	/* a unix dgram socket is ESTAB once another connects to it, so it is
	 * the socket's own peer that tells whether it is connected */
	if (f->st == VIEW_STATE_LISTEN)
		f->listening = true;
	else if (f->u)
		f->listening = f->type == SOCK_DGRAM && f->u->addr && !f->u->peer;
	else if (f->proto == SOCKETS_PROTO_UDP || f->proto == SOCKETS_PROTO_UDPLITE)
		f->listening = f->st == VIEW_STATE_UNCONN && sk->__sk_common.skc_num;
}

static __always_inline bool sock_facts_match(const struct sock_facts *f)
{
	if (!FILTER_ENUM(protocol, f->proto))
		return false;
	return FILTER_ENUM(state, f->st) ||
	       (f->listening && FILTER_ENUM(state, VIEW_STATE_LISTENING));
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    PID COMM               UID    FD      NETNS FAMILY  PROTO   TYPE      STATE      LOCAL                        REMOTE                            INODE\n",
		    "pid,comm,uid,fd,netns,family,protocol,type,state,local_addr,local_port,remote_addr,remote_port,inode\n",
		    "");
}

/*
 * v, as the verifier sees it after a global function: any value.  The
 * socket's kinds (family, protocol, type, state) are constants on each
 * branch that found them, and as indexes into the name tables they would
 * keep those branches apart through the whole row: the verifier walked the
 * row once for each combination (557k instructions for json, 140k for the
 * table).  Every use masks or checks what this returns.
 */
__noinline long row_any(__u64 v)
{
	barrier_var(v);		/* or the compiler passes v on, not the result */
	return v;
}

/* A name: quoted in json, padded to width in the table. */
static __always_inline __u32 put_name(struct view_buf *b, __u32 n, const struct view_name *name,
				      __u32 width)
{
	__u32 len = name->len;

	if (format == VIEW_FORMAT_JSON)
		n = view_put_c(b, n, '"');
	VIEW_COPY(&b->out[VIEW_AT(n)], name->s, 16);
	n += len & 15;
	if (format == VIEW_FORMAT_JSON)
		return view_put_c(b, n, '"');
	if (format == VIEW_FORMAT_TABLE)
		n = view_put_fill(b, n, len, width);
	return n;
}

/* The family's name (fi: its family_index()), or its number if it has none. */
static __always_inline __u32 put_family(struct view_buf *b, __u32 n, __u32 fi, __u16 fam)
{
	__u32 start = n;

	if (fi)
		return put_name(b, n, &family_names[fi & 7], 7);
	n = view_put_u(b, n, fam, 0);
	if (format == VIEW_FORMAT_TABLE)
		n = view_put_fill(b, n, n - start, 7);
	return n;
}

/*
 * A unix end: the name of u (NULL: none; not unix: no name), * in the
 * table for none.  A name is written after the row so far, from where it
 * is, and the row goes on at 0: every way of writing it (plain or escaped,
 * short or long) ends in the same state, which keeps the verifier's walk
 * from multiplying by the two names' ways (and the row within the buffer
 * whatever the name's escaped length).
 */
static __always_inline __u32 put_unix_end(struct seq_file *seq, struct view_buf *b,
					  __u32 n, struct unix_sock *u)
{
	__u32 len = u ? net_unix_name(b, u) : 0, w;

	if (!len) {
		if (format == VIEW_FORMAT_JSON)
			return view_put_lit(b, n, "\"\"");
		if (format == VIEW_FORMAT_CSV)
			return n;
		n = view_put_c(b, n, '*');
		n = view_put_fill(b, n, 1, 28);
		return view_put_c(b, n, ' ');
	}
	view_row_write(seq, b, n);
	w = view_str(seq, b, row_any(len));	/* one state for the name's ways */
	if (format != VIEW_FORMAT_TABLE)
		return 0;
	n = view_put_fill(b, 0, w, 28);
	return view_put_c(b, n, ' ');
}

/* The two ends: table LOCAL REMOTE, else local_addr ... remote_port; fi is
 * the family's index (2, 3: inet, net.h writes them), u the socket if it
 * is unix, peer its peer. */
static __always_inline __u32 put_ends(struct seq_file *seq, struct view_buf *b, __u32 n,
				      __u32 fi, struct unix_sock *u, struct unix_sock *peer,
				      const struct net_ends *e)
{
	if (format == VIEW_FORMAT_TABLE)
		n = view_put_c(b, n, ' ');
	if (fi == 2 || fi == 3)
		return net_put_ends(b, n, e);
	if (format != VIEW_FORMAT_TABLE)
		n = view_put_key(b, n, ",\"local_addr\":");
	n = put_unix_end(seq, b, n, u);
	if (format != VIEW_FORMAT_TABLE) {
		n = view_put_key(b, n, ",\"local_port\":");
		n = view_put_c(b, n, '0');
		n = view_put_key(b, n, ",\"remote_addr\":");
	}
	n = put_unix_end(seq, b, n, peer);
	if (format != VIEW_FORMAT_TABLE) {
		n = view_put_key(b, n, ",\"remote_port\":");
		n = view_put_c(b, n, '0');
	}
	return n;
}

/* The kinds: table FAMILY PROTO TYPE STATE, else those fields with their
 * keys; k is kinds_key()'s. */
static __always_inline __u32 put_kinds(struct view_buf *b, __u32 n, __u64 k)
{
	__u32 fam = k & 0xffff, fi = (k >> 16) & 7, pi = (k >> 20) & 15, ti = (k >> 24) & 15;
	int st = (k >> 32) & 15;

	n = view_put_key(b, n, ",\"family\":");
	n = put_family(b, n, fi, fam);
	n = view_put_key(b, n, ",\"protocol\":");
	n = put_name(b, n, &proto_names[pi], 7);
	n = view_put_key(b, n, ",\"type\":");
	n = put_name(b, n, net_sock_type(ti), 9);
	n = view_put_key(b, n, ",\"state\":");
	return put_name(b, n, net_state(st), 10);
}

/*
 * The socket's kinds in one word: family, its index, protocol, type and
 * state.  The branches that read the socket learned them as constants; the
 * word goes through row_any(), so that they all walk one row in the
 * verifier.
 */
static __always_inline __u64 kinds_key(const struct sock_facts *f)
{
	return row_any((__u64)f->fam | (__u64)family_index(f->fam) << 16 |
		       (__u64)(f->proto & 15) << 20 | (__u64)(f->type & 15) << 24 |
		       (__u64)(f->st & 0xff) << 32);
}

/*
 * The row.  Its segments that many sockets share are memos (view.h): the
 * process with the socket's owner (pid, comm, uid), and the network
 * namespace with the kinds.
 */
static __always_inline void print_socket(struct seq_file *seq, struct view_buf *b,
					 int pid, const char *name, __u32 fd,
					 struct file *file, const struct sock_facts *f,
					 const struct net_ends *e)
{
	struct unix_sock *u = f->u, *peer = NULL;
	struct sock *sk = f->sk;
	__u64 c0 = *(const __u64 *)&name[0], c1 = *(const __u64 *)&name[8];
	/* the inode's uid is sk_uid (sock_init_data(), sock_graft(), and
	 * sockfs_setattr() keep them one), in the cache lines of its number */
	__u64 owner = (__u32)pid | (__u64)file->f_inode->i_uid.val << 32;
	__u64 kinds = kinds_key(f), netns = sk->__sk_common.skc_net.net->ns.inum;
	__u32 n, start, len;

	if (u && u->peer)
		peer = bpf_skc_to_unix_sock(u->peer);
	if (view_memo_hit(&b->owner_memo, owner, c0, c1)) {
		n = view_memo_put(b, &b->owner_memo, 0);
	} else {
		n = view_put_open(b, "{\"pid\":");
		n = view_put_s(b, n, pid, VIEW_W(7));
		n = view_put_key(b, n, ",\"comm\":");
		/* a task name is at most 15 bytes: the verifier walks no longer ones */
		len = view_load_comm(b, name);
		n = view_put_str_w(seq, b, n, len < VIEW_COMM_LEN ? len : VIEW_COMM_LEN - 1,
				   VIEW_COMM_LEN);
		n = view_put_key(b, n, ",\"uid\":");
		n = view_put_u(b, n, owner >> 32, VIEW_W(5));
		view_memo_keep(b, &b->owner_memo, owner, c0, c1, 0, n);
	}
	n = view_put_key(b, n, ",\"fd\":");
	n = view_put_u(b, n, fd, VIEW_W(5));
	if (view_memo_hit(&b->kinds_memo, netns, kinds, 0)) {
		n = view_memo_put(b, &b->kinds_memo, n);
	} else {
		start = n;
		n = view_put_key(b, n, ",\"netns\":");
		n = view_put_u(b, n, netns, VIEW_W(10));
		n = put_kinds(b, n, kinds);
		view_memo_keep(b, &b->kinds_memo, netns, kinds, 0, start, n);
	}
	n = put_ends(seq, b, n, (kinds >> 16) & 7, u, peer, e);
	if (format != VIEW_FORMAT_TABLE)
		n = view_put_key(b, n, ",\"inode\":");
	n = view_put_u(b, n, file->f_inode->i_ino, VIEW_W(10));
	view_row_end(seq, b, n);
}

SEC("iter/task_file")
int sockets(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	char name[VIEW_COMM_LEN] __attribute__((aligned(8)));
	struct sock_facts f = {};
	struct net_ends e = {};
	struct view_buf *b;
	struct socket *sock;
	struct task_ids ids;

	view_keep_alive(ctx->meta, file);
	if (view_header_due(ctx->meta, file))
		print_header(seq);
	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	view_task_comm(task, name);
	if (!view_comm_match(name) || !task_shown(task, &ids))
		return 0;
	b = view_buf();
	if (!b)
		return VIEW_RETRY;
	sock_facts_read(&f, sock, b, ctx->meta->session_id);
	if (!sock_facts_match(&f))
		return 0;
	if (f.fam == AF_INET || f.fam == AF_INET6) {
		net_ends_read(&e, &f.sk->__sk_common, b);
	} else {
		e.family = f.fam;
		e.laddr = e.raddr = "";
		e.buf = b;
	}
	if (!net_ends_match(&e))
		return 0;
	print_socket(seq, e.buf, ids.pid, name, ctx->fd, file, &f, &e);
	return 0;
}
