# SPDX-License-Identifier: GPL-2.0
# Fuzzers (libFuzzer + ASan + UBSan), one per tests/fuzz/fuzz_*.c, linked with
# libpodlab compiled a second time with the sanitizers and coverage. `make fuzz`
# runs each (or those FUZZ names) for FUZZ_SECONDS (default 60) and prints its
# figures; `make test` runs them briefly and replays tests/fuzz/regress/
# (tests/fuzz/run-extra.sh).
# The seed generator (seedgen) writes the unit tests' tables of broken and
# valid files as seed inputs; it is built like the test suites.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 $(FUZZ_SAN) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wno-gnu-variable-sized-type-not-at-end \
	-I$(BUILD)/bpf -Iharness -Ibpf -Isim -Itests/lib
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(LIB_SRCS))
FUZZ_LIB := $(BUILD)/fuzz/libpodlab-fuzz.a
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
SEEDGEN_SRCS := $(wildcard tests/fuzz/seedgen/*.c)
SEEDGEN := $(BUILD)/fuzz/seedgen

.PHONY: fuzz-build
fuzz-build: $(FUZZERS) $(SEEDGEN)

$(BUILD)/fuzz/obj/%.o: %.c | $(SKELS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	$(call msg,FUZZ-LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d -o $@ $< $(FUZZ_LIB) \
		$(LDLIBS)

# The unit tests' tables, compiled in (each seedgen/*.c includes one test file).
$(SEEDGEN): $(patsubst %.c,$(BUILD)/%.o,$(SEEDGEN_SRCS)) $(BUILD)/tests/unit/topo_test_util.o \
		$(TESTLIB_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter-out %/runner.o,$(filter %.o,$^)) $(LIB) $(LDLIBS)

fuzz:
	$(Q)FUZZ="$(FUZZ)" FUZZ_FULL=1 tests/fuzz/run-extra.sh $(BUILD) $(BUILD)/fuzz-results $(FUZZ_SECONDS)

-include $(FUZZ_OBJS:.o=.d) $(FUZZERS:=.d) $(patsubst %.c,$(BUILD)/%.d,$(SEEDGEN_SRCS))
