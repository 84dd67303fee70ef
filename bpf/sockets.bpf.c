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

/* One call's walk: where it is, and the process whose descriptors it reads. */
struct fdtable_walk {
	char name[16];			/* the process's name (TASK_COMM_LEN) */
	unsigned long long task;			/* the task, 0: the walk is complete */
	unsigned long long session;
	unsigned int fd;			/* the descriptor */
	unsigned int budget;			/* tasks and descriptors left to read */
	unsigned int stop;			/* enum fdtable_stop */
	int pid;			/* the process's id for the reader */
	unsigned long long files[64];	/* a word's descriptors' files */
	unsigned long long sink;	/* what fdtable_touch() loaded */
};

#define NET_INET
#define NET_UNIX_NAME
#define NET_BUF_EXTRA			\
	struct view_memo owner_memo;	\
	struct view_memo kinds_memo;	\
	struct proto_memo proto_memo;	\
	struct fdtable_walk walk;
#define NET_TASK_COMM
#include "net.h"
#include "task_ns.h"

/* A read-only view of a kernel object at an address (6.2): loads through
 * it are the verifier's checked ones, as for any pointer it walked. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define SOCKETS_CAST(type, addr)	\
	((struct type *)bpf_rdonly_cast((void *)(addr), bpf_core_type_id_kernel(struct type)))

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
	f->u = f->fam == AF_UNIX ? SOCKETS_CAST(unix_sock, sk) : NULL;
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
		peer = SOCKETS_CAST(unix_sock, u->peer);
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

/* The row of socket sock (the socket of file, descriptor fd of process pid
 * named name), if it passes the filters. */
static __always_inline void socket_show(struct seq_file *seq, struct view_buf *b, __u64 session,
					int pid, const char *name, __u32 fd, struct file *file,
					struct socket *sock)
{
	struct sock_facts f = {};
	struct net_ends e = {};

	sock_facts_read(&f, sock, b, session);
	if (!sock_facts_match(&f))
		return;
	if (f.fam == AF_INET || f.fam == AF_INET6) {
		net_ends_read(&e, &f.sk->__sk_common, b);
	} else {
		e.family = f.fam;
		e.laddr = e.raddr = "";
		e.buf = b;
	}
	if (net_ends_match(&e))
		print_socket(seq, e.buf, pid, name, fd, file, &f, &e);
}

/*
 * One process (the link parameter pid) or thread (tid), with the task_file
 * iterator: a call per descriptor.  A view of every process walks with
 * sockets_fdtable below.
 */
SEC("iter/task_file")
int sockets(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	char name[VIEW_COMM_LEN] __attribute__((aligned(8)));
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
	socket_show(seq, b, ctx->meta->session_id, ids.pid, name, ctx->fd, file, sock);
	return 0;
}

/*
 * The walk of every process, which reads each one's descriptor table
 * itself: the task_file iterator's call per descriptor (a reference taken
 * and dropped on the file, the task locked) costs about twice what the row
 * of a socket does.  The loader (src/loader.c) links it in place of sockets
 * for a view of every process, where the kernel has the numbers iterator
 * (6.4).
 *
 * It walks the processes in the kernel's list (the order they were
 * created in), each one's descriptors in order, and the threads of a
 * process that have a descriptor table of their own (unshare(CLONE_FILES))
 * after it, as the task_file iterator does; the rows are those of sockets.
 * The walk is one in chunks (walk.h); its place (a task and a descriptor)
 * is kept by session in fdtable_cursors.  A read session prints at most
 * WALK_CHUNKS buffers (some 60 MB: about 380,000 rows of the table); a
 * session with more fails with E2BIG when it gets there, never shorter
 * without a word.
 *
 * Without the references the kernel's iterator takes, a descriptor closed
 * while the call reads it is skipped or read as it was, and a socket
 * reused at once for another may show the other's fields, as a listing
 * from /proc can.  A task that exits between two reads of a session it
 * was the place of moves the place to the next process started after it.
 */
#define WALK_CHUNKS	2048
#include "walk.h"

/* the most a row may take: its staged parts, and two unix names escaped */
#define SOCKETS_ROW_MAX		(4 * VIEW_OUT_MAX + 12 * VIEW_STR_MAX)
#define FDTABLE_BUDGET		16384	/* tasks and descriptors one call reads at most */
#define FDTABLE_TASKS		(1 << 22)	/* tasks one call walks at most (PID_MAX_LIMIT) */
#define S_IFMT			0170000
#define S_IFSOCK		0140000

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;
struct fdtable_cursor {
	__u64 task;	/* the task the walk is in (its address), 0: the first */
	__u64 start;	/* its start_time: a task at that address later is another */
	__u32 pid;	/* its pid (the kernel's, global) */
	__u32 fd;	/* its next descriptor */
	__u32 done;	/* the walk is complete */
};

WALK_CURSORS(fdtable_cursors, fdtable_cursor);

static const struct fdtable_cursor fdtable_start;	/* a session's, at its first call */
/* The last session whose walk a call found complete: the rest of that
 * session's calls (the elements left) end at once.  Any session's call may
 * overwrite it, and that session's calls then look up their cursor. */
static __u64 fdtable_done_session;

enum fdtable_stop {
	FDTABLE_ON,
	FDTABLE_FULL,		/* the next row might not fit */
	FDTABLE_OVERFLOWED,	/* a write did not fit after all */
	FDTABLE_BUDGET_SPENT,
};

/* socket_file_ops, which no symbol gives: learned from the first socket. */
static __u64 socket_fops;

/* Whether file is a socket's (as sock_from_file(): its operations are the
 * sockets'); its struct socket in *sock. */
static __always_inline bool file_socket(struct file *file, struct socket **sock)
{
	__u64 fops = (__u64)file->f_op;

	*sock = SOCKETS_CAST(socket, file->private_data);
	if (socket_fops)
		return fops == socket_fops;
	/* a socket's inode, and the socket's own file (an O_PATH descriptor of
	 * a socket's path has the inode but no socket) */
	if ((file->f_inode->i_mode & S_IFMT) != S_IFSOCK || !file->private_data ||
	    (__u64)(*sock)->file != (__u64)file)
		return false;
	socket_fops = fops;
	return true;
}

/* Whether the kernel's pid table has t, as the task iterators ask
 * (get_pid_task()): a task on its way out may be gone from it. */
static __always_inline bool fdtable_listed(struct task_struct *t)
{
	struct task_struct *found = bpf_task_from_pid(t->pid);

	if (!found)
		return false;
	bpf_task_release(found);
	return (__u64)found == (__u64)t;
}

/* The row of the socket at fp (a struct file's address), if it is one and
 * the row fits.  A global function, which the verifier checks once; b is
 * the reader's scratch, with the walk. */
__noinline int fdtable_socket(struct seq_file *seq __arg_trusted, struct view_buf *b, __u64 fp)
{
	struct file *file = SOCKETS_CAST(file, fp);
	struct fdtable_walk *w;
	struct socket *sock;

	if (!seq || !b || !file_socket(file, &sock))
		return 0;
	w = &b->walk;
	if (walk_room(seq) < SOCKETS_ROW_MAX) {
		w->stop = FDTABLE_FULL;
		return 0;
	}
	socket_show(seq, b, w->session, w->pid, w->name, w->fd, file, sock);
	if (walk_overflowed(seq))
		w->stop = FDTABLE_OVERFLOWED;
	return 0;
}

/*
 * Loads what the rows of a word's sockets read (the file, its socket and
 * sock, the inode's uid and number) for all of them, before any row: the
 * loads of different sockets do not wait for each other, so their cache
 * misses overlap, where a row's own code between two sockets is too long
 * for the CPU to look ahead past.  A global function: its loop kept out
 * of the caller's stack frame.
 */
__noinline int fdtable_touch(struct view_buf *b, __u64 bits)
{
	struct fdtable_walk *w;
	__u64 sum = 0;

	if (!b || !socket_fops)
		return 0;
	w = &b->walk;
	for (int j = 0; j < 64 && bits >> j; j++) {
		struct file *f = SOCKETS_CAST(file, w->files[j]);
		struct socket *sock;

		if (!((bits >> j) & 1) || !w->files[j] || (__u64)f->f_op != socket_fops)
			continue;
		sock = SOCKETS_CAST(socket, f->private_data);
		sum += f->f_inode->i_uid.val + f->f_inode->i_ino + sock->sk->__sk_common.skc_family;
	}
	w->sink = sum;
	return 0;
}

/*
 * The sockets of the task at w->task, from descriptor w->fd on: w->fd is 0
 * after the last, or where the walk stopped (w->stop).  The open descriptors
 * are the bits of the table's open_fds, a word of them at a time.
 */
__noinline int fdtable_task(struct seq_file *seq __arg_trusted, struct view_buf *b)
{
	struct fdtable_walk *w;
	struct task_struct *t;
	unsigned long *open;
	struct fdtable *fdt;
	struct file **fds;
	struct bpf_iter_num it;
	struct task_ids ids;
	__u32 words, first;
	int *i;

	if (!seq || !b)
		return 0;
	w = &b->walk;
	t = SOCKETS_CAST(task_struct, w->task);
	first = w->fd;
	w->fd = 0;
	if (!t->files)
		return 0;
	view_task_comm(t, w->name);
	if (!view_comm_match(w->name) || !task_shown(t, &ids) || !fdtable_listed(t))
		return 0;
	w->pid = ids.pid;
	fdt = t->files->fdt;
	open = fdt->open_fds;
	fds = fdt->fd;
	words = fdt->max_fds / 64;
	walk_for(it, i, first / 64, words) {
		unsigned long bits = 0;
		__u32 base = *i * 64;

		bpf_probe_read_kernel(&bits, sizeof(bits), &open[*i]);
		if (base < first)
			bits &= ~0UL << (first - base);
		if (!bits)
			continue;
		if (bpf_probe_read_kernel(w->files, sizeof(w->files), &fds[base]))
			continue;
		fdtable_touch(b, bits);
		for (int j = 0; j < 64 && bits >> j; j++) {
			__u64 fp = w->files[j];

			if (!((bits >> j) & 1))
				continue;
			w->fd = base + j;
			if (fp)
				fdtable_socket(seq, b, fp);
			if (w->stop)
				goto out;
			if (!--w->budget) {
				w->fd = base + j + 1;
				w->stop = FDTABLE_BUDGET_SPENT;
				goto out;
			}
		}
	}
	w->fd = 0;
out:
	bpf_iter_num_destroy(&it);
	return 0;
}

/* A word at addr (a pointer the walk follows: list links). */
static __always_inline __u64 fdtable_load(const void *addr)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), addr);
	return v;
}

/*
 * The task after the one at addr: its process's next thread that has a
 * descriptor table of its own, else the next process (0 after the last).
 * The lists are walked as under RCU, which the program runs in.
 */
static __always_inline __u64 fdtable_next(__u64 addr)
{
	struct task_struct *t = SOCKETS_CAST(task_struct, addr), *leader = t->group_leader, *th;
	__u64 head = (__u64)leader->signal + bpf_core_field_offset(struct signal_struct, thread_head);
	__u64 node = bpf_core_field_offset(struct task_struct, thread_node);
	__u64 link = addr + node, next = 0;
	struct bpf_iter_num it;
	int *i;

	if (leader->signal->nr_threads > 1) {
		walk_for(it, i, 0, FDTABLE_TASKS) {
			link = fdtable_load((void *)link);
			if (!link || link == head)
				break;
			th = SOCKETS_CAST(task_struct, link - node);
			if (th->files != leader->files) {
				next = link - node;
				break;
			}
		}
		bpf_iter_num_destroy(&it);
		if (next)
			return next;
	}
	next = fdtable_load(&leader->tasks.next) - bpf_core_field_offset(struct task_struct, tasks);
	return SOCKETS_CAST(task_struct, next)->pid ? next : 0;	/* init_task: the list's head */
}

/* The first task of the walk: the list's head is init_task (pid 0), the
 * ancestor of every task. */
static __always_inline __u64 fdtable_first(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bpf_iter_num it;
	__u64 at = (__u64)t;
	int *i;

	walk_for(it, i, 0, FDTABLE_TASKS) {
		t = SOCKETS_CAST(task_struct, at);
		if (!t->pid)
			break;
		at = (__u64)t->real_parent;
	}
	bpf_iter_num_destroy(&it);
	return at ? fdtable_next(at) : 0;
}

/* Where the call starts: the cursor's task if it is still there, else the
 * first process started after it (or the first of all). */
static __always_inline void fdtable_resume(const struct fdtable_cursor *cur, struct fdtable_walk *w)
{
	struct task_struct *t, *p;
	struct bpf_iter_num it;
	int *i;

	t = cur->task ? bpf_task_from_pid(cur->pid) : NULL;
	if (t) {
		bool same = (__u64)t == cur->task && t->start_time == cur->start;

		bpf_task_release(t);
		if (same) {
			w->task = cur->task;
			w->fd = cur->fd;
			return;
		}
	}
	w->task = fdtable_first();
	if (!cur->task)
		return;
	walk_for(it, i, 0, FDTABLE_TASKS) {
		p = SOCKETS_CAST(task_struct, w->task);
		if (!w->task || p->group_leader->start_time > cur->start)
			break;
		w->task = fdtable_next(w->task);
	}
	bpf_iter_num_destroy(&it);
}

SEC("iter/bpf_map_elem")
int sockets_fdtable(struct bpf_iter__bpf_map_elem *ctx)
{
	struct bpf_iter_meta *meta = ctx->meta;
	void *key = ctx->key;
	struct seq_file *seq = meta->seq;
	__u64 session = meta->session_id, count = seq->count;
	struct fdtable_cursor *cur;
	struct fdtable_walk *w;
	struct bpf_iter_num it;
	struct task_struct *t;
	struct view_buf *b;
	int *i;

	if (key && session == fdtable_done_session)
		return 0;
	b = view_buf();
	if (!b)
		return VIEW_RETRY;
	cur = bpf_map_lookup_elem(&fdtable_cursors, &session);
	if (!key) {				/* the final call */
		if (cur && !cur->done)		/* out of chunks: E2BIG */
			walk_overflow(seq, b);
		else
			bpf_map_delete_elem(&fdtable_cursors, &session);
		return 0;
	}
	if (!meta->seq_num) {			/* the session's first call */
		bpf_map_update_elem(&fdtable_cursors, &session, &fdtable_start, BPF_ANY);
		cur = bpf_map_lookup_elem(&fdtable_cursors, &session);
	}
	if (view_header_due(meta, key))
		print_header(seq);
	if (!cur) {		/* lost (walk.h): the read fails, not shorter */
		walk_overflow(seq, b);
		return 0;
	}
	if (cur->done) {
		fdtable_done_session = session;
		return 0;
	}
	w = &b->walk;
	__builtin_memset(w, 0, sizeof(*w));
	w->session = session;
	w->budget = FDTABLE_BUDGET;
	fdtable_resume(cur, w);
	walk_for(it, i, 0, FDTABLE_TASKS) {
		if (!w->task)
			break;
		fdtable_task(seq, b);
		if (w->stop)
			break;
		w->task = fdtable_next(w->task);
		if (!--w->budget) {
			w->stop = FDTABLE_BUDGET_SPENT;
			break;
		}
	}
	bpf_iter_num_destroy(&it);
	if (w->stop == FDTABLE_OVERFLOWED)
		return 0;
	/* not one row fits: the kernel shows the element again, on purpose */
	if (w->stop == FDTABLE_FULL && seq->count == count) {
		walk_overflow(seq, b);
		return 0;
	}
	t = SOCKETS_CAST(task_struct, w->task);
	cur->task = w->task;
	cur->start = w->task ? t->start_time : 0;
	cur->pid = w->task ? t->pid : 0;
	cur->fd = w->fd;
	cur->done = !w->task;
	return 0;
}
