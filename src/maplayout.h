/* A map's element layout, flattened from its BTF, for programs that print
 * map elements (bpf/map_dump.bpf.c). */
#ifndef BPFVIEWS_MAPLAYOUT_H
#define BPFVIEWS_MAPLAYOUT_H

#include <stddef.h>

#include "map_dump.h"

struct btf;
struct bpf_object;

/* Flattens KEY_TYPE and VALUE_TYPE of BTF (either may be 0: no BTF) into
 * printable fields. Returns 0, or -E2BIG with the reason in err. */
int map_layout_build(const struct btf *btf, __u32 key_type, __u32 value_type, __u32 key_size,
		     __u32 value_size, struct map_layout *l, char *err, size_t errlen);

/* If the object's program prints map elements (it has a static map_layout),
 * fills it in from the map's BTF. Returns 0 or -errno with err set. */
int map_layout_fill(struct bpf_object *obj, int map_fd, char *err, size_t errlen);

#endif
