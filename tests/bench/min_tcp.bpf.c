// SPDX-License-Identifier: GPL-2.0
/*
 * min_tcp - `make bench`: the tcp view's columns (state, queues, ends, uid,
 * inode), minimal: addresses through %pI4 / %pI6 (IPv6 uncompressed), one
 * bpf_seq_printf() per row, no filters, no formats.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char _license[] SEC("license") = "GPL";

static __always_inline const char *state_name(int st)
{
	switch (st) {
	case 1:		return "ESTAB";
	case 2:		return "SYN-SENT";
	case 3:		return "SYN-RECV";
	case 4:		return "FIN-WAIT-1";
	case 5:		return "FIN-WAIT-2";
	case 6:		return "TIME-WAIT";
	case 7:		return "UNCONN";
	case 8:		return "CLOSE-WAIT";
	case 9:		return "LAST-ACK";
	case 10:	return "LISTEN";
	case 11:	return "CLOSING";
	case 12:	return "SYN-RECV";
	}
	return "UNKNOWN";
}

SEC("iter/tcp")
int min_tcp(struct bpf_iter__tcp *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct sock_common *skc = ctx->sk_common;
	struct tcp_sock *tp;
	__u32 rq = 0, sq = 0;
	unsigned long ino = 0;
	int st;

	if (!skc)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "STATE      RECV-Q SEND-Q LOCAL                        REMOTE                         UID      INODE\n");
	st = skc->skc_state;
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp) {
		struct sock *sk = &tp->inet_conn.icsk_inet.sk;

		if (st == 10) {
			rq = sk->sk_ack_backlog;
			sq = sk->sk_max_ack_backlog;
		} else {
			int rx = tp->rcv_nxt - tp->copied_seq;

			rq = rx > 0 ? rx : 0;
			sq = tp->write_seq - tp->snd_una;
		}
		ino = sk->sk_ino;
	}
	if (skc->skc_family == 10)
		BPF_SEQ_PRINTF(seq, "%-10s %6u %6u [%pI6]:%-5u [%pI6]:%-5u %5u %10lu\n",
			       state_name(st), rq, sq, &skc->skc_v6_rcv_saddr, skc->skc_num,
			       &skc->skc_v6_daddr, bpf_ntohs(skc->skc_dport), ctx->uid, ino);
	else
		BPF_SEQ_PRINTF(seq, "%-10s %6u %6u %pI4:%-17u %pI4:%-17u %5u %10lu\n",
			       state_name(st), rq, sq, &skc->skc_rcv_saddr, skc->skc_num,
			       &skc->skc_daddr, bpf_ntohs(skc->skc_dport), ctx->uid, ino);
	return 0;
}
