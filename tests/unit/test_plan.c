#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "plan.h"

/* The desired and actual state of one test. Every want and pin starts in sync
 * with BASE (same program, parameters, link, mode 0400 root:root); a test then
 * changes the one thing it is about. */
static const struct view_state base = {
	.target = "task",
	.prog_name = "dump_task",
	.tag = { 1, 2, 3, 4, 5, 6, 7, 8 },
	.data_digest = 0x1234,
};

#define MAX 8
static struct want wants[MAX];
static int nwants;
static struct pin pins[MAX];
static struct view_state pin_states[MAX];
static int npins;
static struct plan plan;

static int setup(void **state)
{
	(void)state;
	memset(wants, 0, sizeof(wants));
	memset(pins, 0, sizeof(pins));
	memset(pin_states, 0, sizeof(pin_states));
	nwants = npins = 0;
	plan = (struct plan){ 0 };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	plan_free(&plan);
	return 0;
}

static struct want *want(const char *name)
{
	struct want *w = &wants[nwants++];

	assert_true(nwants <= MAX);
	*w = (struct want){ .name = name, .state = base, .mode = 0400 };
	return w;
}

/* A pin of KIND; for a view or staging pin, its state is in pin_states. */
static struct pin *pin(const char *name, enum pin_kind kind)
{
	struct pin *p = &pins[npins];

	assert_true(npins < MAX);
	*p = (struct pin){ .name = (char *)name, .kind = kind, .mode = 0400 };
	pin_states[npins++] = base;
	return p;
}

static struct view_state *state_of(const struct pin *p)
{
	return &pin_states[p - pins];
}

/* Plans everything, or only the NONLY names that follow. */
static void run(int nonly, ...)
{
	char *only[MAX];
	va_list ap;

	va_start(ap, nonly);
	for (int i = 0; i < nonly; i++)
		only[i] = va_arg(ap, char *);
	va_end(ap);
	assert_int_equal(plan_views(wants, nwants, pins, pin_states, npins, only, nonly, &plan), 0);
}

static void assert_step(int i, enum step_kind kind, const char *name, unsigned changes, int want_index,
			int pin_index)
{
	assert_true(i < plan.n);
	assert_int_equal(plan.v[i].kind, kind);
	assert_string_equal(plan.v[i].name, name);
	assert_int_equal(plan.v[i].changes, changes);
	assert_int_equal(plan.v[i].want, want_index);
	assert_int_equal(plan.v[i].pin, pin_index);
}

/* Plans one wanted view against its pin and checks the single step. */
static void assert_one(enum step_kind kind, unsigned changes)
{
	run(0);
	assert_int_equal(plan.n, 1);
	assert_step(0, kind, "tasks", changes, 0, 0);
}

/* ---- a wanted view ---- */

static void test_empty(void **state)
{
	(void)state;

	run(0);
	assert_int_equal(plan.n, 0);
	assert_non_null(plan.v);
}

static void test_missing_is_created(void **state)
{
	(void)state;

	want("tasks");
	pin("other", PIN_FOREIGN);
	run(0);
	assert_int_equal(plan.n, 2);
	assert_step(0, STEP_CREATE, "tasks", 0, 0, -1);
	assert_step(1, STEP_FOREIGN, "other", 0, -1, 0);
}

static void test_identical_is_kept(void **state)
{
	(void)state;

	want("tasks");
	pin("tasks", PIN_VIEW);
	assert_one(STEP_KEEP, 0);
}

static void test_program_target_changed(void **state)
{
	(void)state;

	want("tasks");
	strcpy(state_of(pin("tasks", PIN_VIEW))->target, "task_file");
	assert_one(STEP_REPLACE, CHANGE_PROGRAM);
}

static void test_program_name_changed(void **state)
{
	(void)state;

	strcpy(want("tasks")->state.prog_name, "dump_threads");
	pin("tasks", PIN_VIEW);
	assert_one(STEP_REPLACE, CHANGE_PROGRAM);
}

static void test_program_tag_changed(void **state)
{
	(void)state;

	want("tasks");
	state_of(pin("tasks", PIN_VIEW))->tag[7] = 9;
	assert_one(STEP_REPLACE, CHANGE_PROGRAM);
}

static void test_params_changed(void **state)
{
	(void)state;

	want("tasks")->state.data_digest = 0x4321;
	pin("tasks", PIN_VIEW);
	assert_one(STEP_REPLACE, CHANGE_PARAMS);
}

static void test_link_pid_changed(void **state)
{
	(void)state;

	want("tasks")->state.link.pid = 42;
	pin("tasks", PIN_VIEW);
	assert_one(STEP_REPLACE, CHANGE_LINK);
}

static void test_link_tid_changed(void **state)
{
	(void)state;

	want("tasks");
	state_of(pin("tasks", PIN_VIEW))->link.tid = 7;
	assert_one(STEP_REPLACE, CHANGE_LINK);
}

static void test_link_cgroup_changed(void **state)
{
	(void)state;

	want("tasks")->state.link.cgroup_id = 1;
	state_of(pin("tasks", PIN_VIEW))->link.cgroup_id = 4242;
	assert_one(STEP_REPLACE, CHANGE_LINK);
}

static void test_link_order_and_map_changed(void **state)
{
	(void)state;

	want("cgroups")->state.link.order = 2;
	want("dump")->state.link.map_id = 9;
	pin("cgroups", PIN_VIEW);
	pin("dump", PIN_VIEW);
	run(0);
	assert_int_equal(plan.n, 2);
	assert_step(0, STEP_REPLACE, "cgroups", CHANGE_LINK, 0, 0);
	assert_step(1, STEP_REPLACE, "dump", CHANGE_LINK, 1, 1);
}

static void test_empty_dir_of_a_wanted_view_is_not_foreign(void **state)
{
	struct pin *d;

	(void)state;
	want("net/tcp");
	d = pin("net", PIN_FOREIGN);
	d->is_dir = true;
	d->what = "directory";
	pin("other", PIN_FOREIGN)->is_dir = true;
	run(0);
	assert_int_equal(plan.n, 2);
	assert_step(0, STEP_CREATE, "net/tcp", 0, 0, -1);
	assert_step(1, STEP_FOREIGN, "other", 0, -1, 1);
}

/* A directory bpfviews does not trust (someone else's) blocks every view
 * that would be pinned in it, and stays foreign itself. */
static void test_refused_dir_blocks_the_views_in_it(void **state)
{
	struct pin *d;

	(void)state;
	want("web/tasks");
	want("web/deep/files");
	want("webx");
	d = pin("web", PIN_FOREIGN);
	d->is_dir = d->refused = true;
	d->what = "directory not owned by root";
	run(0);
	assert_int_equal(plan.n, 4);
	assert_step(0, STEP_BLOCKED, "web/tasks", 0, 0, 0);
	assert_step(1, STEP_BLOCKED, "web/deep/files", 0, 1, 0);
	assert_step(2, STEP_CREATE, "webx", 0, 2, -1);
	assert_step(3, STEP_FOREIGN, "web", 0, -1, 0);
}

static void test_mode_only_fixes_attrs(void **state)
{
	(void)state;

	want("tasks")->mode = 0444;
	pin("tasks", PIN_VIEW);
	assert_one(STEP_FIX_ATTRS, CHANGE_MODE);
}

static void test_uid_only_fixes_attrs(void **state)
{
	(void)state;

	want("tasks");
	pin("tasks", PIN_VIEW)->uid = 1000;
	assert_one(STEP_FIX_ATTRS, CHANGE_OWNER);
}

static void test_gid_only_fixes_attrs(void **state)
{
	(void)state;

	want("tasks")->gid = 4;
	pin("tasks", PIN_VIEW);
	assert_one(STEP_FIX_ATTRS, CHANGE_OWNER);
}

static void test_mode_and_owner_fix_attrs(void **state)
{
	struct want *w;
	(void)state;

	w = want("tasks");
	w->mode = 0440;
	w->gid = 4;
	pin("tasks", PIN_VIEW);
	assert_one(STEP_FIX_ATTRS, CHANGE_MODE | CHANGE_OWNER);
}

/* Any change that needs a new link makes a replace, which also sets the
 * attributes: the step carries every bit, so the report names them all. */
static void test_all_changes_replace(void **state)
{
	struct want *w;
	struct pin *p;
	(void)state;

	w = want("tasks");
	w->state.data_digest = 1;
	w->state.link.pid = 42;
	w->mode = 0444;
	p = pin("tasks", PIN_VIEW);
	p->uid = 1;
	strcpy(state_of(p)->prog_name, "old");
	assert_one(STEP_REPLACE, CHANGE_PROGRAM | CHANGE_PARAMS | CHANGE_LINK | CHANGE_MODE | CHANGE_OWNER);
}

static void test_params_and_mode_replace(void **state)
{
	struct want *w;
	(void)state;

	w = want("tasks");
	w->state.data_digest = 1;
	w->mode = 0444;
	pin("tasks", PIN_VIEW);
	assert_one(STEP_REPLACE, CHANGE_PARAMS | CHANGE_MODE);
}

static void test_view_changes(void **state)
{
	struct want w = { .name = "tasks", .state = base, .mode = 0400 };
	struct pin p = { .name = "tasks", .kind = PIN_VIEW, .mode = 0400 };
	struct view_state st = base;
	(void)state;

	assert_int_equal(view_changes(&w, &p, &st), 0);
	st.link.tid = 1;
	p.gid = 1;
	assert_int_equal(view_changes(&w, &p, &st), CHANGE_LINK | CHANGE_OWNER);
	w.state.link.tid = 1;
	assert_int_equal(view_changes(&w, &p, &st), CHANGE_OWNER);
}

static void test_failed_keeps_pin(void **state)
{
	(void)state;

	want("other");
	want("tasks")->failed = true;
	strcpy(state_of(pin("tasks", PIN_VIEW))->prog_name, "old");
	run(0);
	assert_int_equal(plan.n, 2);
	assert_step(0, STEP_CREATE, "other", 0, 0, -1);
	assert_step(1, STEP_FAILED, "tasks", 0, 1, 0);
}

static void test_failed_without_pin(void **state)
{
	(void)state;

	want("tasks")->failed = true;
	run(0);
	assert_int_equal(plan.n, 1);
	assert_step(0, STEP_FAILED, "tasks", 0, 0, -1);
}

static void test_blocked_by_foreign_pin(void **state)
{
	(void)state;

	want("tasks");
	pin("tasks", PIN_FOREIGN)->what = "map";
	/* reported once, as blocking the view, not also as foreign */
	assert_one(STEP_BLOCKED, 0);
}

static void test_failed_and_blocked_is_blocked(void **state)
{
	(void)state;

	want("tasks")->failed = true;
	pin("tasks", PIN_FOREIGN);
	assert_one(STEP_BLOCKED, 0);
}

/* ---- what is pinned and not wanted ---- */

static void test_orphan_is_removed(void **state)
{
	(void)state;

	pin("old", PIN_VIEW);
	run(0);
	assert_int_equal(plan.n, 1);
	assert_step(0, STEP_REMOVE, "old", 0, -1, 0);
}

static void test_staging_is_cleaned(void **state)
{
	(void)state;

	want("tasks");
	pin("tasks", PIN_VIEW);
	pin("tasks" STAGING_SUFFIX, PIN_STAGING);
	run(0);
	assert_int_equal(plan.n, 2);
	assert_step(0, STEP_KEEP, "tasks", 0, 0, 0);
	assert_step(1, STEP_CLEAN, "tasks~staging", 0, -1, 1);
}

static void test_foreign_is_reported(void **state)
{
	(void)state;

	pin("pinned_map", PIN_FOREIGN)->what = "map";
	run(0);
	assert_int_equal(plan.n, 1);
	assert_step(0, STEP_FOREIGN, "pinned_map", 0, -1, 0);
}

/* Wants come first in manifest order, then the unwanted pins in scan order. */
static void test_order(void **state)
{
	(void)state;

	pin("zz-orphan", PIN_VIEW);
	pin("net/tcp", PIN_VIEW);
	pin("a-map", PIN_FOREIGN);
	pin("b~staging", PIN_STAGING);
	want("tasks");
	want("net/tcp")->mode = 0444;
	run(0);
	assert_int_equal(plan.n, 5);
	assert_step(0, STEP_CREATE, "tasks", 0, 0, -1);
	assert_step(1, STEP_FIX_ATTRS, "net/tcp", CHANGE_MODE, 1, 1);
	assert_step(2, STEP_REMOVE, "zz-orphan", 0, -1, 0);
	assert_step(3, STEP_FOREIGN, "a-map", 0, -1, 2);
	assert_step(4, STEP_CLEAN, "b~staging", 0, -1, 3);
}

/* ---- a selection of views ---- */

static void test_only_restricts_wants_and_pins(void **state)
{
	(void)state;

	want("tasks");
	want("stacks")->state.data_digest = 1;	/* changed, but not selected */
	want("files");
	pin("stacks", PIN_VIEW);
	pin("old", PIN_VIEW);
	pin("older", PIN_VIEW);
	pin("files", PIN_VIEW);
	run(2, "tasks", "old");
	assert_int_equal(plan.n, 2);
	assert_step(0, STEP_CREATE, "tasks", 0, 0, -1);
	assert_step(1, STEP_REMOVE, "old", 0, -1, 1);
}

static void test_only_unknown_name(void **state)
{
	(void)state;

	want("tasks");
	pin("old", PIN_VIEW);
	run(1, "nothing");
	assert_int_equal(plan.n, 0);
}

static void test_only_selects_exact_names(void **state)
{
	(void)state;

	want("net/tcp");
	want("net/tcp6");
	pin("net", PIN_FOREIGN);
	run(1, "net/tcp");
	assert_int_equal(plan.n, 1);
	assert_step(0, STEP_CREATE, "net/tcp", 0, 0, -1);
}

/* A staging pin belongs to the view whose name it carries. */
static void test_only_selects_staging_of_view(void **state)
{
	(void)state;

	want("tasks");
	pin("tasks", PIN_VIEW);
	pin("tasks" STAGING_SUFFIX, PIN_STAGING);
	pin("net/tcp" STAGING_SUFFIX, PIN_STAGING);
	pin("tasksx" STAGING_SUFFIX, PIN_STAGING);
	pin("task" STAGING_SUFFIX, PIN_STAGING);
	pin("stacks" STAGING_SUFFIX, PIN_STAGING);
	run(2, "tasks", "net/tcp");
	assert_int_equal(plan.n, 3);
	assert_step(0, STEP_KEEP, "tasks", 0, 0, 0);
	assert_step(1, STEP_CLEAN, "tasks~staging", 0, -1, 1);
	assert_step(2, STEP_CLEAN, "net/tcp~staging", 0, -1, 2);
}

/* The suffix only makes a staging pin of a link bpffs scanned as one. */
static void test_only_suffix_on_foreign_pin(void **state)
{
	(void)state;

	pin("tasks" STAGING_SUFFIX, PIN_FOREIGN);
	run(1, "tasks");
	assert_int_equal(plan.n, 0);
	plan_free(&plan);
	run(1, "tasks~staging");
	assert_int_equal(plan.n, 1);
	assert_step(0, STEP_FOREIGN, "tasks~staging", 0, -1, 0);
}

/* ---- names for reports ---- */

static void test_change_names(void **state)
{
	char buf[128];
	(void)state;

	assert_string_equal(change_names(0, buf, sizeof(buf)), "");
	assert_string_equal(change_names(CHANGE_PROGRAM, buf, sizeof(buf)), "program");
	assert_string_equal(change_names(CHANGE_PARAMS, buf, sizeof(buf)), "parameters");
	assert_string_equal(change_names(CHANGE_LINK, buf, sizeof(buf)), "link parameters");
	assert_string_equal(change_names(CHANGE_MODE, buf, sizeof(buf)), "mode");
	assert_string_equal(change_names(CHANGE_OWNER, buf, sizeof(buf)), "owner");
	assert_string_equal(change_names(CHANGE_PARAMS | CHANGE_OWNER, buf, sizeof(buf)), "parameters, owner");
	assert_string_equal(change_names(CHANGE_PROGRAM | CHANGE_PARAMS | CHANGE_LINK | CHANGE_MODE | CHANGE_OWNER,
					 buf, sizeof(buf)),
			    "program, parameters, link parameters, mode, owner");
	assert_ptr_equal(change_names(CHANGE_MODE, buf, sizeof(buf)), buf);
}

static void test_change_names_truncates(void **state)
{
	char buf[32];
	(void)state;

	memset(buf, 'X', sizeof(buf));
	change_names(CHANGE_PROGRAM | CHANGE_PARAMS | CHANGE_OWNER, buf, 10);
	assert_string_equal(buf, "program, ");
	for (size_t i = 10; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'X');
}

static void test_step_state_name(void **state)
{
	(void)state;

	assert_string_equal(step_state_name(STEP_KEEP), "in-sync");
	assert_string_equal(step_state_name(STEP_CREATE), "missing");
	assert_string_equal(step_state_name(STEP_REPLACE), "changed");
	assert_string_equal(step_state_name(STEP_FIX_ATTRS), "changed");
	assert_string_equal(step_state_name(STEP_REMOVE), "orphan");
	assert_string_equal(step_state_name(STEP_CLEAN), "staging");
	assert_string_equal(step_state_name(STEP_FOREIGN), "foreign");
	assert_string_equal(step_state_name(STEP_BLOCKED), "blocked");
	assert_string_equal(step_state_name(STEP_FAILED), "failed");
}

static void test_plan_free(void **state)
{
	(void)state;

	want("tasks");
	run(0);
	assert_int_equal(plan.n, 1);
	plan_free(&plan);
	assert_null(plan.v);
	assert_int_equal(plan.n, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty),
		T(test_missing_is_created),
		T(test_identical_is_kept),
		T(test_program_target_changed),
		T(test_program_name_changed),
		T(test_program_tag_changed),
		T(test_params_changed),
		T(test_link_pid_changed),
		T(test_link_tid_changed),
		T(test_link_cgroup_changed),
		T(test_empty_dir_of_a_wanted_view_is_not_foreign),
		T(test_refused_dir_blocks_the_views_in_it),
		T(test_link_order_and_map_changed),
		T(test_mode_only_fixes_attrs),
		T(test_uid_only_fixes_attrs),
		T(test_gid_only_fixes_attrs),
		T(test_mode_and_owner_fix_attrs),
		T(test_all_changes_replace),
		T(test_params_and_mode_replace),
		T(test_view_changes),
		T(test_failed_keeps_pin),
		T(test_failed_without_pin),
		T(test_blocked_by_foreign_pin),
		T(test_failed_and_blocked_is_blocked),
		T(test_orphan_is_removed),
		T(test_staging_is_cleaned),
		T(test_foreign_is_reported),
		T(test_order),
		T(test_only_restricts_wants_and_pins),
		T(test_only_unknown_name),
		T(test_only_selects_exact_names),
		T(test_only_selects_staging_of_view),
		T(test_only_suffix_on_foreign_pin),
		T(test_change_names),
		T(test_change_names_truncates),
		T(test_step_state_name),
		T(test_plan_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
