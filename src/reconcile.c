/* The reconciler: loads what the manifest wants, reads what the root has,
 * plans (plan.c) and carries the plan out: apply, status, check, remove. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bpffs.h"
#include "commands.h"
#include "loader.h"
#include "log.h"
#include "manifest.h"
#include "plan.h"

struct session {
	struct manifest m;
	struct view_prog *progs;	/* per view */
	struct want *wants;		/* per view */
	char **errors;			/* per view: why it failed, or NULL */
	char **load_errors;		/* per view, while loading in threads */
	int manifest_errors;
	struct pins pins;
	struct view_state *pin_states;	/* per pin */
	struct plan plan;
};

#define MAX_LOADERS 8

static char *const *only_views;
static int nonly;

static void session_free(struct session *s)
{
	for (int i = 0; i < s->m.nviews; i++) {
		view_prog_close(&s->progs[i]);
		free(s->errors[i]);
	}
	free(s->progs);
	free(s->wants);
	free(s->errors);
	free(s->pin_states);
	pins_free(&s->pins);
	plan_free(&s->plan);
	manifest_free(&s->m);
}

static bool is_selected(const char *name)
{
	for (int i = 0; i < nonly; i++)
		if (!strcmp(only_views[i], name))
			return true;
	return !nonly;
}

static int check_selection(const struct manifest *m)
{
	int rc = 0;

	for (int i = 0; i < nonly; i++) {
		if (manifest_find(m, only_views[i]))
			continue;
		pr_err("view '%s' is not in the manifest (bpfviews cat-config lists it)", only_views[i]);
		rc = -ENOENT;
	}
	return rc;
}

static void view_failed(struct session *s, int i, const char *err)
{
	s->wants[i].failed = true;
	s->errors[i] = strdup(err);
	pr_err("%s", err);
}

/* Opens one view and sets its parameters; a failure is recorded, not fatal. */
static void open_view(struct session *s, int i)
{
	const struct view_conf *v = &s->m.views[i];
	struct view_prog *vp = &s->progs[i];
	char err[1024];

	s->wants[i] = (struct want){ .name = v->name, .mode = v->mode, .uid = v->uid, .gid = v->gid };
	if (!view_prog_open(v, vp, err, sizeof(err)))
		return;
	s->manifest_errors += vp->manifest_error;
	view_failed(s, i, err);
}

/* Reads the manifest and opens the selected views. */
static int session_open(struct session *s)
{
	int rc = manifest_load(&s->m, opts.conf, opts.nconf);

	s->progs = calloc(s->m.nviews + 1, sizeof(*s->progs));
	s->wants = calloc(s->m.nviews + 1, sizeof(*s->wants));
	s->errors = calloc(s->m.nviews + 1, sizeof(*s->errors));
	for (int i = 0; s->progs && i < s->m.nviews; i++)
		view_prog_reset(&s->progs[i]);	/* closing an unopened slot closes nothing */
	if (rc || check_selection(&s->m))
		return EXIT_USAGE;
	for (int i = 0; i < s->m.nviews; i++)
		if (is_selected(s->m.views[i].name))
			open_view(s, i);
		else
			s->wants[i] = (struct want){ .name = s->m.views[i].name, .failed = true };
	return s->manifest_errors ? EXIT_USAGE : EXIT_OK;
}

/* The state of the view's pin when it carries the view's stamp: then that
 * is the view, built from the same bytes, and nothing needs loading. */
static const struct view_state *stamped_pin(const struct session *s, int i)
{
	const struct pin *p = pins_find(&s->pins, s->m.views[i].name);
	const struct view_state *st = p && p->kind == PIN_VIEW ? &s->pin_states[p - s->pins.v] : NULL;

	return st && view_prog_matches(&s->progs[i], st) ? st : NULL;
}

/* Loads view I unless its pin already matches; the verifier runs here. */
static void load_view(struct session *s, int i)
{
	const struct view_state *pinned;
	char err[1024];

	if (s->wants[i].failed)
		return;
	pinned = s->pin_states ? stamped_pin(s, i) : NULL;
	if (pinned)
		s->wants[i].state = *pinned;
	else if (view_prog_load(&s->m.views[i], &s->progs[i], err, sizeof(err)))
		s->load_errors[i] = strdup(err);
	else
		view_prog_state(&s->progs[i], &s->wants[i].state);
}

struct load_queue {
	struct session *s;
	pthread_mutex_t lock;
	int next;
};

static void *load_worker(void *arg)
{
	struct load_queue *q = arg;
	int i;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		i = q->next++;
		pthread_mutex_unlock(&q->lock);
		if (i >= q->s->m.nviews)
			break;
		load_view(q->s, i);
	}
	loader_thread_done();
	return NULL;
}

/* Loads the views on every CPU (loading is most of a cold apply: reading
 * vmlinux BTF and verifying), then reports failures in manifest order. */
static void session_load(struct session *s)
{
	struct load_queue q = { .s = s, .lock = PTHREAD_MUTEX_INITIALIZER };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t threads[MAX_LOADERS];
	int n = cpus < 1 ? 1 : cpus > MAX_LOADERS ? MAX_LOADERS : cpus, started = 0;

	/* Every load parses vmlinux BTF (5 MB) into fresh buffers: kept in the
	 * heap and reused by the next load of the thread, they are not
	 * faulted in and zeroed again for each view (10% of a cold apply). */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	s->load_errors = calloc(s->m.nviews + 1, sizeof(*s->load_errors));
	while (started < n && !pthread_create(&threads[started], NULL, load_worker, &q))
		started++;
	if (!started)
		load_worker(&q);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	for (int i = 0; i < s->m.nviews; i++) {
		if (s->load_errors[i])
			view_failed(s, i, s->load_errors[i]);
		free(s->load_errors[i]);
	}
	free(s->load_errors);
	s->load_errors = NULL;
}

static const struct data_ranges *ranges_for(const struct session *s, const char *name)
{
	for (int i = 0; i < s->m.nviews; i++)
		if (!strcmp(s->m.views[i].name, name))
			return &s->progs[i].ranges;
	return NULL;
}

static int session_scan(struct session *s)
{
	int rc = bpffs_scan(opts.root, &s->pins);

	if (rc) {
		pr_err("cannot read %s: %s", opts.root, strerror(-rc));
		return rc;
	}
	s->pin_states = calloc(s->pins.n + 1, sizeof(*s->pin_states));
	for (int i = 0; i < s->pins.n; i++) {
		const struct pin *p = &s->pins.v[i];

		if (p->kind == PIN_VIEW)
			view_state_of_link(p->fd, ranges_for(s, p->name), &s->pin_states[i]);
	}
	return 0;
}

/* Only the selected views' wants take part: unselected ones are kept out of
 * the plan so their pins are neither orphans nor touched. */
static int session_plan(struct session *s)
{
	return plan_views(s->wants, s->m.nviews, s->pins.v, s->pin_states, s->pins.n,
			  only_views, nonly, &s->plan);
}

/* ---- apply ---- */

static int pin_view(struct session *s, const struct step *st, char *err, size_t errlen)
{
	const struct view_conf *v = &s->m.views[st->want];
	struct bpf_link *link = view_prog_attach(v, &s->progs[st->want], err, errlen);
	int rc;

	if (!link)
		return -errno;
	rc = bpffs_pin(bpf_link__fd(link), opts.root, v->name, v->mode, v->uid, v->gid, err, errlen);
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
		rc = bpffs_set_attrs(opts.root, st->name, v->mode, v->uid, v->gid);
		if (rc)
			pr_err("[%s] cannot set mode and owner: %s", st->name, strerror(-rc));
		else
			printf("updated %s (%s)\n", st->name, changes);
		return rc;
	case STEP_REMOVE:
	case STEP_CLEAN:
		rc = bpffs_unpin(opts.root, st->name);
		if (rc)
			pr_err("cannot remove %s/%s: %s", opts.root, st->name, strerror(-rc));
		else
			printf("removed %s%s\n", st->kind == STEP_CLEAN ? "staging pin " : "", st->name);
		return rc;
	case STEP_FOREIGN:
		pr_warn("%s/%s is not managed by bpfviews (%s); left alone", opts.root, st->name,
			s->pins.v[st->pin].what);
		return 0;
	case STEP_BLOCKED:
		pr_err("[%s] %s/%s is taken by something bpfviews does not manage (%s); remove it to pin the view",
		       st->name, opts.root, st->name, s->pins.v[st->pin].what);
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

static int parse_view_args(int argc, char **argv, const struct option *longopts)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 0) {
			pr_err("%s: unknown option; see bpfviews(8)", argv[0]);
			return -EINVAL;
		}
	}
	only_views = argv + optind;
	nonly = argc - optind;
	return 0;
}

static int prepare_root(bool create)
{
	char err[512];
	int rc = bpffs_prepare_root(opts.root, create, err, sizeof(err));

	if (rc && rc != -ENOENT)
		pr_err("%s", err);
	return rc;
}

int do_apply(int argc, char **argv)
{
	int dry_run = 0;
	const struct option longopts[] = { { "dry-run", no_argument, &dry_run, 1 }, { 0 } };
	struct session s = { 0 };
	int rc, lock = -1, failed = 0;

	if (parse_view_args(argc, argv, longopts))
		return EXIT_USAGE;
	rc = session_open(&s);
	if (rc) {
		pr_err("manifest has errors; nothing applied");
		goto out;
	}
	rc = EXIT_VIEW;
	if (prepare_root(!dry_run)) {
		if (!dry_run)
			goto out;
	} else if (!dry_run && (lock = bpffs_lock(opts.root, true)) < 0) {
		pr_err("cannot lock %s: %s", opts.root, strerror(-lock));
		goto out;
	}
	if (access(opts.root, F_OK) == 0 && session_scan(&s))
		goto out;
	session_load(&s);
	if (session_plan(&s))
		goto out;
	for (int i = 0; i < s.plan.n; i++) {
		if (dry_run)
			print_dry_step(&s.plan.v[i]);
		else if (execute_step(&s, &s.plan.v[i]))
			failed++;
		if (dry_run && (s.plan.v[i].kind == STEP_FAILED || s.plan.v[i].kind == STEP_BLOCKED))
			failed++;
	}
	rc = failed ? EXIT_VIEW : EXIT_OK;
out:
	if (lock >= 0)
		close(lock);
	session_free(&s);
	return rc;
}

/* ---- status ---- */

static void status_json(const struct session *s, const struct step *st, bool first)
{
	char changes[128];

	printf("%s{\"view\":", first ? "" : ",");
	json_string(stdout, st->name);
	printf(",\"state\":\"%s\"", step_state_name(st->kind));
	if (st->changes) {
		printf(",\"changed\":");
		json_string(stdout, change_names(st->changes, changes, sizeof(changes)));
	}
	if (st->pin >= 0 && s->pins.v[st->pin].what) {
		printf(",\"what\":");
		json_string(stdout, s->pins.v[st->pin].what);
	}
	if (st->want >= 0 && s->errors[st->want]) {
		printf(",\"error\":");
		json_string(stdout, s->errors[st->want]);
	}
	printf("}");
}

static void status_line(const struct session *s, const struct step *st)
{
	char changes[128];
	const char *detail = "";

	if (st->changes)
		detail = change_names(st->changes, changes, sizeof(changes));
	else if (st->pin >= 0 && s->pins.v[st->pin].what)
		detail = s->pins.v[st->pin].what;
	else if (st->want >= 0 && s->errors[st->want])
		detail = s->errors[st->want];
	printf("%-24s %-8s %s\n", st->name, step_state_name(st->kind), detail);
}

static bool in_sync(enum step_kind kind)
{
	return kind == STEP_KEEP || kind == STEP_FOREIGN;
}

int do_status(int argc, char **argv)
{
	const struct option longopts[] = { { 0 } };
	struct session s = { 0 };
	int rc, bad = 0;

	if (parse_view_args(argc, argv, longopts))
		return EXIT_USAGE;
	rc = session_open(&s);
	if (rc)
		goto out;
	rc = EXIT_VIEW;
	if (!prepare_root(false) && session_scan(&s))
		goto out;
	session_load(&s);
	if (session_plan(&s))
		goto out;
	if (opts.json)
		printf("[");
	else
		printf("%-24s %-8s %s\n", "VIEW", "STATE", "DETAIL");
	for (int i = 0; i < s.plan.n; i++) {
		if (opts.json)
			status_json(&s, &s.plan.v[i], i == 0);
		else
			status_line(&s, &s.plan.v[i]);
		bad += !in_sync(s.plan.v[i].kind);
	}
	if (opts.json)
		printf("]\n");
	rc = bad ? EXIT_VIEW : EXIT_OK;
out:
	session_free(&s);
	return rc;
}

/* ---- check ---- */

int do_check(int argc, char **argv)
{
	const struct option longopts[] = { { 0 } };
	struct session s = { 0 };
	int rc, failed = 0;

	if (parse_view_args(argc, argv, longopts))
		return EXIT_USAGE;
	rc = session_open(&s);
	if (rc)
		goto out;
	session_load(&s);
	for (int i = 0; i < s.m.nviews; i++) {
		if (!is_selected(s.m.views[i].name))
			continue;
		if (s.wants[i].failed)
			failed++;
		else
			printf("ok %s\n", s.m.views[i].name);
	}
	rc = failed ? EXIT_VIEW : EXIT_OK;
out:
	session_free(&s);
	return rc;
}

/* ---- remove ---- */

static int remove_pin(const struct pin *p)
{
	int rc;

	if (p->kind == PIN_FOREIGN) {
		pr_err("%s/%s is not managed by bpfviews (%s); not removed", opts.root, p->name, p->what);
		return -EPERM;
	}
	rc = bpffs_unpin(opts.root, p->name);
	if (rc)
		pr_err("cannot remove %s/%s: %s", opts.root, p->name, strerror(-rc));
	else
		printf("removed %s\n", p->name);
	return rc;
}

int do_remove(int argc, char **argv)
{
	int all = 0;
	const struct option longopts[] = { { "all", no_argument, &all, 1 }, { 0 } };
	struct pins pins = { 0 };
	int rc, lock, failed = 0;

	if (parse_view_args(argc, argv, longopts))
		return EXIT_USAGE;
	if (!all == !nonly) {
		pr_err("remove: name views to remove, or --all");
		return EXIT_USAGE;
	}
	rc = prepare_root(false);
	if (rc)
		return rc == -ENOENT && all ? EXIT_OK : EXIT_VIEW;
	lock = bpffs_lock(opts.root, true);
	if (lock < 0 || bpffs_scan(opts.root, &pins)) {
		pr_err("cannot read %s", opts.root);
		failed = 1;
		goto out;
	}
	for (int i = 0; i < nonly; i++) {
		const struct pin *p = pins_find(&pins, only_views[i]);

		if (!p) {
			pr_err("no view %s under %s", only_views[i], opts.root);
			failed++;
		} else {
			failed += remove_pin(p) != 0;
		}
	}
	for (int i = 0; all && i < pins.n; i++)
		if (pins.v[i].kind != PIN_FOREIGN)
			failed += remove_pin(&pins.v[i]) != 0;
out:
	pins_free(&pins);
	if (lock >= 0)
		close(lock);
	return failed ? EXIT_VIEW : EXIT_OK;
}
