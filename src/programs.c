/* programs: what each built-in program walks, its parameters (from its BTF,
 * with the defaults compiled into it) and its columns. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "builtin.h"
#include "commands.h"
#include "json.h"
#include "log.h"
#include "manifest.h"
#include "params.h"

/* A built-in's documentation string (VIEW_DOC in bpf/view.h), or "". */
static const char *doc_string(struct bpf_object *obj, const char *name)
{
	struct param_var var;
	const char *text;

	if (params_find_static(bpf_object__btf(obj), name, &var))
		return "";
	text = params_var_data(obj, &var);
	return text ? text : "";
}

struct listing {
	struct bpf_object *obj;
	struct json *j;		/* JSON output, or NULL */
};

static int print_param(const struct param_var *var, void *ctx)
{
	struct listing *l = ctx;
	const struct btf *btf = bpf_object__btf(l->obj);
	const void *data = params_var_data(l->obj, var);
	char type[1024], def[256] = "", key[256];
	const char *name = manifest_param_key(var->name, key, sizeof(key));

	params_type_name(btf, var, type, sizeof(type));
	if (data)
		params_format(btf, var, data, def, sizeof(def));
	if (l->j) {
		json_object_open(l->j);
		json_field_str(l->j, "name", name);
		json_field_str(l->j, "type", type);
		json_field_str(l->j, "default", def);
		json_object_close(l->j);
	} else {
		printf("  %-12s %-24s default: %s\n", name, type, def[0] ? def : "(empty)");
	}
	return 0;
}

static const char *iterator_of(struct bpf_object *obj)
{
	struct bpf_program *p = bpf_object__next_program(obj, NULL);

	return p ? strchr(bpf_program__section_name(p), '/') + 1 : "?";
}

/* One program: a line, its detail, or a JSON object on J. */
static int show_program(const struct builtin_object *b, bool detail, struct json *j)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .object_name = b->name);
	struct bpf_object *obj = bpf_object__open_mem(b->data, b->size, &o);
	struct listing l = { .obj = obj, .j = j };
	const char *summary, *columns, *metrics;

	if (!obj) {
		pr_err("cannot open built-in '%s': %s", b->name, strerror(errno));
		return -errno;
	}
	summary = doc_string(obj, "view_summary");
	columns = doc_string(obj, "view_columns");
	metrics = doc_string(obj, "view_metrics");
	if (j) {
		json_object_open(j);
		json_field_str(j, "name", b->name);
		json_field_str(j, "iterator", iterator_of(obj));
		json_field_str(j, "summary", summary);
		json_field_str(j, "columns", columns);
		json_field_str(j, "prometheus", metrics);
		json_key(j, "parameters");
		json_array_open(j);
		params_foreach(bpf_object__btf(obj), print_param, &l);
		json_array_close(j);
		json_object_close(j);
	} else if (!detail) {
		printf("%-12s %-12s %s\n", b->name, iterator_of(obj), summary);
	} else {
		printf("%s: %s\niterator: %s\ncolumns: %s\n", b->name, summary, iterator_of(obj), columns);
		if (*metrics)
			printf("prometheus: %s\n", metrics);
		printf("parameters:\n");
		params_foreach(bpf_object__btf(obj), print_param, &l);
	}
	bpf_object__close(obj);
	return 0;
}

int do_programs(int argc, char **argv)
{
	const struct builtin_object *b;
	struct json j, *jp;
	int rc = 0;

	argc = cli_options(argc, argv, NULL);
	if (argc < 0)
		return EXIT_USAGE;
	jp = opts.json ? &j : NULL;
	if (argc > 2) {
		pr_err("programs takes at most one NAME");
		return EXIT_USAGE;
	}
	if (argc == 2) {
		b = builtin_find(argv[1]);
		if (!b) {
			pr_err("no built-in program '%s' (bpfviews programs lists them)", argv[1]);
			return EXIT_USAGE;
		}
		json_begin(&j, stdout);
		rc = show_program(b, true, jp);
		if (jp)
			json_end(jp);
		return rc ? EXIT_VIEW : EXIT_OK;
	}
	json_begin(&j, stdout);
	if (jp)
		json_array_open(jp);
	else
		printf("%-12s %-12s %s\n", "PROGRAM", "ITERATOR", "WHAT");
	for (b = builtin_objects; b->name; b++)
		rc |= show_program(b, false, jp);
	if (jp) {
		json_array_close(jp);
		json_end(jp);
	}
	return rc ? EXIT_VIEW : EXIT_OK;
}
