#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "manifest.h"
#include "params.h"

static const char *const param_sections[] = { ".rodata", ".data", ".bss" };

enum elem_kind { ELEM_INT, ELEM_BOOL, ELEM_ENUM, ELEM_STRING };

/* What a parameter holds: one element, or a list of up to count of them. */
struct shape {
	const struct btf_type *t;	/* the element type, modifiers skipped */
	enum elem_kind kind;
	__u32 size;			/* bytes per element */
	__u32 count;			/* 0 for a single element */
};

/* A bounded string being built; the first failure sticks. */
struct out {
	char *buf;
	size_t len;
	size_t pos;
	int err;
};

static void out_init(struct out *o, char *buf, size_t len)
{
	*o = (struct out){ .buf = buf, .len = len, .err = len ? 0 : -ENOSPC };
	if (len)
		buf[0] = '\0';
}

__attribute__((format(printf, 2, 0)))
static void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	int n;

	if (o->err)
		return;
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	if (n < 0 || (size_t)n >= o->len - o->pos) {
		o->err = -ENOSPC;
		return;
	}
	o->pos += n;
}

__attribute__((format(printf, 2, 3)))
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

static void out_lower(struct out *o, const char *s)
{
	for (; *s; s++)
		out_printf(o, "%c", tolower((unsigned char)*s));
}

/* Deep enough for any real declaration; a loop in a broken object ends here. */
#define MAX_MODS 32

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id, bool keep_typedef)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth;

	for (depth = 0; t && (btf_is_mod(t) || (btf_is_typedef(t) && !keep_typedef)); depth++) {
		if (depth == MAX_MODS)
			return NULL;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}

static bool int_is_bool(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);

	return (btf_int_encoding(t) & BTF_INT_BOOL) || (name && !strcmp(name, "_Bool"));
}

static bool int_is_signed(const struct btf_type *t)
{
	return btf_int_encoding(t) & BTF_INT_SIGNED;
}

/* Array elements of char, signed char or unsigned char make a string. A
 * typedef of signed or unsigned char, such as __u8 or int8_t, says the
 * author meant bytes, so those arrays stay lists of numbers; a typedef of
 * plain char (typedef char comm_t) is still text. */
static bool is_char(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = skip_mods(btf, id, false);
	const char *name;

	if (!t || !btf_is_int(t) || t->size != 1 || int_is_bool(btf, t))
		return false;
	if (t == skip_mods(btf, id, true))
		return true;
	name = btf__name_by_offset(btf, t->name_off);
	return name && !strcmp(name, "char");
}

static int describe_elem(const struct btf *btf, __u32 id, struct shape *s)
{
	const struct btf_type *t = skip_mods(btf, id, false);

	if (!t)
		return -EOPNOTSUPP;
	s->t = t;
	if (btf_is_array(t) && btf_array(t)->nelems && is_char(btf, btf_array(t)->type)) {
		s->kind = ELEM_STRING;
		s->size = btf_array(t)->nelems;
		return 0;
	}
	if (!btf_is_int(t) && !btf_is_any_enum(t))
		return -EOPNOTSUPP;
	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return -EOPNOTSUPP;
	s->kind = btf_is_any_enum(t) ? ELEM_ENUM : int_is_bool(btf, t) ? ELEM_BOOL : ELEM_INT;
	s->size = t->size;
	return 0;
}

static int describe(const struct btf *btf, const struct param_var *var, struct shape *s)
{
	const struct btf_type *t = skip_mods(btf, var->type_id, false);
	__u64 total;
	int err;

	*s = (struct shape){ 0 };
	if (t && btf_is_array(t) && !is_char(btf, btf_array(t)->type)) {
		s->count = btf_array(t)->nelems;
		if (!s->count)
			return -EOPNOTSUPP;
		err = describe_elem(btf, btf_array(t)->type, s);
	} else {
		err = describe_elem(btf, var->type_id, s);
	}
	if (err)
		return err;
	/* the datasec and the type come from a file: never write past the var */
	total = (__u64)s->size * (s->count ? s->count : 1);
	return total == var->size ? 0 : -EOPNOTSUPP;
}

static void store(void *dst, __u64 v, __u32 size)
{
	__u8 u8 = v;
	__u16 u16 = v;
	__u32 u32 = v;

	switch (size) {
	case 1: memcpy(dst, &u8, 1); break;
	case 2: memcpy(dst, &u16, 2); break;
	case 4: memcpy(dst, &u32, 4); break;
	default: memcpy(dst, &v, 8); break;
	}
}

static __u64 load(const void *src, __u32 size)
{
	__u8 u8;
	__u16 u16;
	__u32 u32;
	__u64 u64;

	switch (size) {
	case 1: memcpy(&u8, src, 1); return u8;
	case 2: memcpy(&u16, src, 2); return u16;
	case 4: memcpy(&u32, src, 4); return u32;
	default: memcpy(&u64, src, 8); return u64;
	}
}

static __u64 mask(__u64 v, __u32 size)
{
	return size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

static __s64 sign_extend(__u64 v, __u32 size)
{
	unsigned int shift = 64 - size * 8;

	return (__s64)(v << shift) >> shift;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* Decimal or 0x hex, an optional '-'. Octal is not offered: "010" is ten. */
static int parse_number(const char *s, bool *neg, __u64 *mag)
{
	int base = 10;
	char *end;

	*neg = *s == '-';
	s += *neg;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull would also take spaces and a sign here */
	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*mag = strtoull(s, &end, base);
	if (*end)
		return -EINVAL;
	return errno == ERANGE ? -ERANGE : 0;
}

static const char *enum_name(const struct btf *btf, const struct btf_type *t, int i)
{
	__u32 off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
	const char *name = btf__name_by_offset(btf, off);

	return name ? name : "";
}

static __u64 enum_value(const struct btf_type *t, int i)
{
	return btf_is_enum(t) ? (__u64)(__s64)btf_enum(t)[i].val : btf_enum64_value(&btf_enum64(t)[i]);
}

/* The common prefix of all enumerators up to its last '_', so that
 * VIEW_FORMAT_TABLE can be written "table". It stops short of the shortest
 * name, so no short name is empty. */
static size_t enum_prefix_len(const struct btf *btf, const struct btf_type *t)
{
	const char *first = enum_name(btf, t, 0);
	size_t len = strlen(first), n;
	int i;

	for (i = 0; i < btf_vlen(t); i++) {
		const char *name = enum_name(btf, t, i);

		for (n = 0; n < len && first[n] == name[n]; n++)
			;
		len = n && !name[n] ? n - 1 : n;
	}
	while (len > 0 && first[len - 1] != '_')
		len--;
	return len;
}

static void out_enum_names(struct out *o, const struct btf *btf, const struct btf_type *t)
{
	size_t prefix = btf_vlen(t) ? enum_prefix_len(btf, t) : 0;
	int i;

	out_printf(o, "(");
	for (i = 0; i < btf_vlen(t); i++) {
		out_printf(o, "%s", i ? ", " : "");
		out_lower(o, enum_name(btf, t, i) + prefix);
	}
	out_printf(o, ")");
}

static void out_elem_type(struct out *o, const struct btf *btf, const struct shape *s)
{
	switch (s->kind) {
	case ELEM_INT:
		out_printf(o, "%c%u", int_is_signed(s->t) ? 's' : 'u', s->size * 8);
		break;
	case ELEM_BOOL:
		out_printf(o, "bool");
		break;
	case ELEM_STRING:
		out_printf(o, "string[%u]", s->size);
		break;
	case ELEM_ENUM:
		out_printf(o, "enum ");
		out_enum_names(o, btf, s->t);
		break;
	}
}

struct parse_ctx {
	const struct btf *btf;
	struct out err;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parse_ctx *c, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(&c->err, fmt, ap);
	va_end(ap);
	return ret;
}

static int parse_int(struct parse_ctx *c, const struct shape *s, const char *item, void *dst)
{
	bool is_signed = int_is_signed(s->t), neg;
	__u64 max = mask(~0ULL, s->size) >> is_signed, mag;
	int err = parse_number(item, &neg, &mag);

	if (err == -EINVAL)
		return fail(c, -EINVAL, "'%s' is not an integer", item);
	if (err || (neg && !is_signed) || mag > max + (neg && is_signed)) {
		out_printf(&c->err, "%s is out of range for ", item);
		out_elem_type(&c->err, c->btf, s);
		if (is_signed)
			return fail(c, -ERANGE, " (%lld..%llu)", -(long long)max - 1, max);
		return fail(c, -ERANGE, " (0..%llu)", max);
	}
	store(dst, neg ? -mag : mag, s->size);
	return 0;
}

static const struct {
	const char *word;
	bool value;
} bool_words[] = {
	{ "yes", true }, { "no", false }, { "true", true }, { "false", false },
	{ "on", true }, { "off", false }, { "1", true }, { "0", false },
};

static int parse_bool(struct parse_ctx *c, const struct shape *s, const char *item, void *dst)
{
	size_t i;

	for (i = 0; i < sizeof(bool_words) / sizeof(bool_words[0]); i++) {
		if (!strcasecmp(item, bool_words[i].word)) {
			store(dst, bool_words[i].value, s->size);
			return 0;
		}
	}
	return fail(c, -EINVAL, "'%s' is not a boolean (yes/no, true/false, on/off, 1/0)", item);
}

static int parse_string(struct parse_ctx *c, const struct shape *s, const char *item, void *dst)
{
	size_t len = strlen(item);

	if (len >= s->size)
		return fail(c, -ERANGE, "'%s' is longer than %u characters", item, s->size - 1);
	memcpy(dst, item, len);
	return 0;
}

/* Enumerator names compare without case, and '-' in what users write
 * matches '_' in C names: ss says time-wait, the enum says TIME_WAIT. */
static bool same_name(const char *item, const char *name)
{
	for (; *item && *name; item++, name++) {
		char a = *item == '-' ? '_' : *item;

		if (tolower((unsigned char)a) != tolower((unsigned char)*name))
			return false;
	}
	return !*item && !*name;
}

static int enum_lookup(const struct btf *btf, const struct btf_type *t, const char *item, __u64 *value)
{
	size_t prefix = enum_prefix_len(btf, t);
	bool neg;
	__u64 mag;
	int i;

	for (i = 0; i < btf_vlen(t); i++) {
		const char *name = enum_name(btf, t, i);

		if (same_name(item, name) || same_name(item, name + prefix)) {
			*value = enum_value(t, i);
			return 0;
		}
	}
	if (parse_number(item, &neg, &mag))
		return -ENOENT;
	for (i = 0; i < btf_vlen(t); i++) {
		if (mask(enum_value(t, i), t->size) == mask(neg ? -mag : mag, t->size)) {
			*value = enum_value(t, i);
			return 0;
		}
	}
	return -ENOENT;
}

static int parse_enum(struct parse_ctx *c, const struct shape *s, const char *item, void *dst)
{
	const char *name = btf__name_by_offset(c->btf, s->t->name_off);
	__u64 value;

	if (btf_vlen(s->t) && !enum_lookup(c->btf, s->t, item, &value)) {
		store(dst, value, s->size);
		return 0;
	}
	out_printf(&c->err, "unknown value '%s' for enum %s%s", item, name ? name : "",
		   name && *name ? " " : "");
	out_enum_names(&c->err, c->btf, s->t);
	return -EINVAL;
}

static int parse_elem(struct parse_ctx *c, const struct shape *s, const char *item, void *dst)
{
	switch (s->kind) {
	case ELEM_INT:
		return parse_int(c, s, item, dst);
	case ELEM_BOOL:
		return parse_bool(c, s, item, dst);
	case ELEM_ENUM:
		return parse_enum(c, s, item, dst);
	case ELEM_STRING:
		return parse_string(c, s, item, dst);
	}
	return -EOPNOTSUPP;
}

/* An empty value is an empty list: it switches a list filter off. */
static int parse_list(struct parse_ctx *c, const struct shape *s, char *value, void *dst)
{
	__u32 n = 1, i;
	char *p, *item;
	int err;

	if (!*value)
		return 0;
	for (p = value; (p = strchr(p, ',')); p++)
		n++;
	if (n > s->count)
		return fail(c, -ERANGE, "too many items: %u given, at most %u", n, s->count);
	for (i = 0; (item = strsep(&value, ",")); i++) {
		item = trim(item);
		if (!*item)
			return fail(c, -EINVAL, "item %u of the list is empty", i + 1);
		err = parse_elem(c, s, item, (char *)dst + i * s->size);
		if (err)
			return err;
	}
	return 0;
}

int params_parse(const struct btf *btf, const struct param_var *var, const char *value,
		 void *dst, char *err, size_t errlen)
{
	struct parse_ctx c = { .btf = btf };
	struct shape s;
	char *copy;
	int ret;

	out_init(&c.err, err, errlen);
	memset(dst, 0, var->size);
	if (describe(btf, var, &s))
		return fail(&c, -EOPNOTSUPP, "type not supported for a parameter");
	copy = strdup(value);
	if (!copy)
		return fail(&c, -ENOMEM, "out of memory");
	ret = s.count ? parse_list(&c, &s, trim(copy), dst) : parse_elem(&c, &s, trim(copy), dst);
	free(copy);
	return ret;
}

static bool is_zero(const void *p, size_t n)
{
	const __u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static void format_enum(struct out *o, const struct btf *btf, const struct shape *s, const void *src)
{
	__u64 v = load(src, s->size);
	int i;

	for (i = 0; i < btf_vlen(s->t); i++) {
		const char *name = enum_name(btf, s->t, i), *brief;
		__u64 back;

		if (mask(enum_value(s->t, i), s->size) != v)
			continue;
		/* the name without the common prefix, unless it is another
		 * value's full name (ST_ST_OK beside ST_OK) */
		brief = name + enum_prefix_len(btf, s->t);
		if (enum_lookup(btf, s->t, brief, &back) || mask(back, s->size) != v)
			brief = name;
		out_lower(o, brief);
		return;
	}
	if (btf_kflag(s->t))
		out_printf(o, "%lld", (long long)sign_extend(v, s->size));
	else
		out_printf(o, "%llu", (unsigned long long)v);
}

static void format_elem(struct out *o, const struct btf *btf, const struct shape *s, const void *src)
{
	switch (s->kind) {
	case ELEM_INT:
		if (int_is_signed(s->t))
			out_printf(o, "%lld", (long long)sign_extend(load(src, s->size), s->size));
		else
			out_printf(o, "%llu", (unsigned long long)load(src, s->size));
		break;
	case ELEM_BOOL:
		out_printf(o, "%s", load(src, s->size) ? "yes" : "no");
		break;
	case ELEM_STRING:
		out_printf(o, "%.*s", (int)strnlen(src, s->size), (const char *)src);
		break;
	case ELEM_ENUM:
		format_enum(o, btf, s, src);
		break;
	}
}

int params_format(const struct btf *btf, const struct param_var *var, const void *src,
		  char *buf, size_t len)
{
	const char *item = src;
	struct shape s;
	struct out o;
	__u32 n, i;

	out_init(&o, buf, len);
	if (describe(btf, var, &s))
		return -EOPNOTSUPP;
	if (!s.count) {
		format_elem(&o, btf, &s, src);
		return o.err;
	}
	/* trailing zero items are unused slots, as parse leaves them */
	for (n = s.count; n && is_zero(item + (n - 1) * s.size, s.size); n--)
		;
	for (i = 0; i < n; i++) {
		out_printf(&o, "%s", i ? ", " : "");
		format_elem(&o, btf, &s, item + i * s.size);
	}
	return o.err;
}

int params_type_name(const struct btf *btf, const struct param_var *var, char *buf, size_t len)
{
	struct shape s;
	struct out o;

	out_init(&o, buf, len);
	if (describe(btf, var, &s))
		return -EOPNOTSUPP;
	out_elem_type(&o, btf, &s);
	if (s.count)
		out_printf(&o, " list[%u]", s.count);
	return o.err;
}

static int foreach_in(const struct btf *btf, const char *section, __u32 linkage,
		      int (*fn)(const struct param_var *var, void *ctx), void *ctx)
{
	__s32 id = btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec, *t;
	struct param_var var;
	int i, err;

	if (id < 0)
		return 0;
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		t = btf__type_by_id(btf, vsi->type);
		/* static vars (bpf_printk formats, say) are not the program's interface */
		if (!t || !btf_is_var(t) || btf_var(t)->linkage != linkage)
			continue;
		var.name = btf__name_by_offset(btf, t->name_off);
		if (!var.name)	/* a name past the strings: a broken object */
			continue;
		var = (struct param_var){
			.name = var.name,
			.section = section,
			.type_id = t->type,
			.offset = vsi->offset,
			.size = vsi->size,
		};
		err = fn(&var, ctx);
		if (err)
			return err;
	}
	return 0;
}

int params_foreach(const struct btf *btf,
		   int (*fn)(const struct param_var *var, void *ctx), void *ctx)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(param_sections) / sizeof(param_sections[0]); i++) {
		err = foreach_in(btf, param_sections[i], BTF_VAR_GLOBAL_ALLOCATED, fn, ctx);
		if (err)
			return err;
	}
	return 0;
}

struct find_ctx {
	const char *name;
	struct param_var *var;
};

static int find_fn(const struct param_var *var, void *ctx)
{
	struct find_ctx *f = ctx;

	if (strcmp(var->name, f->name))
		return 0;
	*f->var = *var;
	return 1;
}

int params_find(const struct btf *btf, const char *name, struct param_var *var)
{
	struct find_ctx f = { .name = name, .var = var };

	if (!strncmp(name, PARAMS_GLOBAL_PREFIX, strlen(PARAMS_GLOBAL_PREFIX)))
		f.name += strlen(PARAMS_GLOBAL_PREFIX);

	return params_foreach(btf, find_fn, &f) ? 0 : -ENOENT;
}

int params_find_static(const struct btf *btf, const char *name, struct param_var *var)
{
	struct find_ctx f = { .name = name, .var = var };

	return foreach_in(btf, ".rodata", BTF_VAR_STATIC, find_fn, &f) ? 0 : -ENOENT;
}

struct names_ctx {
	struct out out;
	int n;
};

static int list_name_fn(const struct param_var *var, void *ctx)
{
	struct names_ctx *names = ctx;

	char key[256];

	out_printf(&names->out, "%s%s", names->n++ ? ", " : "; valid: ",
		   manifest_param_key(var->name, key, sizeof(key)));
	return 0;
}

static int unknown_key(const struct btf *btf, const char *key, char *err, size_t errlen)
{
	struct names_ctx names = { .n = 0 };

	out_init(&names.out, err, errlen);
	out_printf(&names.out, "unknown key '%s'", key);
	if (btf)
		params_foreach(btf, list_name_fn, &names);
	if (!names.n)
		out_printf(&names.out, "; the program has no parameters");
	return -ENOENT;
}

const void *params_var_data(struct bpf_object *obj, const struct param_var *var)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, var->section);
	const char *init;
	size_t size;

	init = map ? bpf_map__initial_value(map, &size) : NULL;
	if (!init || (size_t)var->offset + var->size > size)
		return NULL;
	return init + var->offset;
}

void params_data_init(struct params_data *d, struct bpf_object *obj)
{
	memset(d, 0, sizeof(*d));
	d->obj = obj;
}

/* Where VAR lives in the copy of its section, copied on first use; NULL +
 * errno. */
static char *section_copy(struct params_data *d, const struct param_var *var)
{
	struct params_section *sec = NULL;
	const void *init;
	size_t i, size;

	for (i = 0; i < sizeof(param_sections) / sizeof(param_sections[0]); i++)
		if (!strcmp(param_sections[i], var->section))
			sec = &d->sec[i];
	if (sec && !sec->bytes) {
		sec->map = bpf_object__find_map_by_name(d->obj, var->section);
		init = sec->map ? bpf_map__initial_value(sec->map, &size) : NULL;
		if (init && !(sec->bytes = malloc(size)))
			return NULL;
		if (init) {
			memcpy(sec->bytes, init, size);
			sec->size = size;
		}
	}
	if (!sec || !sec->bytes || (size_t)var->offset + var->size > sec->size) {
		errno = ENOENT;
		return NULL;
	}
	return sec->bytes + var->offset;
}

int params_data_set(struct params_data *d, const char *key, const char *value,
		    struct param_var *var, char *err, size_t errlen)
{
	const struct btf *btf = bpf_object__btf(d->obj);
	char *dst;

	if (!btf || params_find(btf, key, var))
		return unknown_key(btf, key, err, errlen);
	dst = section_copy(d, var);
	if (!dst) {
		int e = errno;

		snprintf(err, errlen, "cannot set '%s': %s", key, strerror(e));
		return -e;
	}
	return params_parse(btf, var, value, dst, err, errlen);
}

int params_data_apply(struct params_data *d)
{
	for (size_t i = 0; i < sizeof(d->sec) / sizeof(d->sec[0]); i++) {
		const struct params_section *sec = &d->sec[i];
		int ret = sec->bytes ? bpf_map__set_initial_value(sec->map, sec->bytes, sec->size) : 0;

		if (ret)
			return ret;
	}
	return 0;
}

void params_data_free(struct params_data *d)
{
	for (size_t i = 0; i < sizeof(d->sec) / sizeof(d->sec[0]); i++)
		free(d->sec[i].bytes);
	params_data_init(d, NULL);
}

int params_write(struct bpf_object *obj, const struct param_var *var, const void *bytes)
{
	struct params_data d;
	char *dst;
	int ret;

	params_data_init(&d, obj);
	dst = section_copy(&d, var);
	if (dst)
		memcpy(dst, bytes, var->size);
	ret = dst ? params_data_apply(&d) : -errno;
	params_data_free(&d);
	return ret;
}

int params_write_static(struct bpf_object *obj, const char *name, const void *value, size_t size)
{
	struct param_var var;
	int rc = params_find_static(bpf_object__btf(obj), name, &var);

	if (!rc && var.size != size)
		rc = -EINVAL;
	return rc ? rc : params_write(obj, &var, value);
}
