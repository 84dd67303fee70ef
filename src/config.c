/* cat-config: the merged manifest as bpfviews reads it. */
#include <stdbool.h>
#include <stdio.h>

#include "commands.h"
#include "log.h"
#include "manifest.h"

int do_cat_config(int argc, char **argv)
{
	struct manifest m;
	int rc;

	argc = cli_options(argc, argv, NULL);
	if (argc < 0)
		return EXIT_USAGE;
	if (argc > 1) {
		pr_err("cat-config takes no arguments");
		return EXIT_USAGE;
	}
	rc = manifest_load(&m, opts.conf, opts.nconf);
	for (int i = 0; i < m.nviews; i++) {
		const struct view_conf *v = &m.views[i];

		printf("%s# %s:%d\n[%s]\n", i ? "\n" : "", v->file, v->line, v->name);
		for (int k = 0; k < v->nkeys; k++)
			printf("%s = %s\n", v->keys[k].key, v->keys[k].value);
	}
	manifest_free(&m);
	return rc ? EXIT_USAGE : EXIT_OK;
}
