/* Custom objects are anyone's bytes: libbpf 1.1 trusts their BTF and can
 * crash on a malformed one (a struct member whose type id is past the last
 * type segfaults in bpf_object__load, a typedef naming itself loops there
 * forever). So the opened object's BTF is checked before it is loaded, and
 * whatever libbpf does with a custom object is done first in a child
 * process: a crash or a hang there fails the view, not the run. */
#ifndef BPFVIEWS_OBJCHECK_H
#define BPFVIEWS_OBJCHECK_H

#include <stddef.h>

#include "loader.h"

typedef int (*view_step_fn)(const struct view_conf *v, struct view_prog *vp, char *err, size_t errlen);

/* For a view of a custom object, runs FN (the loader's open or load) in a
 * child process and returns its result: its error and manifest_error when
 * it fails, a message naming the signal when it crashes. Returns 0 at once
 * for built-in programs and inside the child, where FN then does the work.
 * DOING names the step in the message ("opening"). */
int objcheck_first(const struct view_conf *v, struct view_prog *vp, view_step_fn fn,
		   const char *doing, char *err, size_t errlen);

/* Refuses, before it is loaded, an opened object whose BTF refers to types
 * that do not exist or loops (libbpf would crash or hang on it), or with a
 * map that libbpf would pin by name (LIBBPF_PIN_BY_NAME): it would pin it
 * under /sys/fs/bpf, outside the root, at load time, even for check and
 * status. */
int objcheck_object(const struct view_conf *v, struct bpf_object *obj, char *err, size_t errlen);

#endif
