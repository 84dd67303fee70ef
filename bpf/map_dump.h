/* What userspace and bpf/map_dump.bpf.c share: the layout of a map's
 * elements, flattened from the map's BTF into printable fields. */
#ifndef BPFVIEWS_MAP_DUMP_H
#define BPFVIEWS_MAP_DUMP_H

#ifndef __bpf__
#include <linux/types.h>	/* the BPF side has them from vmlinux.h */
#endif

#define MAP_FIELDS_MAX		32
#define MAP_FIELD_NAME		32
#define MAP_BYTES_MAX		512	/* bytes of a key or value that are read */
#define MAP_HEX_MAX		64	/* bytes of one field shown in hex */

enum map_field_kind {
	MAP_FIELD_UNSIGNED,
	MAP_FIELD_SIGNED,
	MAP_FIELD_BOOL,
	MAP_FIELD_CHARS,	/* a char array: text up to its NUL */
	MAP_FIELD_HEX,		/* anything else: its bytes in hex */
};

struct map_field {
	__u32 offset;		/* in the key or the value */
	__u16 size;
	__u8 kind;		/* enum map_field_kind */
	__u8 in_key;
	char name[MAP_FIELD_NAME];
};

struct map_layout {
	__u32 key_size;
	__u32 value_size;
	__u32 nfields;
	struct map_field fields[MAP_FIELDS_MAX];
};

#endif
