# SPDX-License-Identifier: GPL-2.0
# Fuzzers (libFuzzer + ASan + UBSan) for the pcap reader, packet parser and spec
# parser. `make fuzz` runs each for FUZZ_SECONDS (default 300); `make test` runs
# them briefly through tests/fuzz/run-extra.sh.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iharness -Ibpf -Itests/lib
FUZZ_LIB_SRCS := harness/lib/pkt_build.c harness/lib/pkt_parse.c harness/lib/pkt_fmt.c \
	harness/lib/log.c harness/pcap/pcap_io.c harness/pcap/pcap_spec.c harness/pcap/spec_line.c \
	harness/pcap/spec_tok.c harness/pcap/spec_build.c
FUZZ_HDRS := $(wildcard harness/lib/*.h harness/pcap/*.h)
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz-build
fuzz-build: $(FUZZERS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS) $(FUZZ_HDRS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRCS) -lpcap -lbpf -lelf -lz

fuzz:
	$(Q)tests/fuzz/run-extra.sh $(BUILD) $(BUILD)/fuzz-results $(FUZZ_SECONDS)
