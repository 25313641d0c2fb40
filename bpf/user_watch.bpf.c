// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fexit on a topology's own program (see user_watch.h): its drops become flow
 * events, so live replay and `podlab observe` name the program that dropped a
 * packet instead of seeing it vanish. The loader sets the target program and
 * the knobs, and autoloads only the program of the target's hook.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"
#include "user_watch.h"

/* The kernel's contexts, the fields read (CO-RE: offsets from the running kernel's BTF). */
struct xdp_buff {
	void *data;
	void *data_end;
} __attribute__((preserve_access_index));

struct sk_buff {
	unsigned int len;
	unsigned char *head;
	__u16 mac_header;
} __attribute__((preserve_access_index));

/* Knobs: the watched program's device, its entry in the topology, where it looks. */
const volatile __u32 watch_ifindex = 0;
const volatile __u32 watch_user = 0;	  /* 1 + index in the topology's programs: */
const volatile __u32 watch_obs_point = 0; /* enum pl_obs_point of its device and hook */

/* events: ring buffer of struct pl_flow_event; the loader reuses the node's datapath ring. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct l4_ports {
	__be16 sport;
	__be16 dport;
};

/* The addresses and ports of the frame at pkt (len bytes), as podlab's parser reads them. */
static __always_inline void watch_parse(const void *pkt, __u32 len, struct pl_flow_event *ev)
{
	struct l4_ports ports = {};
	struct ethhdr eth;
	__u32 l4 = 0;

	if (len < sizeof(eth) || bpf_probe_read_kernel(&eth, sizeof(eth), pkt))
		return;
	ev->eth_proto = eth.h_proto;
	if (eth.h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (len < sizeof(eth) + sizeof(ip) ||
		    bpf_probe_read_kernel(&ip, sizeof(ip), pkt + sizeof(eth)))
			return;
		ev->flags |= PL_EV_F_IPV4;
		ev->saddr = ip.saddr;
		ev->daddr = ip.daddr;
		ev->ip_id = ip.id;
		ev->proto = ip.protocol;
		if (!(ip.frag_off & bpf_htons(0x1fff)))
			l4 = sizeof(eth) + ip.ihl * 4;
	} else if (eth.h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (len < sizeof(eth) + sizeof(ip6) ||
		    bpf_probe_read_kernel(&ip6, sizeof(ip6), pkt + sizeof(eth)))
			return;
		ev->flags |= PL_EV_F_IPV6;
		__builtin_memcpy(ev->saddr6, &ip6.saddr, sizeof(ev->saddr6));
		__builtin_memcpy(ev->daddr6, &ip6.daddr, sizeof(ev->daddr6));
		ev->proto = ip6.nexthdr; /* extension headers: no ports, as a parse drop has none */
		l4 = sizeof(eth) + sizeof(ip6);
	}
	if (!l4 || l4 + sizeof(ports) > len ||
	    bpf_probe_read_kernel(
		    &ports, sizeof(ports),
		    pkt + l4 + (ev->proto == IPPROTO_ICMP || ev->proto == IPPROTO_ICMPV6 ? 4 : 0)))
		return;
	if (ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP) {
		ev->sport = ports.sport;
		ev->dport = ports.dport;
	} else if (ev->proto == IPPROTO_ICMP || ev->proto == IPPROTO_ICMPV6) {
		__u8 type = 0;

		/* echo keyed as the datapath keys it: request (id, 0), reply (0, id) */
		bpf_probe_read_kernel(&type, 1, pkt + l4);
		if (type == 8 || type == 128)
			ev->sport = ports.sport;
		else if (type == 0 || type == 129)
			ev->dport = ports.sport;
	}
}

static __always_inline void watch_emit(const void *pkt, __u32 len)
{
	struct pl_flow_event ev = {};

	ev.prog = PL_PROG_USER;
	ev.obs_point = watch_obs_point;
	ev.verdict = PL_VERDICT_DROPPED;
	ev.drop_reason = PL_DROP_USER_PROGRAM;
	ev.ifindex = watch_ifindex;
	ev.user_prog = watch_user;
	ev.pkt_len = len > 0xffff ? 0xffff : len;
	watch_parse(pkt, len, &ev);
	ev.ts_ns = bpf_ktime_get_ns();
	ev.cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
}

SEC("fexit")
int BPF_PROG(watch_xdp, struct xdp_buff *xdp, int ret)
{
	void *data, *data_end;

	if (!pl_user_retval_drops(1, ret))
		return 0;
	data = BPF_CORE_READ(xdp, data);
	data_end = BPF_CORE_READ(xdp, data_end);
	watch_emit(data, data_end - data);
	return 0;
}

/* At tc ingress and egress alike the frame starts at the mac header while the program runs. */
SEC("fexit")
int BPF_PROG(watch_tc, struct sk_buff *skb, int ret)
{
	unsigned char *head;

	if (!pl_user_retval_drops(0, ret))
		return 0;
	head = BPF_CORE_READ(skb, head);
	watch_emit(head + BPF_CORE_READ(skb, mac_header), BPF_CORE_READ(skb, len));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
