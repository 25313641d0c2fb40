# SPDX-License-Identifier: GPL-2.0
# podlab build: everything out of tree under $(BUILD); `make V=1` shows commands.

.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
.DEFAULT_GOAL := all

BUILD ?= build
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)"
endif

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP \
	-I$(BUILD)/bpf -Ibpf -Iharness -Isim -Itests/lib
LDLIBS := -lbpf -lelf -lz -lpcap -lyaml -lmnl -lnftables -lcunit -lm
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -I/usr/include/$(MULTIARCH) \
	-Ibpf -Wall -Werror -MMD -MP

# --- sources: drop a file in a folder and it is built -------------------------
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))

LIB_SRCS := $(filter-out harness/cli/%,$(wildcard harness/*/*.c)) $(wildcard sim/*.c)
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB := $(BUILD)/libpodlab.a

CLI_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard harness/cli/*.c))
CLI := $(BUILD)/podlab

TESTLIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))
SUITES := $(sort $(foreach d,unit datapath harness sim integration,\
	$(if $(wildcard tests/$(d)/*.c),$(d))))
SUITE_BINS := $(addprefix $(BUILD)/tests/test_,$(SUITES))

ORACLE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/oracle/*.c))
ORACLE := $(BUILD)/tests/policy_oracle

BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

ALL_OBJS := $(LIB_OBJS) $(CLI_OBJS) $(TESTLIB_OBJS) $(ORACLE_OBJS) $(patsubst %.c,$(BUILD)/%.o,$(BENCH_SRCS)) \
	$(patsubst %.c,$(BUILD)/%.o,$(foreach s,$(SUITES),$(wildcard tests/$(s)/*.c)))

.PHONY: all deps test test-nonroot test-fresh test-kernels bench bench-summary oracle reliability demo modes limits pcaps fuzz format clean help install uninstall
all: $(CLI) $(SUITE_BINS) $(BENCH_BINS) $(ORACLE)

help:
	@echo 'make            build build/podlab, the test runners and benchmarks'
	@echo 'make deps       install the missing Debian packages podlab needs (root)'
	@echo 'make test       deps + build + every test suite (JUnit in build/test-results/)'
	@echo 'make test-nonroot'
	@echo '                the same suites without privilege (as root: built, then run as nobody)'
	@echo 'make test-kernels  the kernel-touching suites on Debian 6.1/6.12 kernels in qemu'
	@echo '                KERNELS="6.1 6.12" (default both); JUnit in build/test-results/VERSION/'
	@echo 'make demo       deps + build + the main job on the shipped topologies'
	@echo 'make modes      every routing mode up, probed live, one comparison table (MODES="native ipip")'
	@echo 'make test-fresh the README commands on a bare Debian root (mmdebstrap, chroot; root)'
	@echo 'make bench      run the benchmarks in tests/bench/ (BENCH="bench_modes ..." picks some)'
	@echo 'make reliability  SIGKILL podlab up at 100 points, 8 runs at once (PODLAB_KILL_TRIALS=N)'
	@echo 'make fuzz       every libFuzzer target FUZZ_SECONDS each (default 60), figures per fuzzer;'
	@echo '                FUZZ="fuzz_topo ..." picks some; findings land in tests/fuzz/regress/'
	@echo 'make limits     200 x 10 nodes up, 10M packets replayed, a 100k-rule policy: figures'
	@echo 'make oracle     the policy oracle: CASES random flows (default 100000, SEED=1) asked of the'
	@echo '                rules, compiled maps, datapath and simulator; findings in build/oracle-findings/'
	@echo 'make bench-summary  put the summary of the last make bench into README.md, docs/bench.md'
	@echo 'make pcaps      regenerate pcaps/*.pcap from pcaps/*.spec'
	@echo 'make format     clang-format every C file in place'
	@echo 'make install    install podlab, its BPF objects, data, man page and bash completion'
	@echo '                (PREFIX=/usr/local, DESTDIR=); make uninstall removes them'
	@echo 'V=1             show the commands'

# --- BPF: object, then skeleton ----------------------------------------------
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# --- user space -----------------------------------------------------------------
$(BUILD)/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS)

define suite_rule
$(BUILD)/tests/test_$(1): $(TESTLIB_OBJS) $(LIB) $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/$(1)/*.c))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS) -o $$@ $$(filter %.o,$$^) $$(LIB) $$(LDLIBS)
endef
$(foreach s,$(SUITES),$(eval $(call suite_rule,$(s))))

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(TESTLIB_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(filter-out %/runner.o,$(TESTLIB_OBJS)) $(LIB) $(LDLIBS)

$(ORACLE): $(ORACLE_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(ORACLE_OBJS) $(LIB) $(LDLIBS)

$(BUILD)/bpf:
	$(Q)mkdir -p $@

# --- jobs -------------------------------------------------------------------------
deps:
	$(Q)tests/lib/deps.sh

# Each suite runs even when an earlier one failed; the exit status says if any did.
# Without root a missing package is named (deps.sh) and the rest runs with what is there.
test:
	$(Q)tests/lib/deps.sh || { [ "$$(id -u)" -ne 0 ] && \
		echo "test: going on without them as uid $$(id -u); tests that need them fail" >&2; }
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/lib/run-suites.sh $(BUILD) $(SUITES)

# Root builds; the suites then run as nobody without capabilities (tests/lib/run-nonroot.sh).
test-nonroot:
	$(Q)if [ "$$(id -u)" -ne 0 ]; then $(MAKE) --no-print-directory test; else \
		$(MAKE) --no-print-directory deps all && \
		tests/lib/run-nonroot.sh $(BUILD) $(SUITES); fi

# Debian's stock kernels, each booted in qemu over a 9p share of this root (tests/kernels/).
test-kernels: all
	$(Q)tests/kernels/run.sh $(BUILD) $(KERNELS)

bench: all
	$(Q)tests/bench/run.sh $(BUILD) $(BENCH)

# The policy oracle at full size: rules vs compiled maps vs datapath vs simulator.
oracle: all
	$(Q)$(ORACLE) --cases $${CASES:-100000} --per-topology 100 --seed $${SEED:-1} --out $(BUILD)/oracle-findings

# podlab past the shipped sizes: 200 x 10 nodes, 10M packets, 100k rules (LIMIT_*=, TRIALS=).
limits: all
	$(Q)tests/reliability/limits.sh $(BUILD) $(TRIALS)

# Crashes and concurrency at full size (make test runs a smaller round).
reliability: all
	$(Q)PODLAB_KILL_TRIALS=$${PODLAB_KILL_TRIALS:-100} tests/reliability/run-extra.sh $(BUILD) $(BUILD)/test-results

# The README's and docs/bench.md's figures, from the last make bench run's summary rows.
bench-summary:
	$(Q)tests/bench/summary.sh $(BUILD)/bench-results README.md docs/bench.md

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/lib/demo.sh $(BUILD)

# Every routing mode built, probed live by `podlab check` and compared in one table (MODES= picks).
modes: all
	$(Q)tests/lib/modes.sh $(BUILD) $(MODES)

# --- install: bin/podlab finds ../lib/podlab/bpf; share/podlab keeps the scenarios'
# relative paths (tests/scenarios/X.yaml -> ../../topologies, ../../pcaps).
PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
PL_LIBDIR := $(PREFIX)/lib/podlab
PL_DATADIR := $(PREFIX)/share/podlab
MAN1DIR := $(PREFIX)/share/man/man1
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
INSTALL ?= install
DATA_FILES := $(wildcard topologies/*.yaml) $(wildcard pcaps/*.pcap pcaps/*.spec pcaps/captured/*.pcap) \
	$(wildcard tests/scenarios/*.yaml tests/scenarios/topo/*.yaml)

install: $(CLI) $(BPF_OBJS)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -D -m 755 $(CLI) $(DESTDIR)$(BINDIR)/podlab
	$(Q)$(foreach o,$(BPF_OBJS),$(INSTALL) -D -m 644 $(o) $(DESTDIR)$(PL_LIBDIR)/bpf/$(notdir $(o)) &&) true
	$(Q)$(foreach f,$(DATA_FILES),$(INSTALL) -D -m 644 $(f) $(DESTDIR)$(PL_DATADIR)/$(f) &&) true
	$(Q)$(INSTALL) -D -m 644 docs/podlab.1 $(DESTDIR)$(MAN1DIR)/podlab.1
	$(Q)$(INSTALL) -D -m 644 harness/cli/podlab.bash $(DESTDIR)$(BASHCOMPDIR)/podlab

# Removes exactly the files install wrote, then the podlab directories left empty.
uninstall:
	$(call msg,UNINST,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(BINDIR)/podlab $(DESTDIR)$(MAN1DIR)/podlab.1 \
		$(DESTDIR)$(BASHCOMPDIR)/podlab \
		$(addprefix $(DESTDIR)$(PL_LIBDIR)/bpf/,$(notdir $(BPF_OBJS))) \
		$(addprefix $(DESTDIR)$(PL_DATADIR)/,$(DATA_FILES))
	$(Q)rmdir --ignore-fail-on-non-empty $(DESTDIR)$(PL_LIBDIR)/bpf $(DESTDIR)$(PL_LIBDIR) \
		$(addprefix $(DESTDIR)$(PL_DATADIR)/,tests/scenarios/topo tests/scenarios tests topologies pcaps/captured pcaps) \
		$(DESTDIR)$(PL_DATADIR) 2>/dev/null || true

test-fresh:
	$(Q)tests/lib/test-fresh.sh $(BUILD)

format:
	$(Q)tests/lib/deps.sh dev >/dev/null
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

-include tests/fuzz/fuzz.mk
-include pcaps/pcaps.mk
-include $(ALL_OBJS:.o=.d) $(BPF_OBJS:.o=.d)
