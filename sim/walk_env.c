// SPDX-License-Identifier: GPL-2.0
/*
 * The walk's environment: per node an anonymous network namespace with the
 * node's devices (dummies: nothing is ever transmitted, they only give
 * test_run an ifindex and bpf_fib_lookup its routes), addresses, routes and
 * forwarding on; one datapath per node with its maps programmed as a run
 * programs them. Anonymous namespaces vanish with their last fd, so a crash
 * leaves nothing behind and nothing touches the root namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "walk_internal.h"

void sim_mac(enum sim_mac_kind kind, uint32_t index, uint8_t mac[6])
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x70;
	mac[2] = 0x6c;
	mac[3] = kind;
	mac[4] = index >> 8;
	mac[5] = index & 0xff;
}

static uint32_t mask_of(uint8_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

int sim_dev_by_ifindex(const struct sim_node *n, uint32_t ifindex)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].ifindex == ifindex)
			return i;
	return -1;
}

int sim_dev_by_kind(const struct sim_node *n, enum sim_dev_kind kind)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].kind == kind)
			return i;
	return -1;
}

int sim_route_lookup(const struct sim_node *n, uint32_t daddr)
{
	int i, best = -1;

	for (i = 0; i < n->nroutes; i++) {
		const struct sim_route *r = &n->routes[i];

		if ((daddr & mask_of(r->plen)) != r->dst)
			continue;
		if (best < 0 || r->plen > n->routes[best].plen)
			best = i;
	}
	return best;
}

int sim_node_by_underlay(const struct sim_walk *w, uint32_t ip)
{
	int i;

	for (i = 0; i < w->topo.nnodes; i++)
		if (w->topo.nodes[i].underlay_ip == ip)
			return i;
	return -1;
}

/* inet_select_addr(): the device's primary address, else the first global one in the netns. */
uint32_t sim_masq_addr(const struct sim_node *n, int dev)
{
	int i;

	if (n->devs[dev].addr)
		return n->devs[dev].addr;
	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].addr)
			return n->devs[i].addr;
	return 0;
}

static int add_dev(struct sim_node *n, enum sim_dev_kind kind, const char *name, uint32_t ifindex,
		   enum sim_mac_kind mk, uint32_t mi, uint32_t mtu)
{
	struct sim_dev *d;

	if (n->ndevs == (int)(sizeof(n->devs) / sizeof(n->devs[0])))
		return -E2BIG;
	d = &n->devs[n->ndevs];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->ifindex = ifindex;
	sim_mac(mk, mi, d->mac);
	d->mtu = mtu;
	d->pod = -1;
	return n->ndevs++;
}

static int add_route(struct sim_node *n, uint32_t dst, uint8_t plen, uint32_t gw, int dev)
{
	struct sim_route *r;

	if (n->nroutes == (int)(sizeof(n->routes) / sizeof(n->routes[0])))
		return -E2BIG;
	r = &n->routes[n->nroutes++];
	r->dst = dst & mask_of(plen);
	r->plen = plen;
	r->gw = gw;
	r->dev = dev;
	return 0;
}

static int add_neigh(struct sim_node *n, uint32_t ip, int dev, const uint8_t mac[6])
{
	struct sim_neigh *nb;

	if (n->nneighs == (int)(sizeof(n->neighs) / sizeof(n->neighs[0])))
		return -E2BIG;
	nb = &n->neighs[n->nneighs++];
	nb->ip = ip;
	nb->dev = dev;
	memcpy(nb->mac, mac, 6);
	return 0;
}

/* The node's layout, as harness/net's plan lays it out for a run. */
static int model_node(struct sim_walk *w, int i)
{
	const struct topo *t = &w->topo;
	const struct topo_node *tn = &t->nodes[i];
	struct sim_node *n = &w->nodes[i];
	uint32_t pod_mtu = t->routing == PL_ROUTING_NATIVE ? t->mtu : t->mtu - SIM_VXLAN_OVERHEAD;
	uint8_t plen = tn->underlay_plen ? tn->underlay_plen : 24;
	int up, vx = -1, d, k, j, err = 0;
	char name[16];

	up = add_dev(n, SIM_DEV_UPLINK, "eth0", SIM_IFINDEX_UPLINK, SIM_MAC_UPLINK, i, t->mtu);
	if (up < 0)
		return up;
	n->devs[up].addr = tn->underlay_ip;
	err = add_route(n, tn->underlay_ip, plen, 0, up);
	if (!err && t->routing != PL_ROUTING_NATIVE) {
		vx = add_dev(n, SIM_DEV_VXLAN, "vxlan0", SIM_IFINDEX_VXLAN, SIM_MAC_VXLAN, i,
			     t->mtu - SIM_VXLAN_OVERHEAD);
		if (vx < 0)
			return vx;
		n->vxlan_external = t->routing == PL_ROUTING_VXLAN;
		n->vxlan_vni = t->vni_base ? t->vni_base : 1;
		/* flannel style: the pod CIDR's network address on the vxlan device. */
		if (t->routing == PL_ROUTING_LEGACY)
			n->devs[vx].addr = tn->pod_cidr;
	}
	for (k = 0; k < tn->npods && !err; k++) {
		int p = tn->pods[k];

		if (strlen(t->pods[p].name) + 3 < 16)
			snprintf(name, sizeof(name), "lxc%s", t->pods[p].name);
		else
			snprintf(name, sizeof(name), "lxc%d", p);
		d = add_dev(n, SIM_DEV_LXC, name, SIM_IFINDEX_POD_BASE + k, SIM_MAC_LXC, p, pod_mtu);
		if (d < 0)
			return d;
		n->devs[d].pod = p;
		err = add_route(n, t->pods[p].ip, 32, 0, d);
		if (!err) {
			uint8_t mac[6];

			sim_mac(SIM_MAC_POD, p, mac);
			err = add_neigh(n, t->pods[p].ip, d, mac);
		}
	}
	for (j = 0; j < t->nnodes && !err; j++) {
		const struct topo_node *m = &t->nodes[j];
		uint8_t mac[6];

		if (j == i)
			continue;
		if (t->routing == PL_ROUTING_NATIVE) {
			err = add_route(n, m->pod_cidr, m->pod_plen, m->underlay_ip, up);
		} else if (t->routing == PL_ROUTING_LEGACY) {
			sim_mac(SIM_MAC_VXLAN, j, mac);
			err = add_neigh(n, m->pod_cidr, vx, mac);
			if (!err)
				err = add_route(n, m->pod_cidr, m->pod_plen, m->pod_cidr, vx);
		}
	}
	if (!err && t->routing == PL_ROUTING_LEGACY) {
		n->masq = true;
		n->masq_cidr = tn->pod_cidr;
		n->masq_plen = tn->pod_plen;
	}
	if (!err && t->world.present) {
		int gw = w->world_gw_node;

		if (t->underlay == TOPO_UNDERLAY_SEGMENT) {
			err = add_route(n, t->world.ip, 32, 0, up);
		} else if (i == gw) {
			d = add_dev(n, SIM_DEV_WORLD, "world0", SIM_IFINDEX_WORLD, SIM_MAC_WORLD, 1,
				    t->mtu);
			if (d < 0)
				return d;
			n->devs[d].addr = tn->underlay_ip;
			err = add_route(n, t->world.ip, 32, 0, d);
		} else {
			err = add_route(n, t->world.ip, 32, t->nodes[gw].underlay_ip, up);
		}
	}
	return err;
}

static int ip_batch(const char *cmds)
{
	int pfd[2], status;
	size_t off = 0, len = strlen(cmds);
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		execlp("ip", "ip", "-batch", "-", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	while (off < len) {
		n = write(pfd[1], cmds + off, len - off);
		if (n <= 0)
			break;
		off += n;
	}
	close(pfd[1]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (*buf && *len + n < *cap) {
			*len += n;
			return;
		}
		*cap = (*cap ? *cap * 2 : 4096) + n;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			return;
	}
}

static const char *ip_str(uint32_t ip, char *buf)
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

/* Runs inside the node's fresh namespace: devices, addresses, routes, forwarding. */
static int realize_node(const struct sim_node *n)
{
	char *cmds = NULL, a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	size_t len = 0, cap = 0;
	int i, fd, err;

	for (i = 0; i < n->ndevs; i++) {
		const struct sim_dev *d = &n->devs[i];
		const uint8_t *m = d->mac;

		append(&cmds, &len, &cap,
		       "link add %s index %u address %02x:%02x:%02x:%02x:%02x:%02x mtu %u type "
		       "dummy\nlink set %s up\n",
		       d->name, d->ifindex, m[0], m[1], m[2], m[3], m[4], m[5], d->mtu, d->name);
		if (d->addr)
			append(&cmds, &len, &cap, "addr add %s/32 dev %s\n", ip_str(d->addr, a),
			       d->name);
	}
	for (i = 0; i < n->nroutes; i++) {
		const struct sim_route *r = &n->routes[i];

		if (r->gw)
			append(&cmds, &len, &cap, "route add %s/%u via %s dev %s onlink\n",
			       ip_str(r->dst, a), r->plen, ip_str(r->gw, g), n->devs[r->dev].name);
		else
			append(&cmds, &len, &cap, "route add %s/%u dev %s\n", ip_str(r->dst, a),
			       r->plen, n->devs[r->dev].name);
	}
	if (!cmds)
		return -ENOMEM;
	err = ip_batch(cmds);
	free(cmds);
	if (err)
		return pl_err_errno(err, "configuring a node namespace with ip -batch");
	fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pl_err_errno(-errno, "opening ip_forward in a node namespace");
	err = write(fd, "1\n", 2) == 2 ? 0 : -errno;
	close(fd);
	return err ? pl_err_errno(err, "enabling ip_forward in a node namespace") : 0;
}

static int program_maps(struct sim_walk *w, int node)
{
	const struct topo *t = &w->topo;
	const struct topo_node *tn = &t->nodes[node];
	struct pl_datapath *dp = w->nodes[node].dp;
	int i, err;

	for (i = 0; i < tn->npods; i++) {
		const struct topo_pod *pod = &t->pods[tn->pods[i]];
		struct pl_endpoint_info ep = {
			.ifindex = SIM_IFINDEX_POD_BASE + i,
			.identity = pod->identity,
			.ep_id = pod->ep_id,
			.flags = (pod->ingress_enforced ? PL_EP_F_INGRESS_ENFORCED : 0) |
				 (pod->egress_enforced ? PL_EP_F_EGRESS_ENFORCED : 0),
		};

		sim_mac(SIM_MAC_POD, tn->pods[i], ep.mac);
		sim_mac(SIM_MAC_LXC, tn->pods[i], ep.node_mac);
		if ((err = pl_endpoint_add(dp, pod->ip, &ep)))
			return err;
	}
	for (i = 0; i < t->npods; i++) {
		struct pl_ipcache_info ic = {
			.identity = t->pods[i].identity,
			.tunnel_endpoint =
				t->pods[i].node == node ? 0 : t->nodes[t->pods[i].node].underlay_ip,
		};

		if ((err = pl_ipcache_add(dp, t->pods[i].ip, 32, &ic)))
			return err;
	}
	for (i = 0; i < t->nnodes; i++) {
		struct pl_ipcache_info ic = {
			.identity = i == node ? PL_ID_HOST : PL_ID_REMOTE_NODE,
		};

		if ((err = pl_ipcache_add(dp, t->nodes[i].underlay_ip, 32, &ic)))
			return err;
		if (i == node)
			continue;
		ic.identity = PL_ID_UNKNOWN;
		ic.tunnel_endpoint = t->nodes[i].underlay_ip;
		if ((err = pl_ipcache_add(dp, t->nodes[i].pod_cidr, t->nodes[i].pod_plen, &ic)))
			return err;
	}
	if (t->world.present) {
		struct pl_ipcache_info ic = {.identity = PL_ID_WORLD};

		if ((err = pl_ipcache_add(dp, t->world.ip, 32, &ic)))
			return err;
	}
	return 0;
}

int sim_env_enter(struct sim_walk *w, int node)
{
	int fd = node < 0 ? w->orig_netns_fd : w->nodes[node].netns_fd;

	if (w->cur_node == node)
		return 0;
	if (setns(fd, CLONE_NEWNET))
		return pl_err_errno(-errno, "entering the namespace of node %s",
				    node < 0 ? "(original)" : w->topo.nodes[node].name);
	w->cur_node = node;
	return 0;
}

static int build_node(struct sim_walk *w, int i)
{
	struct sim_node *n = &w->nodes[i];
	struct pl_datapath_opts o = {
		.routing = w->topo.routing,
		.node_ip = w->topo.nodes[i].underlay_ip,
		.vxlan_ifindex = w->topo.routing == PL_ROUTING_NATIVE ? 0 : SIM_IFINDEX_VXLAN,
		.uplink_ifindex = SIM_IFINDEX_UPLINK,
		.events = !w->opts.no_events,
	};
	int err;

	if ((err = model_node(w, i)))
		return pl_err_errno(err, "laying out node %s", w->topo.nodes[i].name);
	if ((err = sim_env_enter(w, -1)))
		return err;
	if (unshare(CLONE_NEWNET))
		return pl_err_errno(-errno, "creating a network namespace for node %s",
				    w->topo.nodes[i].name);
	w->cur_node = -2; /* a new namespace, not yet recorded */
	n->netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->netns_fd < 0)
		return pl_err_errno(-errno, "opening the namespace of node %s",
				    w->topo.nodes[i].name);
	w->cur_node = i;
	if ((err = realize_node(n)))
		return err;
	if ((err = pl_datapath_load(&o, &n->dp)))
		return err;
	if ((err = program_maps(w, i)))
		return pl_err_errno(err, "programming the maps of node %s", w->topo.nodes[i].name);
	return 0;
}

int sim_env_build(struct sim_walk *w)
{
	const struct topo *t = &w->topo;
	int i, err;

	w->cur_node = -1;
	w->orig_netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->orig_netns_fd < 0)
		return pl_err_errno(-errno, "opening the current network namespace");
	w->world_gw_node = 0;
	if (t->world.present && topo_node_by_underlay_ip(t, t->world.gateway_node_ip) >= 0)
		w->world_gw_node = topo_node_by_underlay_ip(t, t->world.gateway_node_ip);
	w->nodes = calloc(t->nnodes, sizeof(*w->nodes));
	if (!w->nodes)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++)
		w->nodes[i].netns_fd = -1;
	for (i = 0; i < t->nnodes; i++) {
		if ((err = build_node(w, i))) {
			sim_env_enter(w, -1);
			return err;
		}
	}
	return sim_env_enter(w, -1);
}

void sim_env_destroy(struct sim_walk *w)
{
	int i;

	if (!w->nodes)
		goto out;
	if (w->orig_netns_fd >= 0)
		sim_env_enter(w, -1);
	for (i = 0; i < w->topo.nnodes; i++) {
		pl_datapath_destroy(w->nodes[i].dp);
		if (w->nodes[i].netns_fd >= 0)
			close(w->nodes[i].netns_fd);
		free(w->nodes[i].nat);
	}
	free(w->nodes);
	w->nodes = NULL;
out:
	if (w->orig_netns_fd >= 0)
		close(w->orig_netns_fd);
	w->orig_netns_fd = -1;
}
