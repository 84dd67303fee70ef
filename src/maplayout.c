#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "maplayout.h"
#include "params.h"

#define MAX_DEPTH 8

struct flattener {
	const struct btf *btf;
	struct map_layout *l;
	bool in_key;
	char *err;
	size_t errlen;
};

static int add(struct flattener *f, const char *name, __u32 offset, __u32 size, enum map_field_kind kind)
{
	struct map_field *field;

	if (f->l->nfields == MAP_FIELDS_MAX) {
		snprintf(f->err, f->errlen, "the map's elements have more than %d fields", MAP_FIELDS_MAX);
		return -E2BIG;
	}
	field = &f->l->fields[f->l->nfields++];
	field->offset = offset;
	field->size = size;
	field->kind = kind;
	field->in_key = f->in_key;
	snprintf(field->name, sizeof(field->name), "%s", name);
	return 0;
}

static int flatten(struct flattener *f, __u32 type_id, const char *name, __u32 offset, int depth);

static void join(char *buf, size_t len, const char *prefix, const char *name)
{
	snprintf(buf, len, "%s%s%s", prefix, *prefix && *name ? "." : "", name);
}

static int flatten_members(struct flattener *f, const struct btf_type *t, const char *name, __u32 offset,
			   int depth)
{
	const struct btf_member *m = btf_members(t);
	int n = btf_is_union(t) ? 1 : btf_vlen(t);	/* a union shows its first member */

	for (int i = 0; i < n; i++, m++) {
		char member[MAP_FIELD_NAME * 2];
		int rc;

		if (btf_member_bitfield_size(t, i))
			continue;	/* bitfields are not byte-addressable; left out */
		join(member, sizeof(member), name, btf__name_by_offset(f->btf, m->name_off));
		rc = flatten(f, m->type, member, offset + btf_member_bit_offset(t, i) / 8, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int flatten_array(struct flattener *f, const struct btf_type *t, const char *name, __u32 offset,
			 int depth)
{
	const struct btf_array *a = btf_array(t);
	const struct btf_type *elem = btf__type_by_id(f->btf, btf__resolve_type(f->btf, a->type));
	__s64 elem_size = btf__resolve_size(f->btf, a->type);

	if (elem_size <= 0)
		return add(f, name, offset, btf__resolve_size(f->btf, a->type), MAP_FIELD_HEX);
	if (btf_is_int(elem) && elem_size == 1 && !(btf_int_encoding(elem) & BTF_INT_BOOL))
		return add(f, name, offset, a->nelems, MAP_FIELD_CHARS);
	for (__u32 i = 0; i < a->nelems; i++) {
		char item[MAP_FIELD_NAME * 2];
		int rc;

		snprintf(item, sizeof(item), "%s[%u]", name, i);
		rc = flatten(f, a->type, item, offset + i * elem_size, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int flatten(struct flattener *f, __u32 type_id, const char *name, __u32 offset, int depth)
{
	int id = btf__resolve_type(f->btf, type_id);
	const struct btf_type *t = id >= 0 ? btf__type_by_id(f->btf, id) : NULL;
	__s64 size = btf__resolve_size(f->btf, type_id);

	if (!t || size <= 0 || depth > MAX_DEPTH)
		return add(f, name, offset, size > 0 ? size : 0, MAP_FIELD_HEX);
	if (btf_is_int(t)) {
		__u8 enc = btf_int_encoding(t);

		return add(f, name, offset, size, enc & BTF_INT_BOOL ? MAP_FIELD_BOOL :
			   enc & BTF_INT_SIGNED ? MAP_FIELD_SIGNED : MAP_FIELD_UNSIGNED);
	}
	if (btf_is_any_enum(t))
		return add(f, name, offset, size, btf_kflag(t) ? MAP_FIELD_SIGNED : MAP_FIELD_UNSIGNED);
	if (btf_is_composite(t))
		return flatten_members(f, t, name, offset, depth);
	if (btf_is_array(t))
		return flatten_array(f, t, name, offset, depth);
	return add(f, name, offset, size, MAP_FIELD_HEX);
}

static int flatten_top(struct flattener *f, __u32 type_id, __u32 size, const char *scalar_name,
		       const char *prefix)
{
	int id = type_id ? btf__resolve_type(f->btf, type_id) : -1;
	const struct btf_type *t = id >= 0 ? btf__type_by_id(f->btf, id) : NULL;

	if (!t)
		return add(f, scalar_name, 0, size, MAP_FIELD_HEX);
	return flatten(f, type_id, btf_is_composite(t) ? prefix : scalar_name, 0, 0);
}

int map_layout_build(const struct btf *btf, __u32 key_type, __u32 value_type, __u32 key_size,
		     __u32 value_size, struct map_layout *l, char *err, size_t errlen)
{
	struct flattener f = { .btf = btf, .l = l, .in_key = true, .err = err, .errlen = errlen };
	int rc;

	memset(l, 0, sizeof(*l));
	l->key_size = key_size;
	l->value_size = value_size;
	if (!btf)
		key_type = value_type = 0;
	rc = flatten_top(&f, key_type, key_size, "key", "key");
	f.in_key = false;
	return rc ? rc : flatten_top(&f, value_type, value_size, "value", "");
}

int map_layout_fill(struct bpf_object *obj, int map_fd, char *err, size_t errlen)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct param_var var;
	struct map_layout l;
	struct btf *btf = NULL;
	int rc;

	if (params_find_static(bpf_object__btf(obj), "map_layout", &var))
		return 0;
	if (var.size != sizeof(l)) {
		snprintf(err, errlen, "map_layout has %u bytes, not %zu: a program built for another bpfviews",
			 var.size, sizeof(l));
		return -EINVAL;
	}
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len)) {
		snprintf(err, errlen, "cannot read the map's info: %s", strerror(errno));
		return -errno;
	}
	if (info.btf_id)
		btf = btf__load_from_kernel_by_id(info.btf_id);
	rc = map_layout_build(btf, info.btf_key_type_id, info.btf_value_type_id, info.key_size,
			      info.value_size, &l, err, errlen);
	btf__free(btf);
	if (!rc && (rc = params_write(obj, &var, &l)))
		snprintf(err, errlen, "cannot set the map layout: %s", strerror(-rc));
	return rc;
}
