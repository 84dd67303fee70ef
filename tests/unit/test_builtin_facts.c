/* builtin_facts.c: the type names the bpf_progs, bpf_maps and bpf_links
 * views print, as bpftool prints them, and the names a newer kernel's BTF
 * gives types that libbpf does not know. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "builtin_facts.h"

/* What bpftool prints for each type (the names the views printed before
 * they took them from libbpf and the kernel). */
static const char *const prog_types[] = {
	"socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp",
	"perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit",
	"sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
	"cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
	"flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
	"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
};
static const char *const map_types[] = {
	"hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
	"stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie",
	"array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap",
	"sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage",
	"queue", "stack", "sk_storage", "devmap_hash", "struct_ops", "ringbuf",
	"inode_storage", "task_storage", "bloom_filter", "user_ringbuf", "cgrp_storage",
	"arena",
};
static const char *const link_types[] = {
	"raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event",
	"kprobe_multi", "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit",
	"sockmap",
};

static char names[FACT_TYPES][FACT_TYPE_NAME];

/* Types 1.. of a kind on this kernel (the lists end where 6.18's do). */
static void expect_kind(enum fact_kind kind, const char *const *want, size_t n)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();

	if (!vmlinux) {
		skip();
		return;
	}
	builtin_type_names(kind, vmlinux, names);
	btf__free(vmlinux);
	for (size_t t = 1; t <= n; t++)
		if (strcmp(names[t], want[t - 1]))
			fail_msg("type %zu: '%s', bpftool prints '%s'", t, names[t], want[t - 1]);
}

static void test_prog_types(void **state)
{
	(void)state;
	expect_kind(FACT_PROG, prog_types, sizeof(prog_types) / sizeof(prog_types[0]));
}

static void test_map_types(void **state)
{
	(void)state;
	expect_kind(FACT_MAP, map_types, sizeof(map_types) / sizeof(map_types[0]));
}

static void test_link_types(void **state)
{
	(void)state;
	expect_kind(FACT_LINK, link_types, sizeof(link_types) / sizeof(link_types[0]));
}

/* A kernel with types libbpf 1.1 never heard of. */
static void test_newer_kernel(void **state)
{
	struct btf *btf = btf__new_empty();
	int id;

	(void)state;
	assert_non_null(btf);
	id = btf__add_enum(btf, "bpf_map_type", 4);
	assert_true(id > 0);
	assert_int_equal(btf__add_enum_value(btf, "BPF_MAP_TYPE_HASH", 1), 0);
	assert_int_equal(btf__add_enum_value(btf, "BPF_MAP_TYPE_SOMETHING", 1), 0);
	assert_int_equal(btf__add_enum_value(btf, "BPF_MAP_TYPE_FUTURE_DEPRECATED", 60), 0);
	assert_int_equal(btf__add_enum_value(btf, "BPF_MAP_TYPE_FUTURE", 60), 0);
	assert_int_equal(btf__add_enum_value(btf, "BPF_MAP_TYPE_NEWER_STILL", 61), 0);
	assert_int_equal(btf__add_enum_value(btf, "BPF_MAP_TYPE_", 62), 0);
	assert_int_equal(btf__add_enum_value(btf, "__MAX_BPF_MAP_TYPE", 63), 0);
	builtin_type_names(FACT_MAP, btf, names);
	btf__free(btf);
	assert_string_equal(names[1], "hash");		/* libbpf's name stands */
	assert_string_equal(names[60], "future");	/* the alias defined last */
	assert_string_equal(names[61], "newer_still");
	assert_string_equal(names[62], "");
	assert_string_equal(names[63], "");
	assert_string_equal(names[59], "");
}

/* Without the kernel's BTF: libbpf's names, nothing else. */
static void test_no_btf(void **state)
{
	(void)state;
	builtin_type_names(FACT_PROG, NULL, names);
	assert_string_equal(names[BPF_PROG_TYPE_TRACING], "tracing");
	assert_string_equal(names[FACT_TYPES - 1], "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog_types),
		cmocka_unit_test(test_map_types),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_newer_kernel),
		cmocka_unit_test(test_no_btf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
