/* The planner: from the views the manifest wants and the pins the root has,
 * to the steps that make the root match. Pure: no syscalls, so unit tests
 * cover every case. */
#ifndef BPFVIEWS_PLAN_H
#define BPFVIEWS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bpffs.h"
#include "viewstate.h"

struct want {
	const char *name;
	bool failed;		/* could not be loaded: keep whatever is pinned */
	struct view_state state;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

enum step_kind {
	STEP_KEEP,		/* in sync */
	STEP_CREATE,		/* missing */
	STEP_REPLACE,		/* changed program, parameters or link parameters */
	STEP_FIX_ATTRS,		/* only mode or owner changed: no new link */
	STEP_REMOVE,		/* orphan: an iterator link no view wants */
	STEP_CLEAN,		/* staging pin left by an interrupted apply */
	STEP_FOREIGN,		/* not ours: reported, left alone */
	STEP_BLOCKED,		/* a view's path is taken by something not ours */
	STEP_FAILED,		/* the view could not be loaded: old pin kept */
};

enum change {
	CHANGE_PROGRAM = 1 << 0,
	CHANGE_PARAMS = 1 << 1,
	CHANGE_LINK = 1 << 2,
	CHANGE_MODE = 1 << 3,
	CHANGE_OWNER = 1 << 4,
};

struct step {
	enum step_kind kind;
	const char *name;
	unsigned changes;	/* enum change bits, for REPLACE and FIX_ATTRS */
	int want;		/* index into wants, or -1 */
	int pin;		/* index into pins, or -1 */
};

struct plan {
	struct step *v;
	int n;
};

/* PIN_STATES[i] is the state of pins[i] when it is a view. When ONLY is
 * non-empty, just the names in it are planned. */
int plan_views(const struct want *wants, int nwants, const struct pin *pins,
	       const struct view_state *pin_states, int npins, char *const *only, int nonly,
	       struct plan *plan);
void plan_free(struct plan *plan);
/* The step plan_views() gives wants[WI] (W): apply takes the views' steps
 * a few at a time, as they load. */
struct step plan_want(const struct want *w, int wi, const struct pin *pins,
		      const struct view_state *states, int npins);

unsigned view_changes(const struct want *w, const struct pin *p, const struct view_state *st);
/* "program, parameters" */
const char *change_names(unsigned changes, char *buf, size_t len);
const char *step_state_name(enum step_kind kind);

#endif
