/* status: each view in sync, changed, missing, orphan, foreign or failed. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "json.h"
#include "log.h"
#include "session.h"
#include "textfile.h"

static void status_json(struct json *j, const struct session *s, const struct step *st)
{
	char changes[128];

	json_object_open(j);
	json_field_str(j, "view", st->name);
	json_field_str(j, "state", step_state_name(st->kind));
	if (st->changes)
		json_field_str(j, "changed", change_names(st->changes, changes, sizeof(changes)));
	if (st->pin >= 0)
		json_field_str(j, "what", s->pins.v[st->pin].what);
	if (st->want >= 0)
		json_field_str(j, "error", s->errors[st->want]);
	json_object_close(j);
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

/* Views pinned and none of them this manifest's: most likely applied from
 * another manifest (make run, -C), so say which one was read. */
static void hint_other_manifest(const struct session *s)
{
	int orphans = 0, ours = 0;

	for (int i = 0; i < s->plan.n; i++) {
		orphans += s->plan.v[i].kind == STEP_REMOVE;
		ours += s->plan.v[i].kind != STEP_REMOVE && s->plan.v[i].pin >= 0;
	}
	if (!orphans || ours)
		return;
	fflush(stdout);	/* after the table */
	pr_warn("every view under %s is an orphan of the manifest read (%s%s): "
		"if they were applied from another one, give it with -C DIR",
		opts.root, s->m.nfiles ? s->m.files[0] : "no file", s->m.nfiles > 1 ? ", ..." : "");
}

static bool in_sync(enum step_kind kind)
{
	return kind == STEP_KEEP || kind == STEP_FOREIGN;
}

struct link_rows {
	const struct session *s;
	struct json *j;
	int bad;
};

/* A textfile link: a row of its own, named by its path; one that no view
 * wants (VIEW -1) is an orphan. */
static void link_row(void *arg, int view, const char *path, enum link_state state, const char *detail)
{
	struct link_rows *lr = arg;
	const char *name = view >= 0 ? lr->s->m.views[view].name : NULL;
	const char *state_name = view >= 0 ? link_state_name(state) : "orphan";

	lr->bad += view < 0 || state != LINK_IN_SYNC;
	if (!opts.json) {
		printf("%-24s %-8s %s%s%s%s\n", path, state_name, name ? "link to " : "", name ? name : "",
		       *detail && name ? "; " : "", detail);
		return;
	}
	json_object_open(lr->j);
	json_field_str(lr->j, "textfile", path);
	if (name)
		json_field_str(lr->j, "view", name);
	json_field_str(lr->j, "state", state_name);
	if (*detail)
		json_field_str(lr->j, "detail", detail);
	json_object_close(lr->j);
}

static int link_rows(const struct session *s, struct json *j)
{
	struct link_rows lr = { .s = s, .j = j };
	bool *selected = calloc(s->m.nviews + 1, sizeof(*selected));
	struct textfile_scope sc = { .selected = selected, .pinned = selected, .all = !s->only.n };

	if (!selected)
		return 1;
	for (int i = 0; i < s->m.nviews; i++)
		selected[i] = session_selected(s, s->m.views[i].name);
	textfiles_status(&s->m, opts.root, &sc, link_row, &lr);
	free(selected);
	return lr.bad;
}

int do_status(int argc, char **argv)
{
	const struct option longopts[] = { { 0 } };
	struct session s = { 0 };
	struct json j;
	int rc, bad = 0;

	if (session_args(&s, argc, argv, longopts))
		return EXIT_USAGE;
	rc = session_open(&s);
	if (rc)
		goto out;
	rc = EXIT_VIEW;
	if (session_open_root(&s, false) || session_scan(&s))
		goto out;
	session_load(&s, NULL, NULL);
	if (session_plan(&s))
		goto out;
	if (opts.json) {
		json_begin(&j, stdout);
		json_array_open(&j);
	} else {
		printf("%-24s %-8s %s\n", "VIEW", "STATE", "DETAIL");
	}
	for (int i = 0; i < s.plan.n; i++) {
		if (opts.json)
			status_json(&j, &s, &s.plan.v[i]);
		else
			status_line(&s, &s.plan.v[i]);
		bad += !in_sync(s.plan.v[i].kind);
	}
	bad += link_rows(&s, &j);
	if (opts.json) {
		json_array_close(&j);
		json_end(&j);
	}
	hint_other_manifest(&s);
	rc = bad ? EXIT_VIEW : EXIT_OK;
out:
	session_free(&s);
	return rc;
}
