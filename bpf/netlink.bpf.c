// SPDX-License-Identifier: GPL-2.0
/*
 * netlink - netlink sockets, like /proc/net/netlink or `ss -A netlink`.
 *
 * The bound sockets of the reader's network namespace, the kernel's own
 * included (port id 0).  A socket that was never bound (explicitly, or by
 * its first send) is not in the kernel's table, and not listed, as in
 * /proc/net/netlink.
 *
 * Parameters (besides format, see view.h):
 *   protocol  enum list[8]  (empty)  protocols by name, as the name column
 *                                    shows them: route, usersock, firewall,
 *                                    sock_diag, nflog, xfrm, selinux, iscsi,
 *                                    audit, fib_lookup, connector,
 *                                    netfilter, ip6_fw, dnrtmsg,
 *                                    kobject_uevent, generic, scsitransport,
 *                                    ecryptfs, rdma, crypto, smc.  Names
 *                                    only: the numbers of the enum are not
 *                                    the protocol numbers (256 + number, so
 *                                    that route, 0, is not an empty list)
 *
 * Columns:
 *   protocol  protocol number (NETLINK_ROUTE is 0, NETLINK_GENERIC 16, ...)
 *   name      its name, as above; ? for a number this view does not know
 *   portid    the socket's port id (0 for the kernel's sockets; usually the
 *             pid for the first socket of a process)
 *   groups    the first 32 multicast groups it listens to, a hex bitmap
 *             (bit n: group n + 1), as /proc/net/netlink; a string in json
 *   uid       owner uid (0 for the kernel's sockets)
 *   inode     socket inode (socket:[INODE] in /proc/PID/fd)
 * table: PROTOCOL NAME PORTID GROUPS UID INODE.  csv: a header row and the
 * columns above.  json: one object per socket with the columns as keys.
 */
#include "net.h"

VIEW_DOC("netlink sockets, like /proc/net/netlink",
	 "protocol name portid groups uid inode");

#define NL_PROTOS	8	/* entries in the protocol list */
#define NL_NAMED	0x100	/* enum value = NL_NAMED + protocol number */

enum view_netlink_protocol {
	VIEW_NL_ROUTE = NL_NAMED + 0,
	VIEW_NL_USERSOCK = NL_NAMED + 2,
	VIEW_NL_FIREWALL = NL_NAMED + 3,
	VIEW_NL_SOCK_DIAG = NL_NAMED + 4,
	VIEW_NL_NFLOG = NL_NAMED + 5,
	VIEW_NL_XFRM = NL_NAMED + 6,
	VIEW_NL_SELINUX = NL_NAMED + 7,
	VIEW_NL_ISCSI = NL_NAMED + 8,
	VIEW_NL_AUDIT = NL_NAMED + 9,
	VIEW_NL_FIB_LOOKUP = NL_NAMED + 10,
	VIEW_NL_CONNECTOR = NL_NAMED + 11,
	VIEW_NL_NETFILTER = NL_NAMED + 12,
	VIEW_NL_IP6_FW = NL_NAMED + 13,
	VIEW_NL_DNRTMSG = NL_NAMED + 14,
	VIEW_NL_KOBJECT_UEVENT = NL_NAMED + 15,
	VIEW_NL_GENERIC = NL_NAMED + 16,
	VIEW_NL_SCSITRANSPORT = NL_NAMED + 18,
	VIEW_NL_ECRYPTFS = NL_NAMED + 19,
	VIEW_NL_RDMA = NL_NAMED + 20,
	VIEW_NL_CRYPTO = NL_NAMED + 21,
	VIEW_NL_SMC = NL_NAMED + 22,
};

const volatile enum view_netlink_protocol protocol[NL_PROTOS] = {};

static __always_inline const char *protocol_name(int p)
{
	switch (p + NL_NAMED) {
	case VIEW_NL_ROUTE:		return "route";
	case VIEW_NL_USERSOCK:		return "usersock";
	case VIEW_NL_FIREWALL:		return "firewall";
	case VIEW_NL_SOCK_DIAG:		return "sock_diag";
	case VIEW_NL_NFLOG:		return "nflog";
	case VIEW_NL_XFRM:		return "xfrm";
	case VIEW_NL_SELINUX:		return "selinux";
	case VIEW_NL_ISCSI:		return "iscsi";
	case VIEW_NL_AUDIT:		return "audit";
	case VIEW_NL_FIB_LOOKUP:	return "fib_lookup";
	case VIEW_NL_CONNECTOR:		return "connector";
	case VIEW_NL_NETFILTER:		return "netfilter";
	case VIEW_NL_IP6_FW:		return "ip6_fw";
	case VIEW_NL_DNRTMSG:		return "dnrtmsg";
	case VIEW_NL_KOBJECT_UEVENT:	return "kobject_uevent";
	case VIEW_NL_GENERIC:		return "generic";
	case VIEW_NL_SCSITRANSPORT:	return "scsitransport";
	case VIEW_NL_ECRYPTFS:		return "ecryptfs";
	case VIEW_NL_RDMA:		return "rdma";
	case VIEW_NL_CRYPTO:		return "crypto";
	case VIEW_NL_SMC:		return "smc";
	}
	return "?";
}

static __always_inline bool protocol_match(int p)
{
	if (!protocol[0])
		return true;
	for (int i = 0; i < NL_PROTOS; i++) {
		if (!protocol[i])
			return false;
		if (protocol[i] == p + NL_NAMED)
			return true;
	}
	return false;
}

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "PROTOCOL NAME               PORTID   GROUPS   UID      INODE\n",
		    "protocol,name,portid,groups,uid,inode\n",
		    "");
}

SEC("iter/netlink")
int netlink(struct bpf_iter__netlink *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct netlink_sock *nlk = ctx->sk;
	unsigned long *groups;
	unsigned long word = 0;
	struct sock *sk;
	int proto;

	view_keep_alive(ctx->meta, nlk);
	if (net_header_due(ctx->meta, nlk))
		print_header(seq);
	if (!nlk)
		return 0;
	sk = &nlk->sk;
	proto = sk->sk_protocol;
	if (!protocol_match(proto))
		return 0;
	groups = nlk->groups;
	if (groups)
		bpf_probe_read_kernel(&word, sizeof(word), groups);

	VIEW_PRINTF(seq,
		    "%8d %-14s %10u %08x %5u %10lu\n",
		    "%d,%s,%u,%08x,%u,%lu\n",
		    "{\"protocol\":%d,\"name\":\"%s\",\"portid\":%u,\"groups\":\"%08x\",\"uid\":%u,\"inode\":%lu}\n",
		    proto, protocol_name(proto), nlk->portid, (__u32)word,
		    sk->sk_uid.val, net_sock_ino(sk));
	return 0;
}
