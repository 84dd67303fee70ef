/* apply: make the root match the manifest. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "commands.h"
#include "log.h"
#include "session.h"
#include "textfile.h"

static int pin_view(struct session *s, const struct step *st, char *err, size_t errlen)
{
	const struct view_conf *v = &s->m.views[st->want];
	struct bpf_link *link = view_prog_attach(v, &s->progs[st->want], err, errlen);
	int rc;

	if (!link)
		return -errno;
	rc = bpffs_pin(bpf_link__fd(link), &s->root, v->name, v->mode, v->uid, v->gid, err, errlen);
	bpf_link__destroy(link);	/* the pin keeps the link alive */
	return rc;
}
static int execute_step(struct session *s, const struct step *st)
{
	const struct view_conf *v = st->want >= 0 ? &s->m.views[st->want] : NULL;
	char err[1024], changes[128];
	int rc = 0;

	change_names(st->changes, changes, sizeof(changes));
	switch (st->kind) {
	case STEP_KEEP:
		pr_info("%s: in sync", st->name);
		return 0;
	case STEP_CREATE:
	case STEP_REPLACE:
		rc = pin_view(s, st, err, sizeof(err));
		if (rc) {
			pr_err("%s%s", err, st->kind == STEP_REPLACE ? "; the old view stays" : "");
			return rc;
		}
		if (st->kind == STEP_CREATE)
			printf("created %s\n", st->name);
		else
			printf("replaced %s (%s)\n", st->name, changes);
		return 0;
	case STEP_FIX_ATTRS:
		rc = bpffs_set_attrs(&s->root, st->name, v->mode, v->uid, v->gid, err, sizeof(err));
		if (rc)
			pr_err("[%s] %s", st->name, err);
		else
			printf("updated %s (%s)\n", st->name, changes);
		return rc;
	case STEP_REMOVE:
	case STEP_CLEAN:
		rc = bpffs_unpin(&s->root, st->name, err, sizeof(err));
		if (rc)
			pr_err("%s", err);
		else
			printf("removed %s%s\n", st->kind == STEP_CLEAN ? "staging pin " : "", st->name);
		return rc;
	case STEP_FOREIGN:
		pr_warn("%s/%s is not managed by bpfviews (%s); left alone", opts.root, st->name,
			s->pins.v[st->pin].what);
		return 0;
	case STEP_BLOCKED:
		pr_err("[%s] %s/%s is taken by something bpfviews does not manage (%s); remove it to pin the view",
		       st->name, opts.root, s->pins.v[st->pin].name, s->pins.v[st->pin].what);
		return -EEXIST;
	case STEP_FAILED:
		if (st->pin >= 0)
			pr_err("[%s] not applied; the pinned view stays as it was", st->name);
		return -EINVAL;
	}
	return 0;
}

static void print_dry_step(const struct step *st)
{
	static const char *const verbs[] = {
		[STEP_KEEP] = "keep", [STEP_CREATE] = "create", [STEP_REPLACE] = "replace",
		[STEP_FIX_ATTRS] = "update", [STEP_REMOVE] = "remove", [STEP_CLEAN] = "remove staging pin",
		[STEP_FOREIGN] = "leave foreign", [STEP_BLOCKED] = "blocked", [STEP_FAILED] = "failed",
	};
	char changes[128];

	if (st->changes)
		printf("%s %s (%s)\n", verbs[st->kind], st->name, change_names(st->changes, changes, sizeof(changes)));
	else
		printf("%s %s\n", verbs[st->kind], st->name);
}

struct apply_run {
	bool dry_run;
	int failed;
	bool *selected, *pinned;	/* per view, for the textfile links */
};

static void run_step(struct session *s, const struct step *st, struct apply_run *run)
{
	int rc = 0;

	if (run->dry_run) {
		print_dry_step(st);
		run->failed += st->kind == STEP_FAILED || st->kind == STEP_BLOCKED;
	} else {
		rc = execute_step(s, st);
		run->failed += rc != 0;
	}
	/* a view that failed keeps its old pin; one that was blocked has none */
	if (st->want >= 0)
		run->pinned[st->want] = st->kind != STEP_BLOCKED && (st->pin >= 0 || (st->kind == STEP_CREATE && !rc));
}

/* A view's step runs as soon as its batch is loaded: the view holds its
 * descriptors and memory only until it is pinned. */
static void apply_batch(struct session *s, int from, int to, void *arg)
{
	for (int i = from; i < to; i++) {
		struct step st;

		if (!session_selected(s, s->m.views[i].name))
			continue;
		st = plan_want(&s->wants[i], i, s->pins.v, s->pin_states, s->pins.n);
		run_step(s, &st, arg);
	}
}

int do_apply(int argc, char **argv)
{
	int dry_run = 0;
	const struct option longopts[] = { { "dry-run", no_argument, &dry_run, 1 }, { 0 } };
	struct session s = { 0 };
	struct apply_run run = { 0 };
	struct textfile_scope sc;
	int rc;

	if (session_args(&s, argc, argv, longopts))
		return EXIT_USAGE;
	rc = session_open(&s);
	if (rc) {
		pr_err("manifest has errors; nothing applied");
		goto out;
	}
	rc = EXIT_VIEW;
	/* a dry run creates nothing: a root that does not exist holds nothing */
	if (session_open_root(&s, !dry_run))
		goto out;
	if (!dry_run && (rc = bpffs_lock(&s.root, true))) {
		pr_err("cannot lock %s: %s", opts.root, strerror(-rc));
		rc = EXIT_VIEW;
		goto out;
	}
	if (session_scan(&s))
		goto out;
	run.dry_run = dry_run;
	run.selected = calloc(s.m.nviews + 1, sizeof(*run.selected));
	run.pinned = calloc(s.m.nviews + 1, sizeof(*run.pinned));
	if (!run.selected || !run.pinned) {
		pr_err("out of memory");
		goto out;
	}
	for (int i = 0; i < s.m.nviews; i++)
		run.selected[i] = session_selected(&s, s.m.views[i].name);
	session_load(&s, apply_batch, &run);
	if (session_plan(&s))
		goto out;
	/* the views' steps ran with their batches; the pins no view wants remain */
	for (int i = 0; i < s.plan.n; i++)
		if (s.plan.v[i].want < 0)
			run_step(&s, &s.plan.v[i], &run);
	sc = (struct textfile_scope){ .selected = run.selected, .pinned = run.pinned, .all = !s.only.n };
	run.failed += textfiles_apply(&s.m, opts.root, &sc, dry_run);
	rc = run.failed ? EXIT_VIEW : EXIT_OK;
out:
	free(run.selected);
	free(run.pinned);
	session_free(&s);
	return rc;
}
