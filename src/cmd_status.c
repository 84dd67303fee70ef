/* status: each view in sync, changed, missing, orphan, foreign or failed. */
#include <stdio.h>

#include "commands.h"
#include "json.h"
#include "session.h"

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

static bool in_sync(enum step_kind kind)
{
	return kind == STEP_KEEP || kind == STEP_FOREIGN;
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
	if (opts.json) {
		json_array_close(&j);
		json_end(&j);
	}
	rc = bad ? EXIT_VIEW : EXIT_OK;
out:
	session_free(&s);
	return rc;
}
