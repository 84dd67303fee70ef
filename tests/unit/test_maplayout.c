/* map_layout_build: a map's key and value types flattened into fields. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "maplayout.h"

static struct map_layout l;
static char err[256];

static void assert_field(int i, const char *name, __u32 offset, __u32 size, int kind, int in_key)
{
	assert_true((__u32)i < l.nfields);
	assert_string_equal(l.fields[i].name, name);
	assert_int_equal(l.fields[i].offset, offset);
	assert_int_equal(l.fields[i].size, size);
	assert_int_equal(l.fields[i].kind, kind);
	assert_int_equal(l.fields[i].in_key, in_key);
}

/* struct val { u32 count; s16 delta; char name[6]; bool on; s64 arr[2]; struct { u8 x; } in; void *p; } */
static void test_struct_value_scalar_key(void **state)
{
	struct btf *btf = btf__new_empty();
	int u32 = btf__add_int(btf, "unsigned int", 4, 0);
	int s16 = btf__add_int(btf, "short", 2, BTF_INT_SIGNED);
	int chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	int bln = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	int s64 = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	int u8 = btf__add_int(btf, "unsigned char", 1, 0);
	int name = btf__add_array(btf, u32, chr, 6);
	int arr = btf__add_array(btf, u32, s64, 2);
	int ptr = btf__add_ptr(btf, 0);
	int in = btf__add_struct(btf, "in", 1);
	int val;

	(void)state;
	btf__add_field(btf, "x", u8, 0, 0);
	val = btf__add_struct(btf, "val", 48);
	btf__add_field(btf, "count", u32, 0, 0);
	btf__add_field(btf, "delta", s16, 32, 0);
	btf__add_field(btf, "name", name, 48, 0);
	btf__add_field(btf, "on", bln, 96, 0);
	btf__add_field(btf, "arr", arr, 128, 0);
	btf__add_field(btf, "in", in, 256, 0);
	btf__add_field(btf, "p", ptr, 320, 0);
	assert_int_equal(map_layout_build(btf, u32, val, 4, 48, &l, err, sizeof(err)), 0);
	assert_int_equal(l.key_size, 4);
	assert_int_equal(l.value_size, 48);
	assert_int_equal(l.nfields, 9);
	assert_field(0, "key", 0, 4, MAP_FIELD_UNSIGNED, 1);
	assert_field(1, "count", 0, 4, MAP_FIELD_UNSIGNED, 0);
	assert_field(2, "delta", 4, 2, MAP_FIELD_SIGNED, 0);
	assert_field(3, "name", 6, 6, MAP_FIELD_CHARS, 0);
	assert_field(4, "on", 12, 1, MAP_FIELD_BOOL, 0);
	assert_field(5, "arr[0]", 16, 8, MAP_FIELD_SIGNED, 0);
	assert_field(6, "arr[1]", 24, 8, MAP_FIELD_SIGNED, 0);
	assert_field(7, "in.x", 32, 1, MAP_FIELD_UNSIGNED, 0);
	assert_field(8, "p", 40, 8, MAP_FIELD_HEX, 0);
	btf__free(btf);
}

static void test_struct_key_scalar_value(void **state)
{
	struct btf *btf = btf__new_empty();
	int u32 = btf__add_int(btf, "unsigned int", 4, 0);
	int e = btf__add_enum(btf, "color", 4);
	int key;

	(void)state;
	btf__add_enum_value(btf, "RED", 0);
	key = btf__add_struct(btf, "k", 8);
	btf__add_field(btf, "pid", u32, 0, 0);
	btf__add_field(btf, "color", e, 32, 0);
	assert_int_equal(map_layout_build(btf, key, u32, 8, 4, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nfields, 3);
	assert_field(0, "key.pid", 0, 4, MAP_FIELD_UNSIGNED, 1);
	assert_field(1, "key.color", 4, 4, MAP_FIELD_UNSIGNED, 1);
	assert_field(2, "value", 0, 4, MAP_FIELD_UNSIGNED, 0);
	btf__free(btf);
}

static void test_no_btf_is_hex(void **state)
{
	(void)state;
	assert_int_equal(map_layout_build(NULL, 5, 6, 4, 8, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nfields, 2);
	assert_field(0, "key", 0, 4, MAP_FIELD_HEX, 1);
	assert_field(1, "value", 0, 8, MAP_FIELD_HEX, 0);
}

static void test_bitfields_left_out(void **state)
{
	struct btf *btf = btf__new_empty();
	int u32 = btf__add_int(btf, "unsigned int", 4, 0);
	int val = btf__add_struct(btf, "bits", 8);

	(void)state;
	btf__add_field(btf, "a", u32, 0, 3);
	btf__add_field(btf, "b", u32, 32, 0);
	assert_int_equal(map_layout_build(btf, u32, val, 4, 8, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nfields, 2);
	assert_field(1, "b", 4, 4, MAP_FIELD_UNSIGNED, 0);
	btf__free(btf);
}

static void test_too_many_fields(void **state)
{
	struct btf *btf = btf__new_empty();
	int u32 = btf__add_int(btf, "unsigned int", 4, 0);
	int arr = btf__add_array(btf, u32, u32, MAP_FIELDS_MAX);

	(void)state;
	assert_int_equal(map_layout_build(btf, u32, arr, 4, 4 * MAP_FIELDS_MAX, &l, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "more than 32 fields"));
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_value_scalar_key),
		cmocka_unit_test(test_struct_key_scalar_value),
		cmocka_unit_test(test_no_btf_is_hex),
		cmocka_unit_test(test_bitfields_left_out),
		cmocka_unit_test(test_too_many_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
