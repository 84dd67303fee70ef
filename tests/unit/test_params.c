#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "params.h"

/* One BTF for all tests, built the way clang lays out a BPF object's globals.
 * The .bss datasec comes first in the BTF to show that the order of
 * params_foreach is by section, not by type id. */
static struct btf *btf;
static char err[256];
static unsigned char buf[512];

struct var_spec {
	const char *name;
	int type;
	int linkage;
};

static void add_section(const char *name, const struct var_spec *specs, size_t n)
{
	int ids[32];
	__u32 off = 0, size = 0;
	size_t i;

	assert_true(n <= sizeof(ids) / sizeof(ids[0]));
	for (i = 0; i < n; i++) {
		ids[i] = btf__add_var(btf, specs[i].name, specs[i].linkage, specs[i].type);
		assert_true(ids[i] > 0);
		size += btf__resolve_size(btf, specs[i].type);
	}
	assert_true(btf__add_datasec(btf, name, size) > 0);
	for (i = 0; i < n; i++) {
		__u32 sz = btf__resolve_size(btf, specs[i].type);

		assert_int_equal(btf__add_datasec_var_info(btf, ids[i], off, sz), 0);
		off += sz;
	}
}

static int add_enum(const char *name, const char *const *names, const long long *values, size_t n)
{
	int id = btf__add_enum(btf, name, 4);
	size_t i;

	assert_true(id > 0);
	for (i = 0; i < n; i++)
		assert_int_equal(btf__add_enum_value(btf, names[i], values[i]), 0);
	return id;
}

#define G BTF_VAR_GLOBAL_ALLOCATED
#define N(a) (sizeof(a) / sizeof((a)[0]))

static int setup(void **state)
{
	static const char *const fmt_names[] = { "VIEW_FORMAT_TABLE", "VIEW_FORMAT_CSV", "VIEW_FORMAT_JSON" };
	static const long long fmt_values[] = { 0, 1, 2 };
	static const char *const tcp_names[] = { "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_LISTEN" };
	static const long long tcp_values[] = { 1, 2, 10 };
	static const char *const mode_names[] = { "MODE_READ", "MODE_RW" };
	static const long long mode_values[] = { 4, 6 };
	static const char *const one_names[] = { "ONLY_ONE" };
	static const long long one_values[] = { 7 };
	static const char *const neg_names[] = { "LEVEL_LOW", "LEVEL_HIGH" };
	static const long long neg_values[] = { -1, 1 };
	static const char *const st_names[] = { "ST_OK", "ST_ST_OK" };
	static const long long st_values[] = { 1, 2 };
	int s8, u8, tu8, s16, s32, u32, s64, u64, boolean, flt, st, ptr;
	int fmt, tcp, mode, one, neg, stst, big, myint, cv, comm_t, i8, sc;
	(void)state;

	btf = btf__new_empty();
	assert_non_null(btf);
	s8 = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	u8 = btf__add_int(btf, "unsigned char", 1, 0);
	tu8 = btf__add_typedef(btf, "__u8", u8);
	s16 = btf__add_int(btf, "short", 2, BTF_INT_SIGNED);
	s32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	s64 = btf__add_int(btf, "long long", 8, BTF_INT_SIGNED);
	u64 = btf__add_int(btf, "unsigned long long", 8, 0);
	boolean = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	flt = btf__add_float(btf, "float", 4);
	st = btf__add_struct(btf, "pair", 8);
	assert_int_equal(btf__add_field(btf, "a", s32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "b", s32, 32, 0), 0);
	ptr = btf__add_ptr(btf, s32);
	fmt = add_enum("view_format", fmt_names, fmt_values, N(fmt_values));
	tcp = add_enum("tcp_state", tcp_names, tcp_values, N(tcp_values));
	mode = add_enum("", mode_names, mode_values, N(mode_values));
	one = add_enum("one", one_names, one_values, N(one_values));
	neg = add_enum("level", neg_names, neg_values, N(neg_values));
	stst = add_enum("st", st_names, st_values, N(st_values));
	big = btf__add_enum64(btf, "big", 8, false);
	assert_int_equal(btf__add_enum64_value(btf, "BIG_SMALL", 1), 0);
	assert_int_equal(btf__add_enum64_value(btf, "BIG_HUGE", 0x100000000ULL), 0);
	myint = btf__add_typedef(btf, "myint", s32);
	cv = btf__add_const(btf, btf__add_volatile(btf, myint));
	/* typedef char comm_t; int8_t is signed char through two typedefs */
	comm_t = btf__add_typedef(btf, "comm_t", s8);
	sc = btf__add_int(btf, "signed char", 1, BTF_INT_SIGNED);
	i8 = btf__add_typedef(btf, "int8_t", btf__add_typedef(btf, "__int8_t", sc));

	{
		const struct var_spec bss[] = {
			{ "b_count", s32, G },
		};
		const struct var_spec data[] = {
			{ "d_val", u32, G },
		};
		const struct var_spec rodata[] = {
			{ "v_u8", tu8, G },
			{ "v_char", s8, G },
			{ "v_s16", s16, G },
			{ "v_s32", s32, G },
			{ "v_u32", u32, G },
			{ "v_s64", s64, G },
			{ "v_u64", u64, G },
			{ "v_bool", btf__add_const(btf, btf__add_volatile(btf, boolean)), G },
			{ "v_static", s32, BTF_VAR_STATIC },
			{ "name", btf__add_array(btf, s32, s8, 16), G },
			{ "comm", btf__add_array(btf, s32, btf__add_array(btf, s32, s8, 16), 8), G },
			{ "pids", btf__add_array(btf, s32, u32, 4), G },
			{ "flags", btf__add_array(btf, s32, boolean, 2), G },
			{ "bytes", btf__add_array(btf, s32, tu8, 4), G },
			{ "raw", btf__add_array(btf, s32, u8, 4), G },
			{ "format", fmt, G },
			{ "states", btf__add_array(btf, s32, tcp, 3), G },
			{ "mode", mode, G },
			{ "one", one, G },
			{ "level", neg, G },
			{ "status", stst, G },
			{ "big", big, G },
			{ "cv", cv, G },
			{ "pair", st, G },
			{ "ratio", flt, G },
			{ "ptr", ptr, G },
			{ "grid", btf__add_array(btf, s32, btf__add_array(btf, s32, u32, 2), 2), G },
			{ "targ_comm", btf__add_array(btf, s32, comm_t, 16), G },
			{ "targ_comms", btf__add_array(btf, s32,
				btf__add_array(btf, s32, btf__add_const(btf, comm_t), 8), 2), G },
			{ "small", btf__add_array(btf, s32, i8, 4), G },
			{ "sbytes", btf__add_array(btf, s32, sc, 4), G },
		};

		add_section(".bss", bss, N(bss));
		add_section(".rodata", rodata, N(rodata));
		add_section(".data", data, N(data));
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	btf__free(btf);
	return 0;
}

static struct param_var var(const char *name)
{
	struct param_var v;

	assert_int_equal(params_find(btf, name, &v), 0);
	return v;
}

/* Parses into buf, which starts as 0xaa so that untouched bytes show. */
static int parse(const char *name, const char *value)
{
	struct param_var v = var(name);

	memset(buf, 0xaa, sizeof(buf));
	memset(err, 0, sizeof(err));
	return params_parse(btf, &v, value, buf, err, sizeof(err));
}

static void parse_ok(const char *name, const char *value)
{
	int ret = parse(name, value);

	if (ret)
		print_error("%s = %s: %s\n", name, value, err);
	assert_int_equal(ret, 0);
	assert_string_equal(err, "");
}

static void parse_fails(const char *name, const char *value, int ret, const char *msg)
{
	assert_int_equal(parse(name, value), ret);
	assert_non_null(strstr(err, msg));
}

static const char *format(const char *name, const void *src)
{
	static char out[512];
	struct param_var v = var(name);

	assert_int_equal(params_format(btf, &v, src, out, sizeof(out)), 0);
	return out;
}

static const char *type_name(const char *name)
{
	static char out[128];
	struct param_var v = var(name);

	assert_int_equal(params_type_name(btf, &v, out, sizeof(out)), 0);
	return out;
}

static __u64 u64_at(size_t off)
{
	__u64 v;

	memcpy(&v, buf + off, 8);
	return v;
}

static __u32 u32_at(size_t off)
{
	__u32 v;

	memcpy(&v, buf + off, 4);
	return v;
}

static void test_find(void **state)
{
	struct param_var v;
	(void)state;

	v = var("v_u8");
	assert_string_equal(v.name, "v_u8");
	assert_string_equal(v.section, ".rodata");
	assert_int_equal(v.offset, 0);
	assert_int_equal(v.size, 1);
	v = var("v_s16");
	assert_int_equal(v.offset, 2);
	assert_int_equal(v.size, 2);
	v = var("comm");
	assert_int_equal(v.size, 128);
	assert_string_equal(var("d_val").section, ".data");
	assert_string_equal(var("b_count").section, ".bss");
	assert_int_equal(params_find(btf, "missing", &v), -ENOENT);
	assert_int_equal(params_find(btf, "v_static", &v), -ENOENT);
	assert_int_equal(params_find(btf, "", &v), -ENOENT);
}

/* "global.NAME" is the manifest's spelling of global NAME when NAME is also
 * a key of the tool (a pid filter in .bss); nothing else is stripped. */
static void test_find_global_prefix(void **state)
{
	struct param_var v;
	(void)state;

	assert_int_equal(params_find(btf, "global.b_count", &v), 0);
	assert_string_equal(v.name, "b_count");
	assert_string_equal(v.section, ".bss");
	assert_int_equal(params_find(btf, "global.", &v), -ENOENT);
	assert_int_equal(params_find(btf, "global.global.b_count", &v), -ENOENT);
	assert_int_equal(params_find(btf, "Global.b_count", &v), -ENOENT);
	assert_int_equal(params_find(btf, "global.v_static", &v), -ENOENT);
}

struct names {
	char list[512];
	int calls;
	int stop_after;
};

static int collect(const struct param_var *v, void *ctx)
{
	struct names *n = ctx;

	strcat(n->list, n->calls++ ? " " : "");
	strcat(n->list, v->name);
	return n->calls == n->stop_after ? 7 : 0;
}

static void test_foreach_order(void **state)
{
	struct names n = { .stop_after = -1 };
	(void)state;

	assert_int_equal(params_foreach(btf, collect, &n), 0);
	assert_string_equal(n.list,
			    "v_u8 v_char v_s16 v_s32 v_u32 v_s64 v_u64 v_bool name comm pids flags "
			    "bytes raw format states mode one level status big cv pair ratio ptr grid "
			    "targ_comm targ_comms small sbytes d_val b_count");
}

static void test_foreach_stops(void **state)
{
	struct names n = { .stop_after = 3 };
	(void)state;

	assert_int_equal(params_foreach(btf, collect, &n), 7);
	assert_int_equal(n.calls, 3);
	assert_string_equal(n.list, "v_u8 v_char v_s16");
}

static void test_foreach_empty(void **state)
{
	struct btf *empty = btf__new_empty();
	struct names n = { .stop_after = -1 };
	(void)state;

	assert_int_equal(params_foreach(empty, collect, &n), 0);
	assert_int_equal(n.calls, 0);
	btf__free(empty);
}

static void test_u8(void **state)
{
	(void)state;
	parse_ok("v_u8", "0");
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 0xaa);
	parse_ok("v_u8", "255");
	assert_int_equal(buf[0], 255);
	parse_ok("v_u8", "0xff");
	assert_int_equal(buf[0], 255);
	parse_ok("v_u8", "0XA");
	assert_int_equal(buf[0], 10);
	parse_ok("v_u8", " \t42  ");
	assert_int_equal(buf[0], 42);
	parse_ok("v_u8", "010");
	assert_int_equal(buf[0], 10);
	parse_fails("v_u8", "256", -ERANGE, "256 is out of range for u8 (0..255)");
	parse_fails("v_u8", "0x100", -ERANGE, "0x100 is out of range for u8 (0..255)");
	parse_fails("v_u8", "-1", -ERANGE, "-1 is out of range for u8 (0..255)");
	parse_fails("v_u8", "abc", -EINVAL, "'abc' is not an integer");
	parse_fails("v_u8", "", -EINVAL, "'' is not an integer");
	parse_fails("v_u8", "+1", -EINVAL, "'+1' is not an integer");
	parse_fails("v_u8", "1.5", -EINVAL, "'1.5' is not an integer");
	parse_fails("v_u8", "12abc", -EINVAL, "not an integer");
	parse_fails("v_u8", "0x", -EINVAL, "not an integer");
	parse_fails("v_u8", "- 1", -EINVAL, "not an integer");
	parse_fails("v_u8", "1 2", -EINVAL, "not an integer");
	parse_fails("v_u8", "1,2", -EINVAL, "not an integer");
}

static void test_char_is_an_integer(void **state)
{
	(void)state;
	parse_ok("v_char", "-128");
	assert_int_equal((signed char)buf[0], -128);
	parse_ok("v_char", "127");
	assert_int_equal(buf[0], 127);
	parse_fails("v_char", "128", -ERANGE, "128 is out of range for s8 (-128..127)");
	parse_fails("v_char", "-129", -ERANGE, "-129 is out of range for s8 (-128..127)");
	parse_fails("v_char", "a", -EINVAL, "'a' is not an integer");
}

static void test_s16(void **state)
{
	__s16 v;
	(void)state;

	parse_ok("v_s16", "-32768");
	memcpy(&v, buf, 2);
	assert_int_equal(v, -32768);
	assert_int_equal(buf[2], 0xaa);
	parse_ok("v_s16", "32767");
	memcpy(&v, buf, 2);
	assert_int_equal(v, 32767);
	parse_fails("v_s16", "32768", -ERANGE, "(-32768..32767)");
	parse_fails("v_s16", "-32769", -ERANGE, "for s16");
}

static void test_s32(void **state)
{
	(void)state;
	parse_ok("v_s32", "-2147483648");
	assert_int_equal((__s32)u32_at(0), INT32_MIN);
	parse_ok("v_s32", "2147483647");
	assert_int_equal(u32_at(0), INT32_MAX);
	parse_ok("v_s32", "-0x80000000");
	assert_int_equal((__s32)u32_at(0), INT32_MIN);
	parse_ok("v_s32", "-0");
	assert_int_equal(u32_at(0), 0);
	parse_fails("v_s32", "2147483648", -ERANGE,
		    "2147483648 is out of range for s32 (-2147483648..2147483647)");
	parse_fails("v_s32", "-2147483649", -ERANGE, "out of range for s32");
	parse_fails("v_s32", "--1", -EINVAL, "'--1' is not an integer");
}

static void test_u32(void **state)
{
	(void)state;
	parse_ok("v_u32", "4294967295");
	assert_int_equal(u32_at(0), UINT32_MAX);
	parse_ok("v_u32", "0xffffffff");
	assert_int_equal(u32_at(0), UINT32_MAX);
	parse_fails("v_u32", "4294967296", -ERANGE, "out of range for u32 (0..4294967295)");
}

static void test_64bit(void **state)
{
	(void)state;
	parse_ok("v_u64", "18446744073709551615");
	assert_true(u64_at(0) == UINT64_MAX);
	parse_ok("v_u64", "0xFFFFFFFFFFFFFFFF");
	assert_true(u64_at(0) == UINT64_MAX);
	parse_fails("v_u64", "18446744073709551616", -ERANGE,
		    "18446744073709551616 is out of range for u64 (0..18446744073709551615)");
	parse_fails("v_u64", "0x10000000000000000", -ERANGE, "for u64");
	parse_ok("v_s64", "-9223372036854775808");
	assert_true((__s64)u64_at(0) == INT64_MIN);
	parse_ok("v_s64", "9223372036854775807");
	assert_true((__s64)u64_at(0) == INT64_MAX);
	parse_fails("v_s64", "9223372036854775808", -ERANGE,
		    "out of range for s64 (-9223372036854775808..9223372036854775807)");
	parse_fails("v_s64", "-9223372036854775809", -ERANGE, "for s64");
	parse_fails("v_s64", "-99999999999999999999", -ERANGE, "for s64");
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES", "True", "On" };
	static const char *const no[] = { "no", "false", "off", "0", "NO", "False", "oFF" };
	size_t i;
	(void)state;

	for (i = 0; i < N(yes); i++) {
		parse_ok("v_bool", yes[i]);
		assert_int_equal(buf[0], 1);
		assert_int_equal(buf[1], 0xaa);
	}
	for (i = 0; i < N(no); i++) {
		parse_ok("v_bool", no[i]);
		assert_int_equal(buf[0], 0);
	}
	parse_fails("v_bool", "maybe", -EINVAL,
		    "'maybe' is not a boolean (yes/no, true/false, on/off, 1/0)");
	parse_fails("v_bool", "2", -EINVAL, "'2' is not a boolean");
	parse_fails("v_bool", "", -EINVAL, "not a boolean");
	parse_fails("v_bool", "y", -EINVAL, "not a boolean");
}

static void test_string(void **state)
{
	(void)state;
	parse_ok("name", "nginx");
	assert_memory_equal(buf, "nginx\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(buf[16], 0xaa);
	parse_ok("name", "  spaced out  ");
	assert_string_equal((char *)buf, "spaced out");
	parse_ok("name", "123456789012345");
	assert_memory_equal(buf, "123456789012345", 16);
	parse_ok("name", "");
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	parse_ok("name", "a,b");
	assert_string_equal((char *)buf, "a,b");
	parse_fails("name", "1234567890123456", -ERANGE,
		    "'1234567890123456' is longer than 15 characters");
}

static void test_unsigned_char_array_is_a_string(void **state)
{
	(void)state;
	parse_ok("raw", "abc");
	assert_memory_equal(buf, "abc", 4);
	parse_fails("raw", "abcd", -ERANGE, "longer than 3 characters");
}

/* typedef char comm_t; comm_t targ_comm[16] is text, as its author meant;
 * typedefs of signed or unsigned char (int8_t, __u8) stay numbers. */
static void test_char_typedef_array_is_a_string(void **state)
{
	(void)state;
	parse_ok("targ_comm", "bash");
	assert_memory_equal(buf, "bash\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	parse_fails("targ_comm", "1234567890123456", -ERANGE, "longer than 15 characters");
	assert_string_equal(type_name("targ_comm"), "string[16]");
	assert_string_equal(format("targ_comm", "bash\0\0\0\0\0\0\0\0\0\0\0\0"), "bash");
	parse_ok("targ_comms", "sshd, cron");
	assert_memory_equal(buf, "sshd\0\0\0\0cron\0\0\0\0", 16);
	assert_string_equal(type_name("targ_comms"), "string[8] list[2]");
	parse_ok("small", "-1, 2");
	assert_memory_equal(buf, "\xff\x02\0\0", 4);
	assert_string_equal(type_name("small"), "s8 list[4]");
	parse_ok("sbytes", "abc");
	assert_string_equal(type_name("sbytes"), "string[4]");
}

static void test_string_list(void **state)
{
	(void)state;
	parse_ok("comm", "nginx, postgres");
	assert_string_equal((char *)buf, "nginx");
	assert_string_equal((char *)buf + 16, "postgres");
	assert_int_equal(buf[32], 0);
	assert_int_equal(buf[127], 0);
	assert_int_equal(buf[128], 0xaa);
	parse_ok("comm", "a,b,c,d,e,f,g,123456789012345");
	assert_string_equal((char *)buf + 7 * 16, "123456789012345");
	parse_ok("comm", "  one  ");
	assert_string_equal((char *)buf, "one");
	parse_ok("comm", "");
	assert_int_equal(buf[0], 0);
	parse_ok("comm", "two words, x");
	assert_string_equal((char *)buf, "two words");
	parse_fails("comm", "a,b,c,d,e,f,g,h,i", -ERANGE, "too many items: 9 given, at most 8");
	parse_fails("comm", "a,,b", -EINVAL, "item 2 of the list is empty");
	parse_fails("comm", "a, ", -EINVAL, "item 2 of the list is empty");
	parse_fails("comm", ",a", -EINVAL, "item 1 of the list is empty");
	parse_fails("comm", ",", -EINVAL, "item 1 of the list is empty");
	parse_fails("comm", "ok, 1234567890123456", -ERANGE,
		    "'1234567890123456' is longer than 15 characters");
}

static void test_int_list(void **state)
{
	(void)state;
	parse_ok("pids", "1, 2, 0x10");
	assert_int_equal(u32_at(0), 1);
	assert_int_equal(u32_at(4), 2);
	assert_int_equal(u32_at(8), 16);
	assert_int_equal(u32_at(12), 0);
	assert_int_equal(buf[16], 0xaa);
	parse_ok("pids", "1,2,3,4294967295");
	assert_int_equal(u32_at(12), UINT32_MAX);
	parse_ok("pids", "");
	assert_int_equal(u32_at(0), 0);
	parse_fails("pids", "1,2,3,4,5", -ERANGE, "too many items: 5 given, at most 4");
	parse_fails("pids", "1, -1", -ERANGE, "-1 is out of range for u32");
	parse_fails("pids", "1, x", -EINVAL, "'x' is not an integer");
	parse_fails("pids", "1 2", -EINVAL, "'1 2' is not an integer");
}

static void test_typedef_byte_array_is_a_list(void **state)
{
	(void)state;
	parse_ok("bytes", "10, 0, 0, 1");
	assert_memory_equal(buf, "\x0a\x00\x00\x01", 4);
	parse_fails("bytes", "256", -ERANGE, "for u8 (0..255)");
	parse_fails("bytes", "abc", -EINVAL, "not an integer");
}

static void test_bool_list(void **state)
{
	(void)state;
	parse_ok("flags", "yes, off");
	assert_memory_equal(buf, "\x01\x00", 2);
	parse_fails("flags", "yes, perhaps", -EINVAL, "'perhaps' is not a boolean");
}

static void test_enum(void **state)
{
	static const char *const csv[] = { "csv", "CSV", "Csv", "view_format_csv", "VIEW_FORMAT_CSV", "1", "0x1" };
	size_t i;
	(void)state;

	for (i = 0; i < N(csv); i++) {
		parse_ok("format", csv[i]);
		assert_int_equal(u32_at(0), 1);
		assert_int_equal(buf[4], 0xaa);
	}
	parse_ok("format", "table");
	assert_int_equal(u32_at(0), 0);
	parse_ok("format", " json ");
	assert_int_equal(u32_at(0), 2);
	parse_fails("format", "foo", -EINVAL,
		    "unknown value 'foo' for enum view_format (table, csv, json)");
	parse_fails("format", "3", -EINVAL, "unknown value '3'");
	parse_fails("format", "-1", -EINVAL, "unknown value '-1'");
	parse_fails("format", "format_csv", -EINVAL, "unknown value");
	parse_fails("format", "", -EINVAL, "unknown value ''");
}

static void test_enum_prefixes(void **state)
{
	(void)state;
	/* TCP_S... is common to two names only: the prefix is cut at '_' */
	parse_ok("states", "established, listen, syn_sent");
	assert_int_equal(u32_at(0), 1);
	assert_int_equal(u32_at(4), 10);
	assert_int_equal(u32_at(8), 2);
	parse_ok("states", "TCP_LISTEN, 2");
	assert_int_equal(u32_at(0), 10);
	assert_int_equal(u32_at(4), 2);
	/* '-' as users write it (ss: syn-sent) matches '_' */
	parse_ok("states", "SYN-SENT, tcp-listen");
	assert_int_equal(u32_at(0), 2);
	assert_int_equal(u32_at(4), 10);
	parse_fails("states", "syn--sent", -EINVAL,
		    "unknown value 'syn--sent' for enum tcp_state (established, syn_sent, listen)");
	parse_fails("states", "listen, closed", -EINVAL,
		    "unknown value 'closed' for enum tcp_state (established, syn_sent, listen)");
	parse_fails("states", "a, b, c, d", -ERANGE, "too many items: 4 given, at most 3");
	/* MODE_R is common to both, the prefix stops at MODE_ */
	parse_ok("mode", "rw");
	assert_int_equal(u32_at(0), 6);
	parse_ok("mode", "4");
	assert_int_equal(u32_at(0), 4);
	parse_fails("mode", "w", -EINVAL, "unknown value 'w' for enum (read, rw)");
	/* a lone enumerator keeps its last word */
	parse_ok("one", "one");
	assert_int_equal(u32_at(0), 7);
	parse_ok("one", "only_one");
	assert_int_equal(u32_at(0), 7);
}

/* A short name that is another value's full name is printed in full, so
 * what is printed parses back to the same value. */
static void test_enum_short_name_clash(void **state)
{
	(void)state;
	parse_ok("status", "st_ok");
	assert_int_equal(u32_at(0), 1);
	assert_string_equal(format("status", "\x01\0\0\0"), "ok");
	assert_string_equal(format("status", "\x02\0\0\0"), "st_st_ok");
	parse_ok("status", "st_st_ok");
	assert_int_equal(u32_at(0), 2);
}

static void test_enum_negative_and_64bit(void **state)
{
	(void)state;
	parse_ok("level", "low");
	assert_int_equal(u32_at(0), UINT32_MAX);
	parse_ok("level", "-1");
	assert_int_equal(u32_at(0), UINT32_MAX);
	parse_ok("big", "huge");
	assert_true(u64_at(0) == 0x100000000ULL);
	parse_ok("big", "4294967296");
	assert_true(u64_at(0) == 0x100000000ULL);
	parse_ok("big", "small");
	assert_true(u64_at(0) == 1);
	parse_fails("big", "2", -EINVAL, "unknown value '2' for enum big (small, huge)");
}

static void test_modifiers(void **state)
{
	(void)state;
	parse_ok("cv", "-5");
	assert_int_equal((__s32)u32_at(0), -5);
	assert_string_equal(type_name("cv"), "s32");
	parse_fails("cv", "2147483648", -ERANGE, "for s32");
}

static void test_unsupported(void **state)
{
	static const char *const names[] = { "pair", "ratio", "ptr", "grid" };
	struct param_var v;
	char out[64];
	size_t i;
	(void)state;

	for (i = 0; i < N(names); i++) {
		parse_fails(names[i], "1", -EOPNOTSUPP, "type not supported for a parameter");
		v = var(names[i]);
		assert_int_equal(params_type_name(btf, &v, out, sizeof(out)), -EOPNOTSUPP);
		assert_int_equal(params_format(btf, &v, buf, out, sizeof(out)), -EOPNOTSUPP);
	}
}

static void test_zero_filled_on_error(void **state)
{
	(void)state;
	assert_int_equal(parse("pids", "1, 2, x"), -EINVAL);
	assert_int_equal(u32_at(8), 0);
	assert_int_equal(u32_at(12), 0);
	assert_int_equal(parse("pair", "1"), -EOPNOTSUPP);
	assert_int_equal(u64_at(0), 0);
	assert_int_equal(buf[8], 0xaa);
}

static void test_error_buffer(void **state)
{
	struct param_var v = var("v_u8");
	char small[8];
	(void)state;

	memset(small, 'x', sizeof(small));
	assert_int_equal(params_parse(btf, &v, "300", buf, small, sizeof(small)), -ERANGE);
	assert_string_equal(small, "300 is ");
	assert_int_equal(params_parse(btf, &v, "300", buf, NULL, 0), -ERANGE);
	assert_int_equal(params_parse(btf, &v, "3", buf, NULL, 0), 0);
	assert_int_equal(buf[0], 3);
}

static void test_format(void **state)
{
	static const __u32 pids[4] = { 1, 2, 0, 0 };
	static const __u32 gap[4] = { 0, 5, 0, 0 };
	static const __u32 none[4] = { 0 };
	static const __s32 minus = -42;
	static const __u32 unknown = 9, level = -1;
	static const char comm[128] = "nginx\0\0\0\0\0\0\0\0\0\0\0postgres";
	static const char full[16] = "0123456789abcdef";
	(void)state;

	assert_string_equal(format("v_u8", "\xff"), "255");
	assert_string_equal(format("v_char", "\x80"), "-128");
	assert_string_equal(format("v_s32", &minus), "-42");
	assert_string_equal(format("v_bool", "\x01"), "yes");
	assert_string_equal(format("v_bool", "\x00"), "no");
	assert_string_equal(format("name", "nginx\0garbage\0\0\0"), "nginx");
	/* no NUL in the array: the string still ends at the array */
	assert_string_equal(format("name", full), "0123456789abcdef");
	assert_string_equal(format("comm", comm), "nginx, postgres");
	assert_string_equal(format("pids", pids), "1, 2");
	assert_string_equal(format("pids", gap), "0, 5");
	assert_string_equal(format("pids", none), "");
	assert_string_equal(format("format", "\x02\0\0\0"), "json");
	assert_string_equal(format("format", &unknown), "9");
	assert_string_equal(format("level", &level), "low");
	assert_string_equal(format("states", "\x0a\0\0\0\x01\0\0\0\0\0\0\0"), "listen, established");
	assert_string_equal(format("big", "\0\0\0\0\x01\0\0\0"), "huge");
	assert_string_equal(format("bytes", "\x0a\0\0\x01"), "10, 0, 0, 1");
	assert_string_equal(format("flags", "\x00\x01"), "no, yes");
}

static void test_format_too_small(void **state)
{
	struct param_var v = var("comm");
	static const char comm[128] = "nginx\0\0\0\0\0\0\0\0\0\0\0postgres";
	char out[8];
	(void)state;

	assert_int_equal(params_format(btf, &v, comm, out, sizeof(out)), -ENOSPC);
	assert_string_equal(out, "nginx, ");
	assert_int_equal(params_format(btf, &v, comm, out, 0), -ENOSPC);
	v = var("v_u8");
	assert_int_equal(params_format(btf, &v, "\x07", out, 2), 0);
	assert_string_equal(out, "7");
	assert_int_equal(params_format(btf, &v, "\x10", out, 2), -ENOSPC);
}

static void test_round_trip(void **state)
{
	static const struct {
		const char *var, *in, *out;
	} cases[] = {
		{ "v_u8", "0xff", "255" },
		{ "v_s64", "-9223372036854775808", "-9223372036854775808" },
		{ "v_u64", "18446744073709551615", "18446744073709551615" },
		{ "v_bool", "On", "yes" },
		{ "v_bool", "false", "no" },
		{ "name", " nginx ", "nginx" },
		{ "comm", "nginx,postgres , redis", "nginx, postgres, redis" },
		{ "comm", "", "" },
		{ "pids", "4242", "4242" },
		{ "pids", "0, 7, 0", "0, 7" },
		{ "format", "VIEW_FORMAT_CSV", "csv" },
		{ "states", "10, syn_sent", "listen, syn_sent" },
		{ "mode", "6", "rw" },
		{ "level", "-1", "low" },
		{ "cv", "-5", "-5" },
	};
	unsigned char first[512];
	struct param_var v;
	size_t i;
	(void)state;

	for (i = 0; i < N(cases); i++) {
		parse_ok(cases[i].var, cases[i].in);
		assert_string_equal(format(cases[i].var, buf), cases[i].out);
		v = var(cases[i].var);
		memcpy(first, buf, v.size);
		parse_ok(cases[i].var, cases[i].out);
		assert_memory_equal(first, buf, v.size);
	}
}

static void test_type_name(void **state)
{
	(void)state;
	assert_string_equal(type_name("v_u8"), "u8");
	assert_string_equal(type_name("v_char"), "s8");
	assert_string_equal(type_name("v_s16"), "s16");
	assert_string_equal(type_name("v_s32"), "s32");
	assert_string_equal(type_name("v_u32"), "u32");
	assert_string_equal(type_name("v_s64"), "s64");
	assert_string_equal(type_name("v_u64"), "u64");
	assert_string_equal(type_name("v_bool"), "bool");
	assert_string_equal(type_name("name"), "string[16]");
	assert_string_equal(type_name("raw"), "string[4]");
	assert_string_equal(type_name("comm"), "string[16] list[8]");
	assert_string_equal(type_name("pids"), "u32 list[4]");
	assert_string_equal(type_name("bytes"), "u8 list[4]");
	assert_string_equal(type_name("flags"), "bool list[2]");
	assert_string_equal(type_name("format"), "enum (table, csv, json)");
	assert_string_equal(type_name("states"), "enum (established, syn_sent, listen) list[3]");
	assert_string_equal(type_name("mode"), "enum (read, rw)");
	assert_string_equal(type_name("one"), "enum (one)");
	assert_string_equal(type_name("big"), "enum (small, huge)");
	assert_string_equal(type_name("d_val"), "u32");
	assert_string_equal(type_name("b_count"), "s32");
}

static void test_type_name_too_small(void **state)
{
	struct param_var v = var("format");
	char out[10];
	(void)state;

	assert_int_equal(params_type_name(btf, &v, out, sizeof(out)), -ENOSPC);
	assert_string_equal(out, "enum (tab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_global_prefix),
		cmocka_unit_test(test_foreach_order),
		cmocka_unit_test(test_foreach_stops),
		cmocka_unit_test(test_foreach_empty),
		cmocka_unit_test(test_u8),
		cmocka_unit_test(test_char_is_an_integer),
		cmocka_unit_test(test_s16),
		cmocka_unit_test(test_s32),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_64bit),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_char_typedef_array_is_a_string),
		cmocka_unit_test(test_unsigned_char_array_is_a_string),
		cmocka_unit_test(test_string_list),
		cmocka_unit_test(test_int_list),
		cmocka_unit_test(test_typedef_byte_array_is_a_list),
		cmocka_unit_test(test_bool_list),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_enum_prefixes),
		cmocka_unit_test(test_enum_short_name_clash),
		cmocka_unit_test(test_enum_negative_and_64bit),
		cmocka_unit_test(test_modifiers),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_zero_filled_on_error),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_too_small),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_type_name),
		cmocka_unit_test(test_type_name_too_small),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
