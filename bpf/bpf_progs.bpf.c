// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_progs - loaded BPF programs, like bpftool prog show.
 *
 * Parameters (besides format, see view.h):
 *   type  enum list[8]        program types, by the names bpftool prints
 *                             (socket_filter, kprobe, tracing, xdp, lsm, ...)
 *                             or by number; empty: every type
 *   name  string[16] list[8]  program names; an entry ending in '*' matches
 *                             a prefix; empty: every program
 *
 * Columns:
 *   id      program id
 *   type    program type as bpftool names it; its number if this view does
 *           not know the type
 *   name    program name, empty if it has none
 *   tag     the program's tag, 16 hex digits (as bpftool prints it)
 *   loaded  when it was loaded, in seconds since boot, 2 decimals
 *   uid     uid of the user that loaded it
 *   maps    number of maps it uses (bpftool's map_ids)
 */
#define VIEW_NO_COMM
#include "view.h"
#include "filters.h"

VIEW_DOC("loaded BPF programs, like bpftool prog show",
	 "id type name tag loaded uid maps");

#define BPF_OBJ_NAME_LEN	16

/* Program types: the enumerator (BPF_PROG_TYPE_ + it) and bpftool's name. */
#define PROG_TYPES(X)							\
	X(SOCKET_FILTER, "socket_filter")				\
	X(KPROBE, "kprobe")						\
	X(SCHED_CLS, "sched_cls")					\
	X(SCHED_ACT, "sched_act")					\
	X(TRACEPOINT, "tracepoint")					\
	X(XDP, "xdp")							\
	X(PERF_EVENT, "perf_event")					\
	X(CGROUP_SKB, "cgroup_skb")					\
	X(CGROUP_SOCK, "cgroup_sock")					\
	X(LWT_IN, "lwt_in")						\
	X(LWT_OUT, "lwt_out")						\
	X(LWT_XMIT, "lwt_xmit")						\
	X(SOCK_OPS, "sock_ops")						\
	X(SK_SKB, "sk_skb")						\
	X(CGROUP_DEVICE, "cgroup_device")				\
	X(SK_MSG, "sk_msg")						\
	X(RAW_TRACEPOINT, "raw_tracepoint")				\
	X(CGROUP_SOCK_ADDR, "cgroup_sock_addr")				\
	X(LWT_SEG6LOCAL, "lwt_seg6local")				\
	X(LIRC_MODE2, "lirc_mode2")					\
	X(SK_REUSEPORT, "sk_reuseport")					\
	X(FLOW_DISSECTOR, "flow_dissector")				\
	X(CGROUP_SYSCTL, "cgroup_sysctl")				\
	X(RAW_TRACEPOINT_WRITABLE, "raw_tracepoint_writable")		\
	X(CGROUP_SOCKOPT, "cgroup_sockopt")				\
	X(TRACING, "tracing")						\
	X(STRUCT_OPS, "struct_ops")					\
	X(EXT, "ext")							\
	X(LSM, "lsm")							\
	X(SK_LOOKUP, "sk_lookup")					\
	X(SYSCALL, "syscall")						\
	X(NETFILTER, "netfilter")

/* The type filter's values: the kernel's numbers under short names (the
 * tool strips the common prefix), so `type = tracing, 2` works. */
#define PROG_ENUMERATOR(n, s)	VIEW_PROG_##n = BPF_PROG_TYPE_##n,
enum view_prog_type { PROG_TYPES(PROG_ENUMERATOR) };

#define PROG_CASE(n, s)		case BPF_PROG_TYPE_##n: return s;
static __always_inline const char *prog_type_name(__u32 t)
{
	switch (t) {
	PROG_TYPES(PROG_CASE)
	}
	return NULL;
}

const volatile enum view_prog_type type[FILTER_MAX] = {};
const volatile char name[FILTER_MAX][BPF_OBJ_NAME_LEN] = {};

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    ID TYPE             NAME             TAG                  LOADED    UID MAPS\n",
		    "id,type,name,tag,loaded,uid,maps\n",
		    "");
}

/* The type column: bpftool's name, or the number. */
static __always_inline void print_type(struct seq_file *seq, __u32 t)
{
	const char *s = prog_type_name(t);

	if (s)
		VIEW_PRINTF(seq, "%-16s ", "%s,", "\"type\":\"%s\",", s);
	else
		VIEW_PRINTF(seq, "%-16u ", "%u,", "\"type\":\"%u\",", t);
}

static __always_inline void print_prog(struct seq_file *seq, struct bpf_prog *prog,
				       const char *pname)
{
	struct bpf_prog_aux *aux = prog->aux;
	__u64 loaded = aux->load_time / 10000000;	/* centiseconds */
	__u64 tag = 0;
	__u32 n;

	bpf_probe_read_kernel(&tag, sizeof(tag), prog->tag);
	VIEW_PRINTF(seq, "%6u ", "%u,", "{\"id\":%u,", aux->id);
	print_type(seq, prog->type);
	if (format == VIEW_FORMAT_JSON)
		BPF_SEQ_PRINTF(seq, "\"name\":");
	n = view_kstr(seq, view_buf(), pname);
	if (format == VIEW_FORMAT_TABLE)
		view_pad(seq, n, BPF_OBJ_NAME_LEN);
	VIEW_PRINTF(seq,
		    " %016llx %7llu.%02llu %6u %4u\n",
		    ",%016llx,%llu.%02llu,%u,%u\n",
		    ",\"tag\":\"%016llx\",\"loaded\":%llu.%02llu,\"uid\":%u,\"maps\":%u}\n",
		    __builtin_bswap64(tag), loaded / 100, loaded % 100,
		    aux->user->uid.val, aux->used_map_cnt);
}

SEC("iter/bpf_prog")
int bpf_progs(struct bpf_iter__bpf_prog *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_prog *prog = ctx->prog;
	char pname[BPF_OBJ_NAME_LEN] = {};

	view_keep_alive(ctx->meta, prog);
	if (view_header_due(ctx->meta, prog))
		print_header(seq);
	if (!prog || !FILTER_ENUM(type, prog->type))
		return 0;
	bpf_probe_read_kernel_str(pname, sizeof(pname), prog->aux->name);
	if (FILTER_NAME(name, pname))
		print_prog(seq, prog, pname);
	return 0;
}
