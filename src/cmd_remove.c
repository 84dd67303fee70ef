/* remove: unpin views this tool manages, by name or all of them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "session.h"
#include "textfile.h"

/* The manifest names the textfile directories to look for the views'
 * links in; remove works without one, and says nothing of its errors. */
static void read_manifest_quietly(struct manifest *m)
{
	int level = log_level;

	log_level = LOG_QUIET - 1;
	manifest_load(m, opts.conf, opts.nconf);
	log_level = level;
}

static int remove_pin(const struct session *s, const struct pin *p)
{
	const struct bpffs_root *r = &s->root;
	char err[1024];
	int rc;

	if (p->kind == PIN_FOREIGN) {
		pr_err("%s/%s is not managed by bpfviews (%s); not removed", opts.root, p->name, p->what);
		return -EPERM;
	}
	rc = bpffs_unpin(r, p->name, err, sizeof(err));
	if (rc)
		pr_err("%s", err);
	else
		printf("removed %s\n", p->name);
	if (!rc && p->kind == PIN_VIEW)
		rc = textfiles_remove_view(&s->m, opts.root, p->name) ? -EIO : 0;
	return rc;
}

int do_remove(int argc, char **argv)
{
	int all = 0;
	const struct option longopts[] = { { "all", no_argument, &all, 1 }, { 0 } };
	struct session s = { 0 };
	int rc, failed = 0;

	if (session_args(&s, argc, argv, longopts))
		return EXIT_USAGE;
	if (!all == !s.only.n) {
		pr_err("remove: name views to remove, or --all");
		return EXIT_USAGE;
	}
	read_manifest_quietly(&s.m);
	rc = session_open_root(&s, false);
	if (rc || !s.root.path)
		return !rc && all ? EXIT_OK : EXIT_VIEW;
	if (bpffs_lock(&s.root, true) || bpffs_scan(&s.root, &s.pins)) {
		pr_err("cannot read %s", opts.root);
		failed = 1;
		goto out;
	}
	for (int i = 0; i < s.only.n; i++) {
		const struct pin *p = pins_find(&s.pins, s.only.names[i]);

		if (!p) {
			pr_err("no view %s under %s", s.only.names[i], opts.root);
			failed++;
		} else {
			failed += remove_pin(&s, p) != 0;
		}
	}
	for (int i = 0; all && i < s.pins.n; i++)
		if (s.pins.v[i].kind != PIN_FOREIGN)
			failed += remove_pin(&s, &s.pins.v[i]) != 0;
out:
	session_free(&s);
	return failed ? EXIT_VIEW : EXIT_OK;
}
