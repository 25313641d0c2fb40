// SPDX-License-Identifier: GPL-2.0
/* Normalised text dumps of a namespace over rtnetlink (status, back-end comparison). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>

#include "lib/pkt.h"
#include "net/dump.h"
#include "net/netns.h"
#include "net/nl.h"

#define DUMP_MAX_LINKS 512

struct dump {
	FILE *out;
	unsigned what;
	struct pl_nl *nl;
	uint32_t ifindex[DUMP_MAX_LINKS];
	char name[DUMP_MAX_LINKS][IFNAMSIZ];
	int nlinks;
};

struct attrs {
	const struct nlattr *tb[64];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (type < 64)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static const char *ifname(const struct dump *d, uint32_t ifindex)
{
	int i;

	for (i = 0; i < d->nlinks; i++)
		if (d->ifindex[i] == ifindex)
			return d->name[i];
	return "?";
}

static void prog_name(uint32_t id, char *buf, size_t len)
{
	struct bpf_prog_info info = {0};
	uint32_t ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(buf, len, "id %u", id);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(buf, len, "%s id %u", info.name, id);
	close(fd);
}

/* A vxlan device's mode: collect_md, or its VNI and local address (classic). */
static void print_vxlan(FILE *out, const struct nlattr *info_data)
{
	struct attrs vx = {0};
	char a[INET_ADDRSTRLEN];

	mnl_attr_parse_nested(info_data, attr_cb, &vx);
	if (vx.tb[IFLA_VXLAN_COLLECT_METADATA] &&
	    mnl_attr_get_u8(vx.tb[IFLA_VXLAN_COLLECT_METADATA]))
		fprintf(out, " vxlan external");
	else
		fprintf(out, " vxlan id %u local %s",
			vx.tb[IFLA_VXLAN_ID] ? mnl_attr_get_u32(vx.tb[IFLA_VXLAN_ID]) : 0,
			pl_ip4_str(vx.tb[IFLA_VXLAN_LOCAL]
					   ? mnl_attr_get_u32(vx.tb[IFLA_VXLAN_LOCAL])
					   : 0,
				   a));
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0}, li = {0}, xdp = {0};
	const uint8_t *m = NULL;
	const char *kind = "-", *name;
	char prog[64];

	mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &at);
	if (!at.tb[IFLA_IFNAME])
		return MNL_CB_OK;
	name = mnl_attr_get_str(at.tb[IFLA_IFNAME]);
	if (d->nlinks < DUMP_MAX_LINKS) {
		d->ifindex[d->nlinks] = ifi->ifi_index;
		snprintf(d->name[d->nlinks++], IFNAMSIZ, "%s", name);
	}
	if (!(d->what & PL_DUMP_LINKS))
		return MNL_CB_OK;
	if (at.tb[IFLA_LINKINFO]) {
		mnl_attr_parse_nested(at.tb[IFLA_LINKINFO], attr_cb, &li);
		if (li.tb[IFLA_INFO_KIND])
			kind = mnl_attr_get_str(li.tb[IFLA_INFO_KIND]);
	}
	if (at.tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(at.tb[IFLA_ADDRESS]) == 6)
		m = mnl_attr_get_payload(at.tb[IFLA_ADDRESS]);
	fprintf(d->out, "link %u %s %s mtu %u", ifi->ifi_index, name, kind,
		at.tb[IFLA_MTU] ? mnl_attr_get_u32(at.tb[IFLA_MTU]) : 0);
	if (m)
		fprintf(d->out, " %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
			m[5]);
	fprintf(d->out, " %s", ifi->ifi_flags & IFF_UP ? "up" : "down");
	if (at.tb[IFLA_MASTER])
		fprintf(d->out, " master %u", mnl_attr_get_u32(at.tb[IFLA_MASTER]));
	if (!strcmp(kind, "vxlan") && li.tb[IFLA_INFO_DATA])
		print_vxlan(d->out, li.tb[IFLA_INFO_DATA]);
	if ((d->what & PL_DUMP_PROGS) && at.tb[IFLA_XDP]) {
		mnl_attr_parse_nested(at.tb[IFLA_XDP], attr_cb, &xdp);
		if (xdp.tb[IFLA_XDP_PROG_ID] && mnl_attr_get_u32(xdp.tb[IFLA_XDP_PROG_ID])) {
			prog_name(mnl_attr_get_u32(xdp.tb[IFLA_XDP_PROG_ID]), prog, sizeof(prog));
			fprintf(d->out, " xdp %s", prog);
		}
	}
	fputc('\n', d->out);
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0};
	char a[INET_ADDRSTRLEN];
	uint32_t ip;

	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at);
	if (ifa->ifa_family != AF_INET || !at.tb[IFA_LOCAL])
		return MNL_CB_OK;
	ip = mnl_attr_get_u32(at.tb[IFA_LOCAL]);
	fprintf(d->out, "addr %s %s/%u\n", ifname(d, ifa->ifa_index), pl_ip4_str(ip, a),
		ifa->ifa_prefixlen);
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0};
	char a[INET_ADDRSTRLEN];
	uint32_t ip = 0, table;

	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &at);
	table = at.tb[RTA_TABLE] ? mnl_attr_get_u32(at.tb[RTA_TABLE]) : rtm->rtm_table;
	if (rtm->rtm_family != AF_INET || table == RT_TABLE_LOCAL)
		return MNL_CB_OK;
	if (at.tb[RTA_DST])
		ip = mnl_attr_get_u32(at.tb[RTA_DST]);
	fprintf(d->out, "route %s/%u", pl_ip4_str(ip, a), rtm->rtm_dst_len);
	if (at.tb[RTA_GATEWAY]) {
		ip = mnl_attr_get_u32(at.tb[RTA_GATEWAY]);
		fprintf(d->out, " via %s", pl_ip4_str(ip, a));
	}
	if (at.tb[RTA_OIF])
		fprintf(d->out, " dev %s", ifname(d, mnl_attr_get_u32(at.tb[RTA_OIF])));
	fprintf(d->out, " scope %u proto %u%s", rtm->rtm_scope, rtm->rtm_protocol,
		rtm->rtm_flags & RTNH_F_ONLINK ? " onlink" : "");
	if (table != RT_TABLE_MAIN)
		fprintf(d->out, " table %u", table);
	fputc('\n', d->out);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0};
	char a[INET_ADDRSTRLEN];
	uint32_t ip = 0, table;

	mnl_attr_parse(nlh, sizeof(*frh), attr_cb, &at);
	table = at.tb[FRA_TABLE] ? mnl_attr_get_u32(at.tb[FRA_TABLE]) : frh->table;
	/* The three default rules (local, main, default) say nothing about a run. */
	if (!frh->src_len && !frh->dst_len &&
	    (table == RT_TABLE_LOCAL || table == RT_TABLE_MAIN || table == RT_TABLE_DEFAULT))
		return MNL_CB_OK;
	if (at.tb[FRA_SRC])
		ip = mnl_attr_get_u32(at.tb[FRA_SRC]);
	fprintf(d->out, "rule pref %u from %s/%u table %u",
		at.tb[FRA_PRIORITY] ? mnl_attr_get_u32(at.tb[FRA_PRIORITY]) : 0, pl_ip4_str(ip, a),
		frh->src_len, table);
	if (at.tb[FRA_FWMARK])
		fprintf(d->out, " fwmark 0x%x/0x%x", mnl_attr_get_u32(at.tb[FRA_FWMARK]),
			at.tb[FRA_FWMASK] ? mnl_attr_get_u32(at.tb[FRA_FWMASK]) : ~0u);
	fputc('\n', d->out);
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0};
	char a[INET_ADDRSTRLEN];
	const uint8_t *m;
	uint32_t ip;

	mnl_attr_parse(nlh, sizeof(*nd), attr_cb, &at);
	if (!(nd->ndm_state & NUD_PERMANENT) || !at.tb[NDA_DST] || !at.tb[NDA_LLADDR] ||
	    mnl_attr_get_payload_len(at.tb[NDA_LLADDR]) != 6 ||
	    mnl_attr_get_payload_len(at.tb[NDA_DST]) != 4)
		return MNL_CB_OK;
	ip = mnl_attr_get_u32(at.tb[NDA_DST]);
	m = mnl_attr_get_payload(at.tb[NDA_LLADDR]);
	fprintf(d->out, "%s %s %02x:%02x:%02x:%02x:%02x:%02x dev %s\n",
		nd->ndm_family == AF_BRIDGE ? "fdb" : "neigh", pl_ip4_str(ip, a), m[0], m[1], m[2],
		m[3], m[4], m[5], ifname(d, nd->ndm_ifindex));
	return MNL_CB_OK;
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0};
	const char *kind;

	mnl_attr_parse(nlh, sizeof(*t), attr_cb, &at);
	kind = at.tb[TCA_KIND] ? mnl_attr_get_str(at.tb[TCA_KIND]) : "?";
	if (!strcmp(kind, "noqueue"))
		return MNL_CB_OK;
	fprintf(d->out, "%s %s %s %x:%x parent %x:%x\n",
		nlh->nlmsg_type == RTM_NEWTCLASS ? "class" : "qdisc", ifname(d, t->tcm_ifindex),
		kind, t->tcm_handle >> 16, t->tcm_handle & 0xffff, t->tcm_parent >> 16,
		t->tcm_parent & 0xffff);
	return MNL_CB_OK;
}

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	struct attrs at = {0}, opt = {0};
	const char *kind, *hook;
	char prog[64] = "";

	mnl_attr_parse(nlh, sizeof(*t), attr_cb, &at);
	if (!at.tb[TCA_OPTIONS] || !t->tcm_handle)
		return MNL_CB_OK;
	kind = at.tb[TCA_KIND] ? mnl_attr_get_str(at.tb[TCA_KIND]) : "?";
	hook = t->tcm_parent == TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)  ? "tc-ingress"
	       : t->tcm_parent == TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) ? "tc-egress"
									  : "classifier";
	if (!strcmp(kind, "bpf")) {
		mnl_attr_parse_nested(at.tb[TCA_OPTIONS], attr_cb, &opt);
		if (opt.tb[TCA_BPF_ID])
			prog_name(mnl_attr_get_u32(opt.tb[TCA_BPF_ID]), prog, sizeof(prog));
	}
	fprintf(d->out, "filter %s %s prio %u %s%s%s\n", ifname(d, t->tcm_ifindex), hook,
		TC_H_MAJ(t->tcm_info) >> 16, kind, prog[0] ? " " : "", prog);
	return MNL_CB_OK;
}

static int dump_filters(struct dump *d, uint32_t ifindex, uint32_t parent)
{
	struct nlmsghdr *nlh = pl_nl_req(d->nl, RTM_GETTFILTER, 0);
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = parent;
	return pl_nl_dump(d->nl, nlh, filter_cb, d);
}

static int dump_one(struct dump *d, uint16_t type, uint8_t family, size_t hdr, mnl_cb_t cb)
{
	struct nlmsghdr *nlh = pl_nl_req(d->nl, type, 0);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, hdr);

	g->rtgen_family = family;
	return pl_nl_dump(d->nl, nlh, cb, d);
}

int pl_dump_ns(const char *ns, unsigned what, FILE *out)
{
	struct pl_nl nl;
	struct dump d = {.out = out, .what = what, .nl = &nl};
	int saved, err, i;

	if ((err = pl_netns_enter_name(ns, &saved)))
		return err;
	err = pl_nl_open(&nl);
	pl_netns_leave(saved);
	if (err)
		return err;
	err = dump_one(&d, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), link_cb);
	if (!err && (what & PL_DUMP_ADDRS))
		err = dump_one(&d, RTM_GETADDR, AF_INET, sizeof(struct ifaddrmsg), addr_cb);
	if (!err && (what & PL_DUMP_ROUTES))
		err = dump_one(&d, RTM_GETROUTE, AF_INET, sizeof(struct rtmsg), route_cb);
	if (!err && (what & PL_DUMP_ROUTES))
		err = dump_one(&d, RTM_GETRULE, AF_INET, sizeof(struct fib_rule_hdr), rule_cb);
	if (!err && (what & PL_DUMP_NEIGH))
		err = dump_one(&d, RTM_GETNEIGH, AF_INET, sizeof(struct ndmsg), neigh_cb);
	if (!err && (what & PL_DUMP_NEIGH))
		err = dump_one(&d, RTM_GETNEIGH, AF_BRIDGE, sizeof(struct ndmsg), neigh_cb);
	if (!err && (what & PL_DUMP_QDISCS))
		err = dump_one(&d, RTM_GETQDISC, AF_UNSPEC, sizeof(struct tcmsg), qdisc_cb);
	if (!err && (what & PL_DUMP_QDISCS))
		for (i = 0; i < d.nlinks && !err; i++) {
			struct nlmsghdr *nlh = pl_nl_req(&nl, RTM_GETTCLASS, 0);
			struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

			t->tcm_ifindex = d.ifindex[i];
			err = pl_nl_dump(&nl, nlh, qdisc_cb, &d);
		}
	for (i = 0; i < d.nlinks && !err && (what & (PL_DUMP_PROGS | PL_DUMP_QDISCS)); i++) {
		if (what & PL_DUMP_PROGS) {
			err = dump_filters(&d, d.ifindex[i],
					   TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
			if (!err)
				err = dump_filters(&d, d.ifindex[i],
						   TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
		}
		if (!err && (what & PL_DUMP_QDISCS))
			err = dump_filters(&d, d.ifindex[i], 0x10000);
		if (err == -EINVAL || err == -ENOENT) /* no such parent on this device */
			err = 0;
	}
	pl_nl_close(&nl);
	return err;
}
