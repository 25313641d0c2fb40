# SPDX-License-Identifier: GPL-2.0
# make pcaps: regenerate every pcaps/*.pcap from its pcaps/*.spec with build/podlab.
# The generated pcaps are committed; tests/unit/test_pcaps.c checks they match.
PCAP_SPECS := $(wildcard pcaps/*.spec)
PCAP_FILES := $(PCAP_SPECS:.spec=.pcap)

pcaps: $(PCAP_FILES)

pcaps/%.pcap: pcaps/%.spec $(CLI)
	$(call msg,PCAP,$@)
	$(Q)$(CLI) pcap gen $< -o $@
