// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms - kernel symbols, like /proc/kallsyms.
 *
 * Parameters (besides format, see view.h):
 *   addresses  bool               no   yes: an address column.  The kernel
 *                                      still decides, by the reader's
 *                                      credentials, as for /proc/kallsyms: a
 *                                      reader not allowed to see addresses
 *                                      sees zeros
 *   module     string[56] list[8]  (empty)  modules; "kernel" for the core
 *                                      kernel, "bpf" for BPF programs,
 *                                      "__builtin__kprobes" and
 *                                      "__builtin__ftrace" for those
 *                                      trampolines; an entry ending in '*'
 *                                      matches a prefix; empty: all
 *   prefix     string[64] list[8]  (empty)  name prefixes; a symbol passes
 *                                      if its name starts with one of them;
 *                                      empty: all
 *
 * Columns:
 *   address  (only with addresses = yes) the symbol's address, 16 hex digits
 *   type     the symbol type letter, as /proc/kallsyms shows it (for a
 *            module symbol: upper case if exported, lower case if not)
 *   module   the module the symbol is in, "kernel" for the core kernel
 *   name     the symbol's name
 *
 * Symbols are in /proc/kallsyms order: the core kernel, modules, ftrace
 * trampolines, BPF programs, kprobe trampolines.
 */
#define VIEW_NO_COMM
#define VIEW_STR_MAX	512	/* KSYM_NAME_LEN */
#define VIEW_ROW
#include "view.h"

VIEW_DOC("kernel symbols, like /proc/kallsyms",
	 "address (with addresses = yes) type module name");
VIEW_ADDRESSES(addresses);

#define MODULE_NAME_LEN	56
#define PREFIX_LEN	64

const volatile bool addresses = false;
const volatile char module[FILTER_MAX][MODULE_NAME_LEN] = {};
const volatile char prefix[FILTER_MAX][PREFIX_LEN] = {};

/*
 * The kernel runs the program once more after the last symbol, with the
 * iterator still set (ksym is not NULL) and the last name still in it.  That
 * call alone has a position past the symbols' numbering: a core symbol's
 * position is its number + 1, but only until the module symbols start
 * (pos_bpf_end is set once the BPF ones end), and later symbols' positions
 * are their numbers.
 */
static __always_inline bool after_last(struct bpf_iter__ksym *ctx, struct kallsym_iter *k)
{
	return k->pos_bpf_end && k->pos > ctx->meta->seq_num;
}

static __always_inline char type_letter(struct kallsym_iter *k, bool in_module)
{
	char t = k->type;

	if (!in_module)
		return t;
	if (k->exported)
		return t >= 'a' && t <= 'z' ? t - 32 : t;
	return t >= 'A' && t <= 'Z' ? t + 32 : t;
}

static __always_inline void print_header(struct seq_file *seq)
{
	if (addresses)
		VIEW_PRINTF(seq, "ADDRESS          T MODULE           NAME\n",
			    "address,type,module,name\n", "");
	else
		VIEW_PRINTF(seq, "T MODULE           NAME\n", "type,module,name\n", "");
}

/*
 * The row: the address through printf (only with addresses = yes), the rest
 * staged in buf (whose str holds the name) and written whole.  Module names
 * need no escaping: letters, digits, '_' and '-'.
 */
static __always_inline void print_ksym(struct seq_file *seq, struct kallsym_iter *k,
				       struct view_buf *buf, __u32 len, char type,
				       const char *mod, __u32 mod_len)
{
	__u32 n;

	if (addresses)
		VIEW_PRINTF(seq, "%016lx ", "%016lx,", "{\"address\":\"%016lx\",",
			    k->show_value ? k->value : 0);
	n = format != VIEW_FORMAT_JSON ? 0 :
	    addresses ? view_put_lit(buf, 0, "\"type\":\"") : view_put_lit(buf, 0, "{\"type\":\"");
	n = view_put_c(buf, n, type);
	n = view_put_key(buf, n, "\",\"module\":\"");
	VIEW_COPY(&buf->out[VIEW_AT(n)], mod, MODULE_NAME_LEN);
	n += mod_len < MODULE_NAME_LEN ? mod_len : MODULE_NAME_LEN - 1;
	barrier_var(n);		/* keep the masks of the puts below */
	if (format == VIEW_FORMAT_TABLE)
		n = view_put_fill(buf, n, mod_len, 16);
	n = view_put_key(buf, n, "\",\"name\":");
	n = view_put_str(seq, buf, n, len);
	view_row_end(seq, buf, n);
}

SEC("iter/ksym")
int ksyms(struct bpf_iter__ksym *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct kallsym_iter *k = ctx->ksym;
	char mod[MODULE_NAME_LEN] __attribute__((aligned(8))) = "kernel";
	struct view_buf *buf;
	bool in_module;
	__u32 len, mod_len = 6;
	long r;

	view_keep_alive(ctx->meta, k);
	if (!k || after_last(ctx, k)) {
		if (view_header_due(ctx->meta, NULL))
			print_header(seq);
		return 0;
	}
	if (view_header_due(ctx->meta, k))
		print_header(seq);
	buf = view_buf();
	if (!buf)
		return VIEW_RETRY;
	len = view_load(buf, k->name);
	if (!len || !FILTER_PREFIX(prefix, buf->str))
		return 0;
	in_module = k->module_name[0];
	if (in_module) {
		r = bpf_probe_read_kernel_str(mod, sizeof(mod), k->module_name);
		mod_len = r > 0 ? r - 1 : 0;
	}
	if (FILTER_NAME(module, mod))
		print_ksym(seq, k, buf, len, type_letter(k, in_module), mod, mod_len);
	return 0;
}
