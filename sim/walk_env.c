// SPDX-License-Identifier: GPL-2.0
/*
 * The walk's environment: per node an anonymous network namespace with the
 * node's devices (veths whose peers stay inside: nothing is ever transmitted,
 * they only give test_run an ifindex and bpf_fib_lookup its routes), addresses, routes and
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

#include "lib/pkt.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "plan/plan.h"
#include "walk_internal.h"

void pl_sim_mac(enum sim_mac_kind kind, uint32_t index, uint8_t mac[6])
{
	pl_plan_mac(kind, index, mac);
}

static uint32_t mask_of(uint8_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

int pl_sim_dev_by_ifindex(const struct sim_node *n, uint32_t ifindex)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].ifindex == ifindex)
			return i;
	return -1;
}

int pl_sim_dev_by_kind(const struct sim_node *n, enum sim_dev_kind kind)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].kind == kind)
			return i;
	return -1;
}

static int lpm(const struct sim_node *n, uint32_t table, uint32_t daddr)
{
	int i, best = -1;

	for (i = 0; i < n->nroutes; i++) {
		const struct sim_route *r = &n->routes[i];

		if (r->table != table || (daddr & mask_of(r->plen)) != r->dst)
			continue;
		if (best < 0 || r->plen > n->routes[best].plen)
			best = i;
	}
	return best;
}

int pl_sim_route_lookup(const struct sim_node *n, uint32_t saddr, uint32_t daddr)
{
	int i, r;

	for (i = 0; i < n->nrules; i++) {
		if ((saddr & mask_of(n->rules[i].plen)) != n->rules[i].src)
			continue;
		if ((r = lpm(n, n->rules[i].table, daddr)) >= 0)
			return r;
	}
	return lpm(n, 0, daddr);
}

int pl_sim_node_by_underlay(const struct sim_walk *w, uint32_t ip)
{
	int i;

	for (i = 0; i < w->topo.nnodes; i++)
		if (w->topo.nodes[i].underlay_ip == ip)
			return i;
	return -1;
}

/* inet_select_addr(): the device's primary address, else the first global one in the netns. */
uint32_t pl_sim_masq_addr(const struct sim_node *n, int dev)
{
	int i;

	if (n->devs[dev].addr)
		return n->devs[dev].addr;
	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].addr)
			return n->devs[i].addr;
	return 0;
}

static int add_route(struct sim_node *n, uint32_t dst, uint8_t plen, uint32_t gw, int dev,
		     uint32_t table)
{
	struct sim_route *r;

	if (n->nroutes == (int)(sizeof(n->routes) / sizeof(n->routes[0])))
		return -E2BIG;
	r = &n->routes[n->nroutes++];
	r->dst = dst & mask_of(plen);
	r->plen = plen;
	r->gw = gw;
	r->dev = dev;
	r->table = table == 254 ? 0 : table;
	return 0;
}

static int add_rule(struct sim_node *n, uint32_t src, uint8_t plen, uint32_t table,
		    uint32_t priority)
{
	int i;

	if (n->nrules == (int)(sizeof(n->rules) / sizeof(n->rules[0])))
		return -E2BIG;
	for (i = n->nrules; i > 0 && n->rules[i - 1].priority > priority; i--)
		n->rules[i] = n->rules[i - 1];
	n->rules[i] = (struct sim_rule){
		.src = src & mask_of(plen), .plen = plen, .table = table, .priority = priority};
	n->nrules++;
	return 0;
}

static int add_neigh(struct sim_node *n, struct sim_neigh *tab, int *ntab, uint32_t ip, int dev,
		     const uint8_t mac[6])
{
	struct sim_neigh *nb;

	(void)n;
	if (*ntab == SIM_MAX_NEIGH)
		return -E2BIG;
	nb = &tab[(*ntab)++];
	nb->ip = ip;
	nb->dev = dev;
	memcpy(nb->mac, mac, 6);
	return 0;
}

static int dev_by_name(const struct sim_node *n, const char *name)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (!strcmp(n->devs[i].name, name))
			return i;
	return -1;
}

/* A device of the node's namespace from a plan step (one end of a veth, or a vxlan). */
static int plan_dev(struct sim_walk *w, struct sim_node *n, const char *name, uint32_t ifindex,
		    const uint8_t mac[6], uint32_t mtu, int other_ns)
{
	const struct pl_plan *p = w->plan;
	enum sim_dev_kind kind = SIM_DEV_UPLINK;
	struct sim_dev *d;

	if (n->ndevs == (int)(sizeof(n->devs) / sizeof(n->devs[0])))
		return -E2BIG;
	if (other_ns >= 0 && p->ns[other_ns].role == PL_NS_POD)
		kind = SIM_DEV_LXC;
	else if (other_ns >= 0 && p->ns[other_ns].role == PL_NS_WORLD)
		kind = SIM_DEV_WORLD;
	else if (other_ns < 0)
		kind = SIM_DEV_VXLAN;
	d = &n->devs[n->ndevs];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->ifindex = ifindex;
	memcpy(d->mac, mac, 6);
	d->mtu = mtu ? mtu : 1500;
	d->pod = kind == SIM_DEV_LXC ? p->ns[other_ns].index : -1;
	return n->ndevs++;
}

/* The node's layout: exactly the devices, addresses, routes, neighbours and NAT of the plan. */
static int model_node(struct sim_walk *w, int i)
{
	const struct pl_plan *p = w->plan;
	struct sim_node *n = &w->nodes[i];
	int ns = p->node_ns[i], k, d, err = 0;

	for (k = 0; k < p->nsteps && !err; k++) {
		const struct pl_step *s = &p->steps[k];

		if (s->kind == PL_STEP_VETH && s->ns == ns)
			err = plan_dev(w, n, s->dev, s->ifindex, s->mac, s->mtu, s->peer.ns);
		else if (s->kind == PL_STEP_VETH && s->peer.ns == ns)
			err = plan_dev(w, n, s->peer.dev, s->peer.ifindex, s->peer.mac, s->mtu,
				       s->ns);
		else if (s->kind == PL_STEP_VXLAN && s->ns == ns) {
			err = plan_dev(w, n, s->dev, s->ifindex, s->mac, s->mtu, -1);
			n->vxlan_external = s->vxlan.external;
			n->vxlan_vni = s->vxlan.vni;
		}
		err = err < 0 ? err : 0;
	}
	for (k = 0; k < p->nsteps && !err; k++) {
		const struct pl_step *s = &p->steps[k];

		if (s->ns != ns)
			continue;
		d = s->dev[0] ? dev_by_name(n, s->dev) : -1;
		switch (s->kind) {
		case PL_STEP_ADDR:
			if (d >= 0 && !n->devs[d].addr)
				n->devs[d].addr = s->addr.ip;
			if (d >= 0 && s->addr.plen < 32)
				err = add_route(n, s->addr.ip, s->addr.plen, 0, d, 0);
			break;
		case PL_STEP_ROUTE:
			if (d >= 0)
				err = add_route(n, s->route.dst, s->route.plen, s->route.gw, d,
						s->route.table);
			break;
		case PL_STEP_NEIGH:
			if (d >= 0)
				err = add_neigh(n, n->neighs, &n->nneighs, s->neigh.ip, d,
						s->neigh.mac);
			break;
		case PL_STEP_FDB:
			if (d >= 0)
				err = add_neigh(n, n->fdb, &n->nfdb, s->neigh.ip, d, s->neigh.mac);
			break;
		case PL_STEP_RULE:
			if (s->rule.v6)
				err = pl_sim_env_v6_step(n, s, d);
			else
				err = add_rule(n, s->rule.src, s->rule.plen, s->rule.table,
					       s->rule.priority);
			break;
		case PL_STEP_ADDR6:
		case PL_STEP_NEIGH6:
		case PL_STEP_ROUTE6:
			err = pl_sim_env_v6_step(n, s, d);
			break;
		case PL_STEP_MASQUERADE:
			if (s->masq.v6) {
				err = pl_sim_env_v6_step(n, s, dev_by_name(n, s->masq.oif));
				break;
			}
			n->masq = true;
			n->masq_outgoing = s->masq.outgoing;
			n->masq_cidr = s->masq.cidr;
			n->masq_plen = s->masq.plen;
			n->masq_dev = dev_by_name(n, s->masq.oif);
			break;
		default:
			break;
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

/* Runs inside the node's fresh namespace: devices, addresses, routes, forwarding. */
static int realize_node(const struct sim_node *n, bool v6)
{
	char *cmds = NULL, *cmds6 = NULL, a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	size_t len = 0, cap = 0;
	int i, fd, err;

	if (v6 && (err = pl_sim_env_v6_sysctls(true)))
		return err;

	for (i = 0; i < n->ndevs; i++) {
		const struct sim_dev *d = &n->devs[i];
		const uint8_t *m = d->mac;

		/* No dummy driver on these kernels: a veth whose peer stays in the namespace. */
		append(&cmds, &len, &cap,
		       "link add %s index %u address %02x:%02x:%02x:%02x:%02x:%02x mtu %u type "
		       "veth peer name sim%u index %u mtu %u\nlink set %s up\nlink set sim%u up\n",
		       d->name, d->ifindex, m[0], m[1], m[2], m[3], m[4], m[5], d->mtu, d->ifindex,
		       1000 + d->ifindex, d->mtu, d->name, d->ifindex);
		if (d->addr)
			append(&cmds, &len, &cap, "addr add %s/32 dev %s\n", pl_ip4_str(d->addr, a),
			       d->name);
	}
	for (i = 0; i < n->nroutes; i++) {
		const struct sim_route *r = &n->routes[i];

		if (r->gw)
			append(&cmds, &len, &cap, "route add %s/%u via %s dev %s onlink table %u\n",
			       pl_ip4_str(r->dst, a), r->plen, pl_ip4_str(r->gw, g),
			       n->devs[r->dev].name, r->table ? r->table : 254);
		else
			append(&cmds, &len, &cap, "route add %s/%u dev %s table %u\n",
			       pl_ip4_str(r->dst, a), r->plen, n->devs[r->dev].name,
			       r->table ? r->table : 254);
	}
	for (i = 0; i < n->nrules; i++)
		append(&cmds, &len, &cap, "rule add from %s/%u table %u priority %u\n",
		       pl_ip4_str(n->rules[i].src, a), n->rules[i].plen, n->rules[i].table,
		       n->rules[i].priority);
	if (v6 && !(cmds6 = pl_sim_env_v6_batch(n))) {
		free(cmds);
		return -ENOMEM;
	}
	if (cmds6)
		append(&cmds, &len, &cap, "%s", cmds6);
	free(cmds6);
	if (!cmds)
		return -ENOMEM;
	err = ip_batch(cmds);
	free(cmds);
	if (err)
		return pl_err_errno(err, "configuring a node namespace with ip -batch");
	if (v6 && (err = pl_sim_env_v6_sysctls(false)))
		return err;
	fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pl_err_errno(-errno, "opening ip_forward in a node namespace");
	err = write(fd, "1\n", 2) == 2 ? 0 : -errno;
	close(fd);
	return err ? pl_err_errno(err, "enabling ip_forward in a node namespace") : 0;
}

/* The same map elements `podlab up` writes (the plan's pl_dp_map_entries). */
static int program_maps(struct sim_walk *w, int node)
{
	struct pl_datapath *dp = w->nodes[node].dp;
	struct pl_map_entry *e = NULL;
	int i, n = 0, err;

	if ((err = pl_dp_map_entries(w->plan, node, &e, &n)))
		return err;
	for (i = 0; i < n && !err; i++) {
		err = pl_datapath_map_update(dp, e[i].map, e[i].key, e[i].val);
		if (err)
			pl_err_errno(err, "updating the %s map of node %s", e[i].map,
				     w->topo.nodes[node].name);
	}
	free(e);
	return err;
}

/* The node's uplink egress qdisc (a topology link of this node), as the sim's model. */
static int uplink_qdisc(struct sim_walk *w, int node)
{
	const struct topo *t = &w->topo;
	struct sim_qdisc_opts o = {.pool = &w->pool};
	char msg[160];
	int i, err;

	for (i = 0; i < t->nlinks; i++) {
		if (t->links[i].node != node || t->links[i].qdisc.kind == TOPO_QDISC_NONE)
			continue;
		o.seed = w->opts.seed + (uint64_t)node;
		err = pl_sim_qdisc_create(&t->links[i].qdisc, &o, &w->nodes[node].qdisc, msg,
					  sizeof(msg));
		if (err)
			pl_err("%s:%d:%d: %s", t->file ? t->file : "topology",
			       t->links[i].qdisc.pos.line, t->links[i].qdisc.pos.col, msg);
		return err;
	}
	return 0;
}

int pl_sim_env_qdiscs_reset(struct sim_walk *w)
{
	int i, err;

	for (i = 0; i < w->topo.nnodes; i++) {
		if (w->nodes[i].qdisc)
			pl_sim_qdisc_destroy(w->nodes[i].qdisc);
		w->nodes[i].qdisc = NULL;
		if ((err = uplink_qdisc(w, i)))
			return err;
	}
	return 0;
}

int pl_sim_env_enter(struct sim_walk *w, int node)
{
	int fd = node < 0 ? w->orig_netns_fd : w->nodes[node].netns_fd;

	if (w->progs.enter)
		return w->progs.enter(w->progs.ctx, node);
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
	struct pl_datapath_opts o;
	int err;

	pl_dp_opts(w->plan, i, &o);
	o.events = !w->opts.no_events;
	/* One ipcache for the cluster, as a run's: the first node's, filled with its maps. */
	o.share_with = i ? w->nodes[0].dp : NULL;

	if ((err = model_node(w, i)))
		return pl_err_errno(err, "laying out node %s", w->topo.nodes[i].name);
	if ((err = uplink_qdisc(w, i)))
		return err;
	if (w->progs.test_run)
		return 0;
	if ((err = pl_sim_env_enter(w, -1)))
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
	if ((err = realize_node(n, pl_topo_has_v6(&w->topo))))
		return err;
	if ((err = pl_datapath_load(&o, &n->dp)))
		return err;
	if ((err = program_maps(w, i)))
		return err;
	return 0;
}

int pl_sim_env_build(struct sim_walk *w)
{
	const struct topo *t = &w->topo;
	/* The walk's uplink is xdp_prefilter then from_network, as in a replay's run. */
	struct pl_plan_opts popts = {.datapath = true, .xdp_prefilter = true};
	int i, err = 0, back;

	w->cur_node = -1;
	/* Without test_run the nodes are namespaces: building enters them, so come back. */
	if (!w->progs.test_run) {
		w->orig_netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (w->orig_netns_fd < 0)
			return pl_err_errno(-errno, "opening the current network namespace");
	}
	if ((err = pl_plan_build(t, "sim", &popts, &w->plan)))
		return err;
	w->nodes = calloc(t->nnodes, sizeof(*w->nodes));
	if (!w->nodes)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++)
		w->nodes[i].netns_fd = -1;
	for (i = 0; i < t->nnodes && !err; i++)
		err = build_node(w, i);
	if (w->progs.test_run)
		return err;
	back = pl_sim_env_enter(w, -1);
	return err ? err : back;
}

void pl_sim_env_destroy(struct sim_walk *w)
{
	int i;

	if (!w->nodes)
		goto out;
	if (w->orig_netns_fd >= 0 || w->progs.enter)
		pl_sim_env_enter(w, -1);
	for (i = 0; i < w->topo.nnodes; i++) {
		if (w->nodes[i].qdisc)
			pl_sim_qdisc_destroy(w->nodes[i].qdisc);
		pl_datapath_destroy(w->nodes[i].dp);
		if (w->nodes[i].netns_fd >= 0)
			close(w->nodes[i].netns_fd);
		free(w->nodes[i].nat);
		free(w->nodes[i].nat6);
	}
	free(w->nodes);
	w->nodes = NULL;
out:
	pl_user_progs_close(&w->users);
	pl_plan_free(w->plan);
	w->plan = NULL;
	if (w->orig_netns_fd >= 0)
		close(w->orig_netns_fd);
	w->orig_netns_fd = -1;
}
