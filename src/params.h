/* Program parameters: global variables of a BPF object, set from manifest
 * strings through their BTF types.
 */
#ifndef BPFVIEWS_PARAMS_H
#define BPFVIEWS_PARAMS_H

#include <stddef.h>
#include <linux/types.h>

struct btf;
struct bpf_object;
struct bpf_map;

/* A global variable of a BPF object, found through the object's BTF. */
struct param_var {
	const char *name;	/* points into the BTF */
	const char *section;	/* datasec name: ".rodata", ".data" or ".bss" */
	__u32 type_id;		/* the variable's type (not the VAR) */
	__u32 offset;		/* within the section */
	__u32 size;
};

/* "global.pid" names the program's global pid even where the manifest has a
 * key pid of its own: C names have no dots, so the spelling is unambiguous. */
#define PARAMS_GLOBAL_PREFIX "global."

/* Finds global variable NAME, or the NAME in "global.NAME", in a
 * .rodata/.data/.bss datasec. Only BTF_VAR_GLOBAL_ALLOCATED vars count.
 * Returns 0 or -ENOENT. */
int params_find(const struct btf *btf, const char *name, struct param_var *var);

/* Finds a static variable in .rodata: how a built-in program carries its
 * documentation (VIEW_DOC in bpf/view.h) without making it a parameter. */
int params_find_static(const struct btf *btf, const char *name, struct param_var *var);

/* Calls fn for each parameter variable, .rodata first, then .data, then .bss,
 * each in datasec order; stops and returns fn's value if it is non-zero. */
int params_foreach(const struct btf *btf,
		   int (*fn)(const struct param_var *var, void *ctx), void *ctx);

/* Converts VALUE by the BTF type of VAR into dst[0..var->size), which is
 * zero-filled first. On error writes a one-line lowercase reason to err and
 * returns -ERANGE (a number out of range, a string or list too long),
 * -EINVAL (a malformed value), -EOPNOTSUPP (a type that cannot be a
 * parameter) or -ENOMEM. */
int params_parse(const struct btf *btf, const struct param_var *var, const char *value,
		 void *dst, char *err, size_t errlen);

/* Renders the bytes of VAR (e.g. its default from the object's initial data)
 * as the manifest would write it: "0", "yes"/"no", "nginx, postgres", "table".
 * Lists end at their last non-zero item. Returns 0, -EOPNOTSUPP or -ENOSPC. */
int params_format(const struct btf *btf, const struct param_var *var, const void *src,
		  char *buf, size_t len);

/* A short type description for listings: "u32", "s64", "bool", "string[16]",
 * "string[16] list[8]", "u32 list[4]", "enum (table, csv, json)".
 * Returns 0, -EOPNOTSUPP or -ENOSPC. */
int params_type_name(const struct btf *btf, const struct param_var *var, char *buf, size_t len);

/* VAR's bytes in the initial data of an opened object, or NULL. */
const void *params_var_data(struct bpf_object *obj, const struct param_var *var);

/* Writes VAR's bytes into the initial data of an opened (not yet loaded)
 * object. Returns 0 or -errno. */
int params_write(struct bpf_object *obj, const struct param_var *var, const void *bytes);
/* Writes SIZE bytes to the static variable NAME, a value bpfviews gives a
 * built-in at load. -ENOENT if the object has no such static, -EINVAL if
 * its size differs. */
int params_write_static(struct bpf_object *obj, const char *name, const void *value, size_t size);

/* Copies of an opened object's .rodata, .data and .bss initial data: the
 * parameters are written into them, and each is handed back to libbpf once. */
struct params_data {
	struct bpf_object *obj;
	struct params_section {
		struct bpf_map *map;
		char *bytes;		/* NULL until a parameter is written there */
		size_t size;
	} sec[3];			/* as params_foreach orders the sections */
};

void params_data_init(struct params_data *d, struct bpf_object *obj);
/* Sets global KEY to VALUE in the copy of its section; *VAR is where it
 * lives. Returns 0, -ENOENT if there is no such variable (err then lists
 * the valid names), -ENOMEM, or the error of params_parse. */
int params_data_set(struct params_data *d, const char *key, const char *value,
		    struct param_var *var, char *err, size_t errlen);
/* Hands each written section back to the object. Returns 0 or -errno. */
int params_data_apply(struct params_data *d);
void params_data_free(struct params_data *d);

#endif
