#include <string.h>

#include "builtin.h"

const struct builtin_object *builtin_find(const char *name)
{
	for (const struct builtin_object *b = builtin_objects; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}
