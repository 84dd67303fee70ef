#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

unsigned view_changes(const struct want *w, const struct pin *p, const struct view_state *st)
{
	const struct view_state *ws = &w->state;
	unsigned changes = 0;

	if (strcmp(ws->target, st->target) || strcmp(ws->prog_name, st->prog_name) ||
	    memcmp(ws->tag, st->tag, sizeof(ws->tag)))
		changes |= CHANGE_PROGRAM;
	if (ws->data_digest != st->data_digest)
		changes |= CHANGE_PARAMS;
	if (memcmp(&ws->link, &st->link, sizeof(ws->link)))
		changes |= CHANGE_LINK;
	if (w->mode != p->mode)
		changes |= CHANGE_MODE;
	if (w->uid != p->uid || w->gid != p->gid)
		changes |= CHANGE_OWNER;
	return changes;
}

const char *change_names(unsigned changes, char *buf, size_t len)
{
	static const char *const names[] = { "program", "parameters", "link parameters", "mode", "owner" };
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (changes & (1u << i) && off < len)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", names[i]);
	return buf;
}

const char *step_state_name(enum step_kind kind)
{
	static const char *const names[] = {
		[STEP_KEEP] = "in-sync",	[STEP_CREATE] = "missing",
		[STEP_REPLACE] = "changed",	[STEP_FIX_ATTRS] = "changed",
		[STEP_REMOVE] = "orphan",	[STEP_CLEAN] = "staging",
		[STEP_FOREIGN] = "foreign",	[STEP_BLOCKED] = "blocked",
		[STEP_FAILED] = "failed",
	};

	return names[kind];
}

static bool selected(const char *name, char *const *only, int nonly)
{
	if (!nonly)
		return true;
	for (int i = 0; i < nonly; i++)
		if (!strcmp(only[i], name))
			return true;
	return false;
}

/* A staging pin belongs to the view whose name it carries before the suffix,
 * so "apply tasks" also cleans up "tasks~staging". */
static bool pin_selected(const struct pin *p, char *const *only, int nonly)
{
	size_t len = strlen(p->name), sfx = strlen(STAGING_SUFFIX);

	if (selected(p->name, only, nonly))
		return true;
	if (p->kind != PIN_STAGING || len <= sfx || strcmp(p->name + len - sfx, STAGING_SUFFIX))
		return false;
	for (int i = 0; i < nonly; i++)
		if (strlen(only[i]) == len - sfx && !strncmp(only[i], p->name, len - sfx))
			return true;
	return false;
}

static int find_pin(const struct pin *pins, int npins, const char *name)
{
	for (int i = 0; i < npins; i++)
		if (!strcmp(pins[i].name, name))
			return i;
	return -1;
}

static bool wanted(const struct want *wants, int nwants, const char *name)
{
	for (int i = 0; i < nwants; i++)
		if (!strcmp(wants[i].name, name))
			return true;
	return false;
}

static bool is_below(const char *name, const struct pin *dir)
{
	size_t len = strlen(dir->name);

	return dir->is_dir && !strncmp(name, dir->name, len) && name[len] == '/';
}

/* An empty directory a wanted view will be pinned in is the view's, not
 * foreign; a directory bpfviews refuses to use stays foreign. */
static bool holds_wanted(const struct want *wants, int nwants, const struct pin *p)
{
	for (int i = 0; !p->refused && i < nwants; i++)
		if (is_below(wants[i].name, p))
			return true;
	return false;
}

/* The pin NAME, or the refused directory that NAME would be pinned in. */
static int find_pin_or_refused(const struct pin *pins, int npins, const char *name)
{
	int pi = find_pin(pins, npins, name);

	for (int i = 0; pi < 0 && i < npins; i++)
		if (pins[i].refused && is_below(name, &pins[i]))
			pi = i;
	return pi;
}

static void add(struct plan *plan, struct step s)
{
	plan->v[plan->n++] = s;
}

struct step plan_want(const struct want *w, int wi, const struct pin *pins,
		      const struct view_state *states, int npins)
{
	int pi = find_pin_or_refused(pins, npins, w->name);
	struct step s = { .name = w->name, .want = wi, .pin = pi };

	if (pi >= 0 && pins[pi].kind == PIN_FOREIGN)
		s.kind = STEP_BLOCKED;
	else if (w->failed)
		s.kind = STEP_FAILED;
	else if (pi < 0)
		s.kind = STEP_CREATE;
	else if ((s.changes = view_changes(w, &pins[pi], &states[pi])) &
		 (CHANGE_PROGRAM | CHANGE_PARAMS | CHANGE_LINK))
		s.kind = STEP_REPLACE;
	else
		s.kind = s.changes ? STEP_FIX_ATTRS : STEP_KEEP;
	return s;
}

int plan_views(const struct want *wants, int nwants, const struct pin *pins,
	       const struct view_state *pin_states, int npins, char *const *only, int nonly,
	       struct plan *plan)
{
	plan->n = 0;
	plan->v = calloc(nwants + npins + 1, sizeof(*plan->v));
	if (!plan->v)
		return -ENOMEM;
	for (int i = 0; i < nwants; i++)
		if (selected(wants[i].name, only, nonly))
			add(plan, plan_want(&wants[i], i, pins, pin_states, npins));
	for (int i = 0; i < npins; i++) {
		const struct pin *p = &pins[i];
		struct step s = { .name = p->name, .want = -1, .pin = i };

		if (!pin_selected(p, only, nonly) || wanted(wants, nwants, p->name) ||
		    holds_wanted(wants, nwants, p))
			continue;
		s.kind = p->kind == PIN_VIEW ? STEP_REMOVE : p->kind == PIN_STAGING ? STEP_CLEAN : STEP_FOREIGN;
		add(plan, s);
	}
	return 0;
}

void plan_free(struct plan *plan)
{
	free(plan->v);
	plan->v = NULL;
	plan->n = 0;
}
