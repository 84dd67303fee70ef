/* The loader: a view's configuration -> an opened, parameterised, loaded
 * program -> an iterator link. */
#ifndef BPFVIEWS_LOADER_H
#define BPFVIEWS_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"
#include "viewstate.h"

struct bpf_object;
struct bpf_program;
struct bpf_link;

struct view_prog {
	struct bpf_object *obj;
	void *obj_bytes;		/* a custom object's bytes, as read and checked */
	struct bpf_program *prog;
	const char *target;		/* iterator target, e.g. "task_file" */
	char target_name[32];		/* the target once the object is released */
	struct data_ranges ranges;	/* parameters in writable sections */
	struct link_params link;	/* resolved from the view's link keys */
	int cgroup_fd;			/* where a cgroup walk starts, or -1 */
	int map_fd;			/* the map a map iterator walks, or -1 */
	bool manifest_error;		/* the failure is the manifest's, not the kernel's */
	bool chunk_walk;		/* a built-in's walk in chunks (pick_walk()) */
	__u64 stamp;			/* a built-in's digest of all it is built from (0: custom) */
};

/* Opens the view's object (built-in or file), picks its program and sets its
 * parameters. Errors name FILE:LINE and the view. */
int view_prog_open(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen);
/* The state of the program pinned as the view, if it carries the same stamp:
 * then nothing needs loading to know the view is unchanged. */
bool view_prog_matches(const struct view_prog *vp, const struct view_state *pinned);
/* Loads into the kernel (the verifier runs here). */
int view_prog_load(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen);
/* The state the loaded view will have once linked (pins are not involved). */
int view_prog_state(const struct view_prog *vp, struct view_state *st);
/* Creates the iterator link, with the view's link parameters. NULL + errno. */
struct bpf_link *view_prog_attach(const struct view_conf *v, const struct view_prog *vp,
				  char *err, size_t errlen);
/* Empty: nothing opened, no descriptor (what view_prog_close() leaves). */
void view_prog_reset(struct view_prog *vp);
void view_prog_close(struct view_prog *vp);
/* Frees the object and closes its descriptors, keeping what identifies the
 * view (stamp, target, link and data ranges) for view_prog_matches(): a
 * session holds thousands of views, and opens one again to load it. */
void view_prog_release(struct view_prog *vp);

/* libbpf's messages: debug ones at -vv, warnings at -v. */
void loader_setup_logging(void);

#endif
