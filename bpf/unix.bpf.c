// SPDX-License-Identifier: GPL-2.0
/*
 * unix - unix domain sockets, like `ss -xa` or /proc/net/unix.
 *
 * The sockets of the reader's network namespace.
 *
 * Parameters (besides format, see view.h):
 *   type   enum list[3]   (empty)  stream, dgram, seqpacket
 *   state  enum list[11]  (empty)  estab, listen, unconn (the tcp view's
 *                                  names; the others match nothing here)
 *   path   string[128] list[4]  (empty)  paths as the path column shows
 *                                  them; an entry ending in '*' matches a
 *                                  prefix: /run/user*, @dbus-*
 * All given filters must pass.
 *
 * Columns:
 *   type   STREAM, DGRAM or SEQPACKET
 *   state  as ss: LISTEN, ESTAB (connected), UNCONN
 *   uid    owner uid
 *   inode  socket inode (socket:[INODE] in /proc/PID/fd)
 *   peer   inode of the connected peer socket, 0 for none (as ss -x shows
 *          it; read without the peer's lock, so a peer closing at that
 *          instant may show 0)
 *   path   the bound name: a filesystem path; for the abstract namespace
 *          '@' and the name, its NUL bytes shown as '@' (as /proc/net/unix);
 *          empty for an unbound socket.  An accepted socket shows its
 *          listener's name, as ss and /proc/net/unix do
 * table: TYPE STATE UID INODE PEER PATH.  csv: a header row and the columns
 * above, the path quoted when it needs it.  json: one object per socket with
 * the columns as keys, the path a JSON string (bytes that are not UTF-8
 * become U+FFFD).
 */
#define NET_UNIX_NAME
#include "net.h"

VIEW_DOC("unix domain sockets, like ss -xa and /proc/net/unix",
	 "type state uid inode peer path");

#define UNIX_TYPES	3

enum view_unix_type {
	VIEW_UNIX_STREAM = 1,		/* SOCK_STREAM */
	VIEW_UNIX_DGRAM = 2,		/* SOCK_DGRAM */
	VIEW_UNIX_SEQPACKET = 5,	/* SOCK_SEQPACKET */
};

const volatile enum view_unix_type type[UNIX_TYPES] = {};
const volatile enum view_state state[NET_STATES] = {};
const volatile char path[4][VIEW_STR_MAX] = {};

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "TYPE      STATE        UID      INODE       PEER PATH\n",
		    "type,state,uid,inode,peer,path\n",
		    "");
}

SEC("iter/unix")
int unix(struct bpf_iter__unix *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct unix_sock *u = ctx->unix_sk;
	struct view_buf *buf;
	struct sock *sk;
	__u32 len;
	int t, st;

	view_keep_alive(ctx->meta, u);
	if (net_header_due(ctx->meta, u))
		print_header(seq);
	if (!u)
		return 0;
	sk = &u->sk;
	t = sk->sk_type;
	st = sk->__sk_common.skc_state;
	if (!FILTER_ENUM(type, t) || !FILTER_ENUM(state, st))
		return 0;
	buf = view_buf();
	if (!buf)
		return VIEW_RETRY;
	len = net_unix_name(buf, u);
	if (!FILTER_NAME(path, buf->str))
		return 0;

	VIEW_PRINTF(seq, "%-9s %-6s %9u %10lu %10lu ", "%s,%s,%u,%lu,%lu,",
		    "{\"type\":\"%s\",\"state\":\"%s\",\"uid\":%u,\"inode\":%lu,\"peer\":%lu,\"path\":",
		    net_sock_type(t)->s, net_state(st)->s, ctx->uid, net_sock_ino(sk),
		    net_sock_ino(u->peer));
	view_str(seq, buf, len);
	VIEW_PRINTF(seq, "\n", "\n", "}\n");
	return 0;
}
