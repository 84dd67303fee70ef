/* LD_PRELOAD for scale.bats: bpf_object__load() of an object named "broken"
 * dies of SIGSEGV, as libbpf does on some malformed objects; every other
 * object loads as usual. It makes the crash the child-process check
 * (src/objcheck.c) is there for, whatever the object checks catch first. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <string.h>
#include <bpf/libbpf.h>

int bpf_object__load(struct bpf_object *obj)
{
	int (*real)(struct bpf_object *) = (int (*)(struct bpf_object *))dlsym(RTLD_NEXT, "bpf_object__load");

	if (!strcmp(bpf_object__name(obj), "broken"))
		raise(SIGSEGV);
	return real(obj);
}
