/* libFuzzer target: program parameters, the manifest value of a global
 * variable converted through its BTF type (params_parse, params_set) and back
 * (params_format, params_type_name).
 *
 * The variables are those of every built-in program (their BTF, from the
 * objects embedded in the library) and of a BTF built here with btf__add_*
 * that has every kind of type params.c decides on, supported or not: enums
 * signed, 64-bit, empty or one-valued, typedefs of char, arrays of arrays,
 * zero-length arrays, a modifier loop, a datasec size that lies.
 *
 * Input: "OBJECT:VAR=VALUE" sets VAR of OBJECT ("types" is the BTF built
 * here); "!OBJECT:VAR=BYTES" formats BYTES as VAR's initial value, the first
 * byte being the size of the output buffer. A selector that names no variable
 * picks one by its hash, so mutated selectors still test something.
 *
 * Besides the sanitizers, the oracle is the round trip: whatever parses
 * formats, and the text formatted parses back to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "builtin.h"
#include "params.h"

struct fuzz_var {
	char label[128];	/* OBJECT:VAR */
	const struct btf *btf;
	struct bpf_object *obj;	/* NULL for the types built here */
	struct param_var var;
};

static struct fuzz_var *vars;
static size_t nvars;

struct collect_ctx {
	const char *object;
	const struct btf *btf;
	struct bpf_object *obj;
};

static int collect(const struct param_var *var, void *ctx)
{
	struct collect_ctx *c = ctx;
	struct fuzz_var *v;

	vars = realloc(vars, (nvars + 1) * sizeof(*vars));
	if (!vars)
		abort();
	v = &vars[nvars++];
	snprintf(v->label, sizeof(v->label), "%s:%s", c->object, var->name);
	v->btf = c->btf;
	v->obj = c->obj;
	v->var = *var;
	return 0;
}

static void add_builtins(void)
{
	for (const struct builtin_object *b = builtin_objects; b->name; b++) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = b->name);
		struct bpf_object *obj = bpf_object__open_mem(b->data, b->size, &opts);
		struct collect_ctx c = { b->name, obj ? bpf_object__btf(obj) : NULL, obj };

		if (!c.btf) {
			fprintf(stderr, "fuzz_params: cannot open built-in %s\n", b->name);
			abort();
		}
		params_foreach(c.btf, collect, &c);
	}
}

static int check(int id)
{
	if (id < 0)
		abort();
	return id;
}

static int add_enum(struct btf *b, const char *name, __u32 size, const char *const *names,
		    const long long *values, int n)
{
	int id = check(btf__add_enum(b, name, size));

	for (int i = 0; i < n; i++)
		check(btf__add_enum_value(b, names[i], values[i]));
	return id;
}

static int add_enum64(struct btf *b, const char *name, bool is_signed, const char *const *names,
		      const long long *values, int n)
{
	int id = check(btf__add_enum64(b, name, 8, is_signed));

	for (int i = 0; i < n; i++)
		check(btf__add_enum64_value(b, names[i], values[i]));
	return id;
}

struct type_var {
	const char *name;
	int type;
	__u32 size;	/* 0: the type's size */
};

static void add_datasec(struct btf *b, const char *section, const struct type_var *tv, int n,
			int linkage)
{
	int ids[64];
	__u32 sizes[64], off = 0;

	if (n > 64)
		abort();
	for (int i = 0; i < n; i++) {
		long long sz = tv[i].size ? tv[i].size : btf__resolve_size(b, tv[i].type);

		sizes[i] = sz > 0 ? sz : 4;
		ids[i] = check(btf__add_var(b, tv[i].name, linkage, tv[i].type));
	}
	for (int i = 0; i < n; i++)
		off += sizes[i];
	check(btf__add_datasec(b, section, off));
	off = 0;
	for (int i = 0; i < n; i++) {
		check(btf__add_datasec_var_info(b, ids[i], off, sizes[i]));
		off += sizes[i];
	}
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct btf *build_types(void)
{
	static const char *const fmt_n[] = { "VIEW_FORMAT_TABLE", "VIEW_FORMAT_CSV", "VIEW_FORMAT_JSON" };
	static const long long fmt_v[] = { 0, 1, 2 };
	static const char *const tcp_n[] = { "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_TIME_WAIT", "TCP_LISTEN" };
	static const long long tcp_v[] = { 1, 2, 6, 10 };
	static const char *const neg_n[] = { "LEVEL_LOW", "LEVEL_HIGH", "LEVEL_MIN" };
	static const long long neg_v[] = { -1, 1, -2147483648LL };
	static const char *const odd_n[] = { "A", "A_B", "A_B_C", "B", "AB" };
	static const long long odd_v[] = { 0, 0, 255, -1, 7 };
	static const char *const one_n[] = { "ONLY_ONE" };
	static const long long one_v[] = { 7 };
	static const char *const big_n[] = { "BIG_SMALL", "BIG_HUGE", "BIG_TOP" };
	static const long long big_v[] = { 1, 0x100000000LL, -1 };
	struct btf *b = btf__new_empty();
	int s8, u8, tu8, comm_t, s16, u16, s32, u32, s64, u64, s128, boolean, bool4;
	int fmt, tcp, neg, odd, one, none, small, big, sbig, str16, loop;

	if (!b)
		abort();
	s8 = check(btf__add_int(b, "char", 1, BTF_INT_SIGNED));
	u8 = check(btf__add_int(b, "unsigned char", 1, 0));
	tu8 = check(btf__add_typedef(b, "__u8", u8));
	comm_t = check(btf__add_typedef(b, "comm_t", s8));
	s16 = check(btf__add_int(b, "short", 2, BTF_INT_SIGNED));
	u16 = check(btf__add_int(b, "unsigned short", 2, 0));
	s32 = check(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	u32 = check(btf__add_int(b, "unsigned int", 4, 0));
	s64 = check(btf__add_int(b, "long long", 8, BTF_INT_SIGNED));
	u64 = check(btf__add_int(b, "unsigned long long", 8, 0));
	s128 = check(btf__add_int(b, "__int128", 16, BTF_INT_SIGNED));
	boolean = check(btf__add_int(b, "_Bool", 1, BTF_INT_BOOL));
	bool4 = check(btf__add_int(b, "flag32", 4, BTF_INT_BOOL));
	fmt = add_enum(b, "view_format", 4, fmt_n, fmt_v, N(fmt_v));
	tcp = add_enum(b, "", 4, tcp_n, tcp_v, N(tcp_v));
	neg = add_enum(b, "level", 4, neg_n, neg_v, N(neg_v));
	odd = add_enum(b, "odd", 1, odd_n, odd_v, N(odd_v));
	one = add_enum(b, "one", 2, one_n, one_v, N(one_v));
	none = add_enum(b, "none", 4, NULL, NULL, 0);
	small = add_enum(b, "small", 1, fmt_n, fmt_v, N(fmt_v));
	big = add_enum64(b, "big", false, big_n, big_v, N(big_v));
	sbig = add_enum64(b, "sbig", true, big_n, big_v, N(big_v));
	str16 = check(btf__add_array(b, s32, s8, 16));
	/* const -> volatile -> const ...: a loop only a broken object has */
	loop = btf__type_cnt(b);
	check(btf__add_const(b, loop + 1));
	check(btf__add_volatile(b, loop));

	const struct type_var rodata[] = {
		{ "s8", s8 }, { "u8", tu8 }, { "uchar", u8 }, { "s16", s16 }, { "u16", u16 },
		{ "s32", s32 }, { "u32", u32 }, { "s64", s64 }, { "u64", u64 }, { "s128", s128 },
		{ "flag", check(btf__add_const(b, check(btf__add_volatile(b, boolean)))) },
		{ "flag32", bool4 },
		{ "cv", check(btf__add_const(b, check(btf__add_volatile(b, check(btf__add_typedef(b, "myint", s32)))))) },
		{ "name", str16 },
		{ "one_char", check(btf__add_array(b, s32, s8, 1)) },
		{ "no_chars", check(btf__add_array(b, s32, s8, 0)) },
		{ "targ_comm", check(btf__add_array(b, s32, comm_t, 16)) },
		{ "name_t", check(btf__add_typedef(b, "name_t", str16)) },
		{ "comm", check(btf__add_array(b, s32, str16, 8)) },
		{ "pids", check(btf__add_array(b, s32, u32, 4)) },
		{ "ports", check(btf__add_array(b, s32, u16, 8)) },
		{ "flags", check(btf__add_array(b, s32, boolean, 2)) },
		{ "bytes", check(btf__add_array(b, s32, tu8, 4)) },
		{ "format", fmt },
		{ "states", check(btf__add_array(b, s32, tcp, 4)) },
		{ "level", neg },
		{ "odd", odd },
		{ "one", one },
		{ "none", none },
		{ "small", small },
		{ "big", big },
		{ "sbig", sbig },
		{ "bigs", check(btf__add_array(b, s32, sbig, 2)) },
		{ "grid", check(btf__add_array(b, s32, check(btf__add_array(b, s32, u32, 2)), 2)) },
		{ "nothing", check(btf__add_array(b, s32, u32, 0)) },
		{ "ratio", check(btf__add_float(b, "float", 4)) },
		{ "ptr", check(btf__add_ptr(b, s32)) },
		{ "loop", loop },
		{ "liar", u32, 2 },
		{ "big_liar", str16, 64 },
	};
	const struct type_var bss[] = { { "count", s64 } };
	const struct type_var statics[] = { { "doc", str16 } };

	add_datasec(b, ".rodata", rodata, N(rodata), BTF_VAR_GLOBAL_ALLOCATED);
	add_datasec(b, ".bss", bss, N(bss), BTF_VAR_GLOBAL_ALLOCATED);
	add_datasec(b, ".data", statics, N(statics), BTF_VAR_STATIC);
	return b;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct collect_ctx c = { "types" };
	char name[256];

	(void)argc;
	(void)argv;
	libbpf_set_print(silent);
	add_builtins();
	c.btf = build_types();
	params_foreach(c.btf, collect, &c);
	for (size_t i = 0; i < nvars; i++)
		params_type_name(vars[i].btf, &vars[i].var, name, sizeof(name));
	return 0;
}

static const struct fuzz_var *select_var(const char *sel, size_t len)
{
	__u32 hash = 2166136261u;

	for (size_t i = 0; i < nvars; i++)
		if (strlen(vars[i].label) == len && !memcmp(vars[i].label, sel, len))
			return &vars[i];
	for (size_t i = 0; i < len; i++)
		hash = (hash ^ (unsigned char)sel[i]) * 16777619u;
	return &vars[hash % nvars];
}

/* Heap buffers of the exact size, so that ASan sees a byte written past. */
static void *alloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		abort();
	return p;
}

#define TEXT_MAX 65536

/* As the loader sets a parameter: into a copy of its section, handed back. */
static void set_in_object(struct bpf_object *obj, const char *key, const char *value,
			  char *err, size_t errlen)
{
	struct params_data d;
	struct param_var var;

	params_data_init(&d, obj);
	if (!params_data_set(&d, key, value, &var, err, errlen))
		params_data_apply(&d);
	params_data_free(&d);
}

/* KEY is what the selector named, so that an unknown name reaches the
 * message listing the valid ones. */
static void round_trip(const struct fuzz_var *v, const char *key, const char *value, size_t errlen)
{
	const struct param_var *var = &v->var;
	unsigned char *bytes = alloc(var->size), *again = alloc(var->size);
	char *err = alloc(errlen), *text = alloc(TEXT_MAX);
	int ret = params_parse(v->btf, var, value, bytes, err, errlen);

	if (ret && strnlen(err, errlen) == errlen)
		abort();	/* the reason must be a string, cut to fit */
	if (!ret) {
		if (params_format(v->btf, var, bytes, text, TEXT_MAX))
			abort();
		if (params_parse(v->btf, var, text, again, err, errlen) ||
		    memcmp(bytes, again, var->size))
			abort();
	}
	params_type_name(v->btf, var, err, errlen);
	if (v->obj)
		set_in_object(v->obj, key, value, err, errlen);
	free(bytes);
	free(again);
	free(err);
	free(text);
}

static void format_bytes(const struct fuzz_var *v, const uint8_t *data, size_t size)
{
	size_t len = size ? data[0] : 0, n = size ? size - 1 : 0;
	unsigned char *src = alloc(v->var.size);
	char *text = alloc(len);

	memset(src, 0, v->var.size);
	memcpy(src, data + 1, n < v->var.size ? n : v->var.size);
	if (!params_format(v->btf, &v->var, src, text, len) && strnlen(text, len) == len)
		abort();
	free(src);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *eq = memchr(data, '=', size);
	size_t sel_len = eq ? (size_t)(eq - data) : 0, rest = size - sel_len - !!eq;
	const uint8_t *value = data + size - rest;
	bool raw = sel_len && data[0] == '!';
	const struct fuzz_var *v = select_var((const char *)data + raw, sel_len - raw);
	const uint8_t *colon;
	char *key, *text;

	if (raw) {
		format_bytes(v, value, rest);
		return 0;
	}
	colon = memchr(data, ':', sel_len);
	key = colon ? strndup((const char *)colon + 1, sel_len - (colon + 1 - data)) :
		      strndup((const char *)data, sel_len);
	text = strndup((const char *)value, rest);
	if (!key || !text)
		abort();
	round_trip(v, key, text, rest % 3 ? 256 : 1 + rest % 32);
	free(key);
	free(text);
	return 0;
}
