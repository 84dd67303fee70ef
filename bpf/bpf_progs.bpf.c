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
 *   type    program type as bpftool names it (the name libbpf or, for a
 *           newer type, the kernel's BTF gives it); its number if neither
 *           names it
 *   name    program name, empty if it has none
 *   tag     the program's tag, 16 hex digits (as bpftool prints it)
 *   loaded  when it was loaded, in seconds since boot, 2 decimals
 *   uid     uid of the user that loaded it
 *   maps    number of maps it uses (bpftool's map_ids)
 */
#define VIEW_NO_COMM
#define VIEW_FACT_TYPES	fact_prog_type_names
#include "view.h"
#include "prom.h"

VIEW_DOC("loaded BPF programs, like bpftool prog show",
	 "id type name tag loaded uid maps");

#define BPF_OBJ_NAME_LEN	16

/*
 * The type filter's names: the enumerators of the kernel headers the view
 * is built with (BPF_PROG_TYPE_ + each).  A newer type is filtered by its
 * number; the type column names it anyway (from the facts).
 */
#define PROG_TYPES(X)								\
	X(SOCKET_FILTER) X(KPROBE) X(SCHED_CLS) X(SCHED_ACT)			\
	X(TRACEPOINT) X(XDP) X(PERF_EVENT) X(CGROUP_SKB)			\
	X(CGROUP_SOCK) X(LWT_IN) X(LWT_OUT) X(LWT_XMIT) X(SOCK_OPS)		\
	X(SK_SKB) X(CGROUP_DEVICE) X(SK_MSG) X(RAW_TRACEPOINT)			\
	X(CGROUP_SOCK_ADDR) X(LWT_SEG6LOCAL) X(LIRC_MODE2)			\
	X(SK_REUSEPORT) X(FLOW_DISSECTOR) X(CGROUP_SYSCTL)			\
	X(RAW_TRACEPOINT_WRITABLE) X(CGROUP_SOCKOPT) X(TRACING)			\
	X(STRUCT_OPS) X(EXT) X(LSM) X(SK_LOOKUP) X(SYSCALL)			\
	X(NETFILTER)

/* Its values: the kernel's numbers under short names (the tool strips the
 * common prefix), so `type = tracing, 2` works. */
#define PROG_ENUMERATOR(n)	VIEW_PROG_##n = BPF_PROG_TYPE_##n,
enum view_prog_type { PROG_TYPES(PROG_ENUMERATOR) };

const volatile enum view_prog_type type[FILTER_MAX] = {};
const volatile char name[FILTER_MAX][BPF_OBJ_NAME_LEN] = {};

static __always_inline void print_header(struct seq_file *seq)
{
	VIEW_PRINTF(seq,
		    "    ID TYPE             NAME             TAG                  LOADED    UID MAPS\n",
		    "id,type,name,tag,loaded,uid,maps\n",
		    "");
}

/* The row; VIEW_RETRY without the scratch. */
static __always_inline int print_prog(struct seq_file *seq, struct bpf_prog *prog,
				      const char *pname)
{
	struct bpf_prog_aux *aux = prog->aux;
	__u64 loaded = aux->load_time / 10000000;	/* centiseconds */
	struct view_buf *buf = view_buf();
	__u64 tag = 0;
	__u32 n;

	if (!buf)
		return VIEW_RETRY;
	bpf_probe_read_kernel(&tag, sizeof(tag), prog->tag);
	VIEW_PRINTF(seq, "%6u ", "%u,", "{\"id\":%u,", aux->id);
	view_print_type(seq, prog->type);
	if (format == VIEW_FORMAT_JSON)
		BPF_SEQ_PRINTF(seq, "\"name\":");
	n = view_kstr(seq, buf, pname);
	if (format == VIEW_FORMAT_TABLE)
		view_pad(seq, n, BPF_OBJ_NAME_LEN);
	VIEW_PRINTF(seq,
		    " %016llx %7llu.%02llu %6u %4u\n",
		    ",%016llx,%llu.%02llu,%u,%u\n",
		    ",\"tag\":\"%016llx\",\"loaded\":%llu.%02llu,\"uid\":%u,\"maps\":%u}\n",
		    __builtin_bswap64(tag), loaded / 100, loaded % 100,
		    aux->user->uid.val, aux->used_map_cnt);
	return 0;
}

/* format = prometheus: the programs that pass the filters, by type. */
VIEW_METRICS("bpfviews_bpf_programs{type}");

SEC("iter/bpf_prog")
int bpf_progs(struct bpf_iter__bpf_prog *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_prog *prog = ctx->prog;
	char pname[BPF_OBJ_NAME_LEN] = {};

	view_keep_alive(ctx->meta, prog);
	if (format == VIEW_FORMAT_PROMETHEUS && !prog) {
		prom_type_print(ctx->meta, "bpf_programs", "BPF programs by type, as bpftool names it.");
		return 0;
	}
	if (view_header_due(ctx->meta, prog))
		print_header(seq);
	if (!prog || !FILTER_ENUM(type, prog->type))
		return 0;
	bpf_probe_read_kernel_str(pname, sizeof(pname), prog->aux->name);
	if (!FILTER_NAME(name, pname))
		return 0;
	if (format == VIEW_FORMAT_PROMETHEUS) {
		prom_type_count(ctx->meta, prog->type);
		return 0;
	}
	return print_prog(seq, prog, pname);
}
