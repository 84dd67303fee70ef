#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>

#include "commands.h"
#include "log.h"
#include "session.h"

#define MAX_LOADERS 8
#define MIN_NOFILE 32

int session_args(struct session *s, int argc, char **argv, const struct option *longopts)
{
	argc = cli_options(argc, argv, longopts);
	if (argc < 0)
		return -EINVAL;
	s->only = (struct selection){ .names = argv + 1, .n = argc - 1 };
	return 0;
}

bool session_selected(const struct session *s, const char *name)
{
	for (int i = 0; i < s->only.n; i++)
		if (!strcmp(s->only.names[i], name))
			return true;
	return !s->only.n;
}

static int check_selection(const struct session *s)
{
	int rc = 0;

	for (int i = 0; i < s->only.n; i++) {
		if (manifest_find(&s->m, s->only.names[i]))
			continue;
		pr_err("view '%s' is not in the manifest (bpfviews cat-config lists it)", s->only.names[i]);
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
	if (view_prog_open(v, vp, err, sizeof(err))) {
		s->manifest_errors += vp->manifest_error;
		view_failed(s, i, err);
	}
	/* an opened object is some 200 KB: loading opens it again */
	view_prog_release(vp);
}

int session_open(struct session *s)
{
	int rc = manifest_load(&s->m, opts.conf, opts.nconf);

	s->progs = calloc(s->m.nviews + 1, sizeof(*s->progs));
	s->wants = calloc(s->m.nviews + 1, sizeof(*s->wants));
	s->errors = calloc(s->m.nviews + 1, sizeof(*s->errors));
	for (int i = 0; s->progs && i < s->m.nviews; i++)
		view_prog_reset(&s->progs[i]);	/* closing an unopened slot closes nothing */
	if (!s->progs || !s->wants || !s->errors) {
		pr_err("out of memory");
		return EXIT_USAGE;
	}
	if (rc || check_selection(s))
		return EXIT_USAGE;
	for (int i = 0; i < s->m.nviews; i++)
		if (session_selected(s, s->m.views[i].name))
			open_view(s, i);
		else
			s->wants[i] = (struct want){ .name = s->m.views[i].name, .failed = true };
	return s->manifest_errors ? EXIT_USAGE : EXIT_OK;
}

/* A load's failure when its message cannot be copied: the view still fails. */
static char out_of_memory[] = "out of memory";

/* The state of the view's pin when it carries the view's stamp: then that
 * is the view, built from the same bytes, and nothing needs loading. */
static const struct view_state *stamped_pin(const struct session *s, int i)
{
	const struct pin *p = pins_find(&s->pins, s->m.views[i].name);
	const struct view_state *st = p && p->kind == PIN_VIEW ? &s->pin_states[p - s->pins.v] : NULL;

	return st && view_prog_matches(&s->progs[i], st) ? st : NULL;
}

/* Loads view I unless its pin already matches: opens it again (session_open
 * released it) and the verifier runs. Failures land in LOAD_ERRORS,
 * reported in manifest order afterwards. */
static void load_view(struct session *s, int i, char **load_errors)
{
	const struct view_conf *v = &s->m.views[i];
	struct view_prog *vp = &s->progs[i];
	const struct view_state *pinned;
	char err[1024];

	if (s->wants[i].failed)
		return;
	pinned = s->pin_states ? stamped_pin(s, i) : NULL;
	if (pinned)
		s->wants[i].state = *pinned;
	else if (view_prog_open(v, vp, err, sizeof(err)) || view_prog_load(v, vp, err, sizeof(err)))
		load_errors[i] = strdup(err) ?: out_of_memory;
	else
		view_prog_state(vp, &s->wants[i].state);
}

struct load_queue {
	struct session *s;
	char **load_errors;
	pthread_mutex_t lock;
	int next, end;
};

static void *load_worker(void *arg)
{
	struct load_queue *q = arg;
	int i;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		i = q->next++;
		pthread_mutex_unlock(&q->lock);
		if (i >= q->end)
			break;
		if (!q->s->m.views[i].object)
			load_view(q->s, i, q->load_errors);
	}
	return NULL;
}

/* Views loaded and not yet released: each holds its program, maps and BTF
 * (a few descriptors, some 300 KB) until the batch is done, so a batch
 * stays well inside the descriptor limit and memory does not grow with
 * the number of views. */
static int batch_size(rlim_t nofile)
{
	return nofile < 40 ? 1 : nofile < 32 + 8 * 64 ? (nofile - 32) / 8 : 64;
}

/* Under a few dozen descriptors libbpf's feature probes fail with EMFILE,
 * and it then makes programs the verifier refuses: say so instead. */
static void too_few_descriptors(struct session *s, rlim_t nofile)
{
	char err[1024];

	for (int i = 0; i < s->m.nviews; i++) {
		const struct view_conf *v = &s->m.views[i];

		if (s->wants[i].failed)
			continue;
		snprintf(err, sizeof(err), "%s:%d: [%s] not loaded: the descriptor limit (ulimit -n) is %llu, "
			 "loading needs %d", v->file, v->line, v->name, (unsigned long long)nofile, MIN_NOFILE);
		view_failed(s, i, err);
	}
}

/* Loads views [Q->next, Q->end): built-ins on every CPU, then custom
 * objects here, once no other thread runs. Those are loaded first in a
 * forked child (objcheck.c), and a child forked beside other threads
 * could inherit a lock one of them held. */
static void load_batch(struct load_queue *q, int n)
{
	pthread_t threads[MAX_LOADERS];
	int started = 0, from = q->next;

	while (started < n && !pthread_create(&threads[started], NULL, load_worker, q))
		started++;
	if (!started)
		load_worker(q);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	for (int i = from; i < q->end; i++)
		if (q->s->m.views[i].object)
			load_view(q->s, i, q->load_errors);
}

/* Loading is most of a cold apply (reading vmlinux BTF and verifying), so
 * the views load on every CPU, a batch at a time. */
void session_load(struct session *s, session_batch_fn done, void *arg)
{
	struct load_queue q = { .s = s, .lock = PTHREAD_MUTEX_INITIALIZER };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus < 1 ? 1 : cpus > MAX_LOADERS ? MAX_LOADERS : cpus, batch;
	struct rlimit rl = { .rlim_cur = RLIM_INFINITY };

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < MIN_NOFILE)
		too_few_descriptors(s, rl.rlim_cur);
	batch = batch_size(rl.rlim_cur);
	q.load_errors = calloc(s->m.nviews + 1, sizeof(*q.load_errors));
	if (!q.load_errors) {
		for (int i = 0; i < s->m.nviews; i++)
			if (!s->wants[i].failed)
				view_failed(s, i, "out of memory");
		if (done)
			done(s, 0, s->m.nviews, arg);
		return;
	}
	for (int from = 0; from < s->m.nviews; from = q.end) {
		q.next = from;
		q.end = from + batch < s->m.nviews ? from + batch : s->m.nviews;
		load_batch(&q, n);
		for (int i = from; i < q.end; i++)
			if (q.load_errors[i])
				view_failed(s, i, q.load_errors[i]);
		if (done)
			done(s, from, q.end, arg);
		for (int i = from; i < q.end; i++)
			view_prog_release(&s->progs[i]);
	}
	for (int i = 0; i < s->m.nviews; i++)
		if (q.load_errors[i] != out_of_memory)
			free(q.load_errors[i]);
	free(q.load_errors);
}

static const struct data_ranges *ranges_for(const struct session *s, const char *name)
{
	for (int i = 0; i < s->m.nviews; i++)
		if (!strcmp(s->m.views[i].name, name))
			return &s->progs[i].ranges;
	return NULL;
}

int session_scan(struct session *s)
{
	int rc = s->root.path ? bpffs_scan(&s->root, &s->pins) : 0;

	if (rc) {
		pr_err("cannot read %s: %s", opts.root, strerror(-rc));
		return rc;
	}
	s->pin_states = calloc(s->pins.n + 1, sizeof(*s->pin_states));
	if (!s->pin_states) {
		pr_err("cannot read %s: %s", opts.root, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (int i = 0; i < s->pins.n; i++) {
		const struct pin *p = &s->pins.v[i];
		int fd = p->kind == PIN_VIEW ? bpf_link_get_fd_by_id(p->link_id) : -1;

		if (fd >= 0) {
			view_state_of_link(fd, ranges_for(s, p->name), &s->pin_states[i]);
			close(fd);
		}
	}
	return 0;
}

/* Only the selected views' wants take part: unselected ones are kept out of
 * the plan so their pins are neither orphans nor touched. */
int session_plan(struct session *s)
{
	return plan_views(s->wants, s->m.nviews, s->pins.v, s->pin_states, s->pins.n,
			  s->only.names, s->only.n, &s->plan);
}

void session_free(struct session *s)
{
	for (int i = 0; s->progs && i < s->m.nviews; i++)
		view_prog_close(&s->progs[i]);
	for (int i = 0; s->errors && i < s->m.nviews; i++)
		free(s->errors[i]);
	free(s->progs);
	free(s->wants);
	free(s->errors);
	free(s->pin_states);
	pins_free(&s->pins);
	bpffs_close_root(&s->root);
	plan_free(&s->plan);
	manifest_free(&s->m);
}

int session_open_root(struct session *s, bool create)
{
	char err[1024];
	int rc = bpffs_open_root(&s->root, opts.root, create, err, sizeof(err));

	if (rc && rc != -ENOENT)
		pr_err("%s", err);
	return rc == -ENOENT && !create ? 0 : rc;
}
