# bpfviews — see README.md. `make run` applies the default manifest, `make check` tests.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
LIBDIR     ?= $(PREFIX)/lib
UNITDIR    ?= /lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR    ?=
# bpfviews --version; debian/rules gives the package's.
VERSION    ?= $(shell git describe --tags --always 2>/dev/null || echo unknown)

CC          ?= gcc
CLANG       ?= clang
BPFTOOL     ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARCH        := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/')

O       := build
PKGS    := libbpf
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
ifeq ($(CI),true)
WARN    += -Werror
endif
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibpf -I$(O)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf) -lz -pthread

# make check SANITIZE=1: the userspace (bpfviews and the unit tests) under
# ASan and UBSan, in a build dir of its own; BPF objects are built as usual.
# SANITIZE=fuzz is how make fuzz builds the library for its libFuzzer targets.
# Both use clang, whose UBSan honours log_path (tests/fuzz/sanitized collects
# every report; gcc 12's UBSan writes to stderr, which tests capture), -O1
# for whole stack traces, and leave the warnings to the gcc build: no -Werror.
# bpfviews gets tests/fuzz/san_runtime.c: fork-safe ASan, no leak check where
# LSan cannot run.
SAN_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
O       := build-san
SAN_RUN := tests/fuzz/sanitized $(abspath $(O))/sanitizer
SAN_OBJS := $(O)/fuzz/san_runtime.o
else ifeq ($(SANITIZE),fuzz)
O       := build-fuzz
SAN_FLAGS += -fsanitize=fuzzer-no-link
endif
ifneq ($(SANITIZE),)
CC      := $(CLANG)
override CFLAGS  := $(SAN_FLAGS)
override LDFLAGS += $(SAN_FLAGS)
WARN    := $(filter-out -Werror,$(WARN))
endif

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
TEST_OBJS := $(patsubst tests/objects/%.bpf.c,$(O)/tests/%.bpf.o,$(wildcard tests/objects/*.bpf.c))
LIB_SRCS  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS  := $(patsubst src/%.c,$(O)/src/%.o,$(LIB_SRCS)) $(O)/builtin_objects.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
BENCH_OBJS := $(patsubst tests/bench/%.bpf.c,$(O)/bench/%.bpf.o,$(wildcard tests/bench/*.bpf.c))
BENCH_BINS := $(O)/bench/bvbench $(O)/bench/loadgen

.PHONY: all deps run check unit integration lint bench fuzz install uninstall deb clean
all: $(O)/bpfviews

deps:
	@scripts/install-deps

$(O)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(O) -Ibpf -Wall -Wno-unused-function
$(O)/bpf/%.bpf.o: bpf/%.bpf.c $(O)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@
	$(CLANG) -print-prog-name=llvm-strip >/dev/null && $$($(CLANG) -print-prog-name=llvm-strip) -g $@ 2>/dev/null || true

$(O)/tests/%.bpf.o: tests/objects/%.bpf.c $(O)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(O)/bench/%.bpf.o: tests/bench/%.bpf.c $(O)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Itests/bench -MMD -MP -c $< -o $@

# Built-in programs are embedded in the binary (src/builtin.h has the table).
$(O)/builtin_objects.S: $(BPF_OBJS) scripts/embed-objects
	@mkdir -p $(@D)
	scripts/embed-objects $(BPF_OBJS) > $@.tmp && mv $@.tmp $@

$(O)/builtin_objects.o: $(O)/builtin_objects.S $(BPF_OBJS)
	$(CC) -c $< -o $@

# The drop-in directories and the version are compiled in; rewrite paths.h
# only when they change.
$(O)/paths.h: FORCE
	@mkdir -p $(@D)
	@printf '#define LIBDIR "%s"\n#define SYSCONFDIR "%s"\n#define VERSION "%s"\n' \
		'$(LIBDIR)' '$(SYSCONFDIR)' '$(VERSION)' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
FORCE:

$(O)/src/manifest.o $(O)/src/main.o: $(O)/paths.h
$(O)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

# Made anew: ar would keep the member of a source file since removed.
$(O)/libbpfviews.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/bpfviews: $(O)/src/main.o $(O)/libbpfviews.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(O)/tests/test_%: tests/unit/test_%.c $(O)/libbpfviews.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -MMD -MP $< $(O)/libbpfviews.a $(LDLIBS) -lcmocka -o $@

run: deps all
	scripts/run-default

# make bench: read times of the views against /proc, the system tools and
# minimal iterators, and apply times, under a load it makes itself (root;
# BENCH_QUICK=1 for a quick run, see tests/bench/run for the knobs).
$(O)/bench/bvbench: tests/bench/bvbench.c tests/bench/procread.c tests/bench/procread.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE tests/bench/bvbench.c tests/bench/procread.c -o $@

$(O)/bench/loadgen: tests/bench/loadgen.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -pthread $< -o $@

bench: deps all $(BENCH_OBJS) $(BENCH_BINS)
	@BPFVIEWS=$(CURDIR)/$(O)/bpfviews BENCH_BUILD=$(CURDIR)/$(O)/bench tests/bench/run

unit: $(UNIT_BINS)
	@tests/run $(UNIT_BINS) --

integration: all $(TEST_OBJS)
	@BPFVIEWS=$(abspath $(O))/bpfviews TEST_OBJECTS=$(abspath $(O))/tests tests/run -- tests/integration

lint:
	@for m in man/*.[0-9]; do mandoc -Tlint -W warning $$m || exit 1; done

# One run of tests/run, so its closing line counts every test.
check: deps
	$(MAKE) all $(UNIT_BINS) $(TEST_OBJS)
	$(MAKE) lint
	@BPFVIEWS=$(abspath $(O))/bpfviews TEST_OBJECTS=$(abspath $(O))/tests $(SAN_RUN) tests/run $(UNIT_BINS) -- tests/integration

# make fuzz: each libFuzzer target in tests/fuzz runs FUZZ_TIME seconds from
# its seed corpus in tests/fuzz/corpus/; a crash fails and leaves the input
# in build-fuzz/fuzz/artifacts/.
FUZZ_TIME    ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz: deps
	$(MAKE) SANITIZE=fuzz $(FUZZ_TARGETS)
	tests/fuzz/run $(FUZZ_TIME) $(FUZZ_TARGETS)

$(O)/bpfviews: $(SAN_OBJS)
$(O)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(O)/libbpfviews.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -fsanitize=fuzzer -MMD -MP $< $(O)/libbpfviews.a $(LDLIBS) -o $@

install: all
	install -D -m 0755 $(O)/bpfviews $(DESTDIR)$(SBINDIR)/bpfviews
	install -d $(DESTDIR)$(LIBDIR)/bpfviews/conf.d
	install -m 0644 conf.d/*.conf $(DESTDIR)$(LIBDIR)/bpfviews/conf.d/
	install -d $(DESTDIR)$(LIBDIR)/bpfviews/metrics
	install -m 0644 conf.d/metrics/*.conf $(DESTDIR)$(LIBDIR)/bpfviews/metrics/
	install -D -m 0644 man/bpfviews.8 $(DESTDIR)$(MANDIR)/man8/bpfviews.8
	install -D -m 0644 man/bpfviews.conf.5 $(DESTDIR)$(MANDIR)/man5/bpfviews.conf.5
	$(if $(wildcard man/bpfviews-programs.7),install -D -m 0644 man/bpfviews-programs.7 $(DESTDIR)$(MANDIR)/man7/bpfviews-programs.7)
	install -d $(DESTDIR)$(SYSCONFDIR)/bpfviews/conf.d
	install -D -m 0755 scripts/bpfviews-boot $(DESTDIR)$(SBINDIR)/bpfviews-boot
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' scripts/bpfviews.service > $(DESTDIR)$(UNITDIR)/bpfviews.service
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@LIBDIR@|$(LIBDIR)|g' scripts/bpfviews-metrics.service \
		> $(DESTDIR)$(UNITDIR)/bpfviews-metrics.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/bpfviews.service $(DESTDIR)$(UNITDIR)/bpfviews-metrics.service
	install -D -m 0644 scripts/bpfviews.bash-completion $(DESTDIR)$(BASHCOMPDIR)/bpfviews

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/bpfviews $(DESTDIR)$(SBINDIR)/bpfviews-boot $(DESTDIR)$(UNITDIR)/bpfviews.service \
	      $(DESTDIR)$(UNITDIR)/bpfviews-metrics.service $(DESTDIR)$(MANDIR)/man8/bpfviews.8 \
	      $(DESTDIR)$(MANDIR)/man5/bpfviews.conf.5 $(DESTDIR)$(MANDIR)/man7/bpfviews-programs.7 \
	      $(DESTDIR)$(BASHCOMPDIR)/bpfviews
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/bpfviews/conf.d/,$(notdir $(wildcard conf.d/*.conf)))
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/bpfviews/metrics/,$(notdir $(wildcard conf.d/metrics/*.conf)))
	-rmdir $(DESTDIR)$(LIBDIR)/bpfviews/conf.d $(DESTDIR)$(LIBDIR)/bpfviews/metrics $(DESTDIR)$(LIBDIR)/bpfviews $(DESTDIR)$(SYSCONFDIR)/bpfviews/conf.d $(DESTDIR)$(SYSCONFDIR)/bpfviews 2>/dev/null

# make deb: dpkg-buildpackage -b in a copy of the tree under DEB_DIR, so the
# package builds from the sources alone; the .deb lands in DEB_DIR.
DEB_DIR ?= build-deb
deb:
	rm -rf $(DEB_DIR)/bpfviews && mkdir -p $(DEB_DIR)/bpfviews
	tar -c --exclude=./.git --exclude=./build --exclude=./build-san --exclude=./build-fuzz --exclude=./build-deb . | \
		tar -x -C $(DEB_DIR)/bpfviews
	cd $(DEB_DIR)/bpfviews && dpkg-buildpackage -b -us -uc
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf $(O) build-san build-fuzz build-deb

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
