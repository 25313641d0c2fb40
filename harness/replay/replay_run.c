// SPDX-License-Identifier: GPL-2.0
/*
 * The replay's view of a running topology: per node its namespace
 * (/run/netns/pl-<run>-<node>), the programs and maps pinned under
 * /sys/fs/bpf/podlab/<run>/<node>/, and device ifindexes found in the
 * namespace itself (uplink: holds the underlay IP; vxlan: link kind vxlan;
 * pods: the endpoints map), so no device naming convention is assumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "net/collector.h"
#include "net/run.h"
#include "replay/evshare.h"
#include "replay/replay_core.h"
#include "replay/replay_run.h"
#include "replay/scenario.h"
#include "topo/topo.h"

#define PIN_ROOT "/sys/fs/bpf/podlab"

int pl_replay_node_on_event(void *ctx, const void *data, size_t size)
{
	struct pl_replay_node *n = ctx;
	struct pl_flow_event *grown;

	if (size < sizeof(struct pl_flow_event))
		return 0;
	if (n->nevs == n->cap_evs) {
		size_t cap = n->cap_evs ? n->cap_evs * 2 : 64;

		grown = realloc(n->evs, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		n->evs = grown;
		n->cap_evs = cap;
	}
	memcpy(&n->evs[n->nevs++], data, sizeof(struct pl_flow_event));
	return 0;
}

/* Link dump callback: remembers the first vxlan device. */
static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	uint32_t *vxlan = data;
	struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(*ifm))
	{
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a)
		{
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
			    !strcmp(mnl_attr_get_str(b), "vxlan") && !*vxlan)
				*vxlan = ifm->ifi_index;
		}
	}
	return MNL_CB_OK;
}

struct addr_find {
	uint32_t ip;
	uint8_t plen; /* the underlay prefix: a /32 copy on another device is not the uplink */
	uint32_t ifindex;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_find *f = data;
	struct nlattr *a;

	if (ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
	{
		if (mnl_attr_get_type(a) == IFA_LOCAL && mnl_attr_get_u32(a) == f->ip &&
		    (!f->ifindex || ifa->ifa_prefixlen == f->plen))
			f->ifindex = ifa->ifa_index;
	}
	return MNL_CB_OK;
}

/* One rtnetlink dump in the calling thread's namespace. */
static int dump(uint16_t type, uint8_t family, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	unsigned seq = time(NULL), portid;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	g->rtgen_family = family;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	while ((ret = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, ret, seq, portid, cb, data);
		if (ret <= MNL_CB_STOP)
			break;
	}
	ret = ret < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

static int open_pin(const char *run, const char *node, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), PIN_ROOT "/%s/%s/%s", run, node, name);
	return bpf_obj_get(path);
}

int pl_replay_run_attach(struct pl_replay *rp, int node)
{
	const struct topo *t = rp->t;
	const char *name = t->nodes[node].name;
	struct pl_replay_node *n = &rp->nodes[node];
	struct addr_find af = {.ip = t->nodes[node].underlay_ip,
			       .plen = t->nodes[node].underlay_plen};
	struct pl_endpoint_info info;
	char path[256];
	int p, i, fd, err;

	for (p = 0; p <= PL_PROG_XDP_PREFILTER; p++)
		n->prog_fd[p] = -1;
	n->counters_fd = -1;
	n->pod_ifindex = calloc(t->npods + 1, sizeof(*n->pod_ifindex));
	n->pod_gw_mac = calloc(t->npods + 1, sizeof(*n->pod_gw_mac));
	if (!n->pod_ifindex || !n->pod_gw_mac)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/run/netns/pl-%s-%s", rp->run, name);
	n->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (n->netns_fd < 0)
		return pl_err_errno(-errno, "opening namespace %s of run %s", path, rp->run);
	for (p = PL_PROG_FROM_POD; p <= PL_PROG_XDP_PREFILTER; p++) {
		n->prog_fd[p] = open_pin(rp->run, name, pl_prog_name(p));
		if (n->prog_fd[p] < 0)
			return pl_err_errno(-errno, "opening pinned program " PIN_ROOT "/%s/%s/%s",
					    rp->run, name, pl_prog_name(p));
	}
	n->counters_fd = open_pin(rp->run, name, "counters");
	fd = open_pin(rp->run, name, "events");
	if (n->counters_fd < 0 || fd < 0) {
		err = pl_err_errno(-errno, "opening the pinned maps of node %s in run %s", name,
				   rp->run);
		if (fd >= 0)
			close(fd);
		return err;
	}
	err = pl_evring_open(&n->ring, fd);
	if (err)
		return pl_err_errno(err, "mapping the events ring buffer of node %s", name);
	/* observe/check readers' collector consumes the ring: we only look (evring.h). */
	n->ring.shared = pl_collector_running(rp->run);
	fd = open_pin(rp->run, name, "endpoints");
	if (fd < 0)
		return pl_err_errno(-errno, "opening the endpoints map of node %s", name);
	for (i = 0; i < t->npods; i++) {
		struct pl_endpoint_key k = {.ip = t->pods[i].ip};

		if (t->pods[i].node == node && !bpf_map_lookup_elem(fd, &k, &info)) {
			n->pod_ifindex[i] = info.ifindex;
			memcpy(n->pod_gw_mac[i], info.node_mac, 6);
		}
	}
	close(fd);
	err = pl_replay_enter(rp, node);
	if (!err)
		err = dump(RTM_GETLINK, AF_UNSPEC, link_cb, &n->vxlan_ifindex);
	if (!err)
		err = dump(RTM_GETADDR, AF_INET, addr_cb, &af);
	if (err)
		return pl_err_errno(err, "listing the devices of node %s", name);
	n->uplink_ifindex = af.ifindex;
	pl_debug("node %s: uplink ifindex %u, vxlan ifindex %u", name, n->uplink_ifindex,
		 n->vxlan_ifindex);
	if (!n->uplink_ifindex) {
		pl_err("node %s of run %s: no device holds its underlay IP", name, rp->run);
		return -ENODEV;
	}
	/*
	 * A reused run built without prefilter rules has no XDP on the uplink: the replay's
	 * uplink is xdp_prefilter then from_network, so put it there for the session.
	 */
	if (!rp->own_run) {
		err = bpf_xdp_attach(n->uplink_ifindex, n->prog_fd[PL_PROG_XDP_PREFILTER],
				     XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (!err)
			n->xdp_attached = true;
		else if (err != -EBUSY && err != -EEXIST)
			return pl_err_errno(err, "attaching xdp_prefilter to the uplink of node %s",
					    name);
	}
	/* Drain what the live datapath emitted before we came. */
	pl_evring_read(&n->ring, true, pl_replay_node_on_event, n);
	n->nevs = 0;
	return 0;
}

void pl_replay_run_detach(struct pl_replay *rp, int node)
{
	struct pl_replay_node *n = &rp->nodes[node];
	int p;

	if (n->xdp_attached && !pl_replay_enter(rp, node)) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, xo,
			    .old_prog_fd = n->prog_fd[PL_PROG_XDP_PREFILTER]);

		/* Only ours: XDP_FLAGS_REPLACE fails when something else took the hook since. */
		bpf_xdp_detach(n->uplink_ifindex, XDP_FLAGS_REPLACE, &xo);
		pl_replay_enter(rp, -1);
	}
	if (n->netns_fd > 0)
		close(n->netns_fd);
	for (p = PL_PROG_FROM_POD; n->pod_ifindex && p <= PL_PROG_XDP_PREFILTER; p++)
		if (n->prog_fd[p] >= 0)
			close(n->prog_fd[p]);
	if (n->pod_ifindex && n->counters_fd >= 0)
		close(n->counters_fd);
	pl_evring_close(&n->ring);
	free(n->evs);
	free(n->pod_ifindex);
	free(n->pod_gw_mac);
	memset(n, 0, sizeof(*n));
	n->netns_fd = -1;
}

int pl_replay_counter_read(struct pl_replay *rp, int node, const struct pl_counter_key *key,
			   uint64_t *packets)
{
	struct pl_counter_val v;
	int err = pl_counter_read_fd(rp->nodes[node].counters_fd, key, &v);

	*packets = err ? 0 : v.packets;
	return err;
}

int pl_replay_test_run(struct pl_replay *rp, int node, enum pl_prog prog, const uint8_t *pkt,
		       uint32_t len, uint32_t ifindex, uint32_t mark, struct pl_run_result *rr)
{
	struct pl_replay_node *n = &rp->nodes[node];
	struct __sk_buff skb = {.ifindex = ifindex, .mark = mark};
	struct xdp_md xdp = {.data_end = len, .ingress_ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .data_out = rp->buf,
		    .data_size_out = PL_PKT_MAX + 256, .repeat = 1);
	uint64_t t0, t1;
	size_t i;
	int err;

	memset(rr, 0, sizeof(*rr));
	err = pl_replay_enter(rp, node);
	if (err)
		return err;
	if (prog == PL_PROG_XDP_PREFILTER) {
		o.ctx_in = &xdp;
		o.ctx_size_in = sizeof(xdp);
	} else {
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	}
	t0 = pl_now_ns();
	if (bpf_prog_test_run_opts(n->prog_fd[prog], &o))
		return -errno;
	t1 = pl_now_ns();
	rr->retval = o.retval;
	rr->data_out = rp->buf;
	rr->data_out_len = o.data_size_out;
	rr->duration_ns = o.duration;
	if (rp->evshare) {
		err = pl_evshare_take(rp->evshare, &n->ring, node, rp->cpu, prog, ifindex, len, t0,
				      t1, &rr->event);
		if (err < 0)
			return pl_err_errno(err, "reading the flow events of node %s",
					    rp->t->nodes[node].name);
		rr->has_event = err > 0;
		return 0;
	}
	n->nevs = 0;
	err = pl_evring_read(&n->ring, false, pl_replay_node_on_event, n);
	if (err < 0)
		return pl_err_errno(err, "reading the flow events of node %s",
				    rp->t->nodes[node].name);
	for (i = 0; i < n->nevs; i++) {
		if (pl_event_of_test_run(&n->evs[i], prog, ifindex, len, t0, t1)) {
			rr->event = n->evs[i];
			rr->has_event = true;
			break;
		}
	}
	n->nevs = 0;
	return 0;
}

int pl_replay_prefilter(struct pl_replay *rp, const struct pl_scn_cidr *c, uint32_t rule_id,
			bool add)
{
	struct pl_prefilter_key k = {.prefixlen = c->plen, .ip = c->ip};
	struct pl_prefilter6_key k6 = {.prefixlen = c->plen};
	const char *map = c->v6 ? "prefilter6" : "prefilter";
	const void *key = c->v6 ? (const void *)&k6 : (const void *)&k;
	int i, fd, err = 0;

	if (c->v6 && !pl_topo_has_v6(rp->t)) {
		pl_err("an IPv6 prefilter entry, but ipFamilies of %s names no IPv6", rp->t->name);
		return -EAFNOSUPPORT;
	}
	memcpy(k6.ip6, c->ip6, 16);
	for (i = 0; i < rp->t->nnodes && !err; i++) {
		fd = open_pin(rp->run, rp->t->nodes[i].name, map);
		if (fd < 0)
			return pl_err_errno(-errno, "opening the %s map of node %s", map,
					    rp->t->nodes[i].name);
		if (add ? bpf_map_update_elem(fd, key, &rule_id, BPF_ANY)
			: bpf_map_delete_elem(fd, key) && errno != ENOENT)
			err = pl_err_errno(-errno, "%s a prefilter entry on node %s",
					   add ? "adding" : "removing", rp->t->nodes[i].name);
		close(fd);
	}
	return err;
}

int pl_replay_run_up(const struct topo *t, bool allow_missing, char *run, size_t len)
{
	/*
	 * We keep ownership: if we die, `podlab down --stale` reaps the run. The replay's
	 * uplink is xdp_prefilter then from_network, and scenarios add prefilter entries.
	 */
	struct pl_up_opts o = {.topology = t->file,
			       .allow_missing = allow_missing,
			       .datapath = true,
			       .xdp_prefilter = true,
			       .keep_owner = true};
	char id[PL_RUN_ID_MAX];
	int err;

	err = pl_run_up(t, &o, id);
	if (err)
		return err;
	snprintf(run, len, "%s", id);
	return 0;
}

int pl_replay_run_down(const char *run)
{
	return pl_run_down(run);
}
