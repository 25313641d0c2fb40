// SPDX-License-Identifier: GPL-2.0
/* rtnetlink requests for links, addresses, neighbours and routes. */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/lwtunnel.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "lib/log.h"
#include "lib/pkt.h"
#include "net/link.h"

static void put_link_spec(struct nlmsghdr *nlh, struct ifinfomsg *ifi, const struct pl_link_spec *s)
{
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = s->ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, s->name);
	if (s->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, s->mac);
	if (s->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, s->mtu);
	if (s->ns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, s->ns_fd);
}

static struct nlmsghdr *newlink(struct pl_nl *nl, const struct pl_link_spec *a)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	put_link_spec(nlh, ifi, a);
	return nlh;
}

int pl_link_veth(struct pl_nl *nl, const struct pl_link_spec *a, const struct pl_link_spec *b)
{
	struct nlmsghdr *nlh = newlink(nl, a);
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifi;

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg. */
	pifi = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifi, 0, sizeof(*pifi));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifi));
	put_link_spec(nlh, pifi, b);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return pl_nl_talk(nl, nlh, 0, "creating veth %s (peer %s)", a->name, b->name);
}

int pl_link_bridge(struct pl_nl *nl, const struct pl_link_spec *a)
{
	struct nlmsghdr *nlh = newlink(nl, a);
	struct nlattr *linkinfo;

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return pl_nl_talk(nl, nlh, 0, "creating bridge %s", a->name);
}

int pl_link_vxlan(struct pl_nl *nl, const struct pl_link_spec *a, bool external, uint32_t vni,
		  uint32_t local, uint32_t link, uint16_t port)
{
	struct nlmsghdr *nlh = newlink(nl, a);
	struct nlattr *linkinfo, *data;

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (external) {
		mnl_attr_put_u8(nlh, IFLA_VXLAN_COLLECT_METADATA, 1);
	} else {
		mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vni);
		mnl_attr_put_u32(nlh, IFLA_VXLAN_LOCAL, local);
		mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, link);
		mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	}
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(port));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return pl_nl_talk(nl, nlh, 0, "creating vxlan %s", a->name);
}

int pl_link_ipip(struct pl_nl *nl, const struct pl_link_spec *a, uint32_t local, uint8_t ttl)
{
	struct nlmsghdr *nlh = newlink(nl, a);
	struct nlattr *linkinfo, *data;
	int err;

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ipip");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_IPTUN_LOCAL, local);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_TTL, ttl);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_PMTUDISC, 1);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	err = pl_nl_talk(nl, nlh, 1, "creating ipip %s", a->name);
	if (err == -EOPNOTSUPP)
		pl_err("creating ipip %s: this kernel has no ipip device type (CONFIG_NET_IPIP): "
		       "routing ipip's kernel-only twin needs it; without --no-datapath the "
		       "datapath encapsulates in BPF instead",
		       a->name);
	else if (err)
		pl_err("creating ipip %s: %s", a->name, strerror(-err));
	return err;
}

static struct nlmsghdr *setlink(struct pl_nl *nl, uint32_t ifindex, struct ifinfomsg **ifip)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	*ifip = ifi;
	return nlh;
}

int pl_link_up(struct pl_nl *nl, uint32_t ifindex, const char *what)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = setlink(nl, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	return pl_nl_talk(nl, nlh, 0, "setting %s up", what);
}

int pl_link_master(struct pl_nl *nl, uint32_t ifindex, uint32_t master, const char *what)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = setlink(nl, ifindex, &ifi);

	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	return pl_nl_talk(nl, nlh, 0, "enslaving %s", what);
}

int pl_link_xdp(struct pl_nl *nl, uint32_t ifindex, int prog_fd, const char *what)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = setlink(nl, ifindex, &ifi);
	struct nlattr *xdp;

	xdp = mnl_attr_nest_start(nlh, IFLA_XDP);
	mnl_attr_put_u32(nlh, IFLA_XDP_FD, (uint32_t)prog_fd);
	mnl_attr_nest_end(nlh, xdp);
	return pl_nl_talk(nl, nlh, 0, "attaching XDP program to %s", what);
}

int pl_addr_add(struct pl_nl *nl, uint32_t ifindex, uint32_t ip, uint8_t plen, const char *what)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	char a[INET_ADDRSTRLEN];

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, ip);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, ip);
	return pl_nl_talk(nl, nlh, 0, "adding address %s/%u to %s", pl_ip4_str(ip, a), plen, what);
}

int pl_addr6_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *ip6, uint8_t plen,
		 const char *what)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	char a[PL_ADDR_STRLEN];

	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = ifindex;
	/* No duplicate address detection: the address is usable at once (no tentative state). */
	ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, 16, ip6);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, ip6);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return pl_nl_talk(nl, nlh, 0, "adding address %s/%u to %s", pl_addr_str(AF_INET6, ip6, a),
			  plen, what);
}

static struct nlmsghdr *newneigh(struct pl_nl *nl, uint8_t family, uint32_t ifindex, uint32_t ip,
				 const uint8_t *mac)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	nd->ndm_family = family;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put_u32(nlh, NDA_DST, ip);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return nlh;
}

int pl_neigh_add(struct pl_nl *nl, uint32_t ifindex, uint32_t ip, const uint8_t *mac,
		 const char *what)
{
	char a[INET_ADDRSTRLEN];

	return pl_nl_talk(nl, newneigh(nl, AF_INET, ifindex, ip, mac), 0,
			  "adding neighbour %s on %s", pl_ip4_str(ip, a), what);
}

int pl_fdb_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *mac, uint32_t dst,
	       const char *what)
{
	struct nlmsghdr *nlh = newneigh(nl, AF_BRIDGE, ifindex, dst, mac);
	struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	char a[INET_ADDRSTRLEN];

	nd->ndm_flags = NTF_SELF;
	return pl_nl_talk(nl, nlh, 0, "adding fdb entry to %s on %s", pl_ip4_str(dst, a), what);
}

/* An RTM_NEWROUTE request of family with its rtmsg filled; the caller adds the attributes. */
static struct nlmsghdr *route_req(struct pl_nl *nl, uint8_t family, uint8_t plen, uint32_t table,
				  uint8_t scope, bool onlink)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = family;
	rtm->rtm_dst_len = plen;
	rtm->rtm_table = table && table < 256 ? table : RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT; /* what `ip route add` uses */
	rtm->rtm_scope = scope;
	rtm->rtm_type = RTN_UNICAST;
	if (onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	return nlh;
}

int pl_route_add(struct pl_nl *nl, uint32_t ifindex, uint32_t dst, uint8_t plen, uint32_t gw,
		 bool onlink, uint32_t table, const char *what)
{
	struct nlmsghdr *nlh =
		route_req(nl, AF_INET, plen, table, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, onlink);
	char a[INET_ADDRSTRLEN];

	if (plen)
		mnl_attr_put_u32(nlh, RTA_DST, dst);
	if (gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return pl_nl_talk(nl, nlh, 0, "adding route %s/%u on %s", pl_ip4_str(dst, a), plen, what);
}

int pl_route_encap_add(struct pl_nl *nl, uint32_t ifindex, uint32_t dst, uint8_t plen, uint32_t gw,
		       uint32_t tun_id, uint32_t tun_dst, const char *what)
{
	struct nlmsghdr *nlh = route_req(nl, AF_INET, plen, 0, RT_SCOPE_UNIVERSE, true);
	struct nlattr *encap;
	char a[INET_ADDRSTRLEN];

	mnl_attr_put_u32(nlh, RTA_DST, dst);
	mnl_attr_put_u32(nlh, RTA_GATEWAY, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	mnl_attr_put_u16(nlh, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_IP);
	encap = mnl_attr_nest_start(nlh, RTA_ENCAP);
	mnl_attr_put_u64(nlh, LWTUNNEL_IP_ID, htobe64(tun_id));
	mnl_attr_put_u32(nlh, LWTUNNEL_IP_DST, tun_dst);
	mnl_attr_nest_end(nlh, encap);
	return pl_nl_talk(nl, nlh, 0, "adding route %s/%u with tunnel metadata on %s",
			  pl_ip4_str(dst, a), plen, what);
}

int pl_neigh6_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *ip6, const uint8_t *mac,
		  const char *what)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	char a[PL_ADDR_STRLEN];

	nd->ndm_family = AF_INET6;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, 16, ip6);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return pl_nl_talk(nl, nlh, 0, "adding neighbour %s on %s", pl_addr_str(AF_INET6, ip6, a),
			  what);
}

int pl_route6_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *dst6, uint8_t plen,
		  const uint8_t *gw6, bool onlink, uint32_t table, const char *what)
{
	struct nlmsghdr *nlh = route_req(nl, AF_INET6, plen, table, RT_SCOPE_UNIVERSE, onlink);
	char a[PL_ADDR_STRLEN];

	mnl_attr_put(nlh, RTA_DST, 16, dst6);
	if (gw6)
		mnl_attr_put(nlh, RTA_GATEWAY, 16, gw6);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return pl_nl_talk(nl, nlh, 0, "adding route %s/%u on %s", pl_addr_str(AF_INET6, dst6, a),
			  plen, what);
}

int pl_route_local_add(struct pl_nl *nl, uint32_t ifindex, uint32_t table, const char *what)
{
	struct nlmsghdr *nlh = route_req(nl, AF_INET, 0, table, RT_SCOPE_HOST, false);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_type = RTN_LOCAL;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return pl_nl_talk(nl, nlh, 0, "adding route local default table %u on %s", table, what);
}

int pl_rule6_add(struct pl_nl *nl, const uint8_t *src6, uint8_t plen, uint32_t table,
		 uint32_t priority, const char *what)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	char a[PL_ADDR_STRLEN];

	frh->family = AF_INET6;
	frh->src_len = plen;
	frh->table = table < 256 ? table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	if (plen)
		mnl_attr_put(nlh, FRA_SRC, 16, src6);
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, priority);
	return pl_nl_talk(nl, nlh, 0, "adding rule from %s/%u lookup %u in %s",
			  pl_addr_str(AF_INET6, src6, a), plen, table, what);
}

int pl_rule_add(struct pl_nl *nl, uint32_t src, uint8_t plen, uint32_t fwmark, uint32_t fwmask,
		uint32_t table, uint32_t priority, const char *what)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	char a[INET_ADDRSTRLEN];

	frh->family = AF_INET;
	frh->src_len = plen;
	frh->table = table < 256 ? table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	if (plen)
		mnl_attr_put_u32(nlh, FRA_SRC, src);
	if (fwmask) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, fwmask);
	}
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, priority);
	return pl_nl_talk(nl, nlh, 0, "adding rule from %s/%u lookup %u in %s", pl_ip4_str(src, a),
			  plen, table, what);
}
