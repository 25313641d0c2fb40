// SPDX-License-Identifier: GPL-2.0
/* Executes a plan through rtnetlink, libnftables and libbpf, without a process per object. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <nftables/libnftables.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "net/dp.h"
#include "net/exec.h"
#include "net/link.h"
#include "net/netns.h"
#include "net/nginx.h"
#include "net/nl.h"
#include "net/tc.h"
#include "net/user_watch.h"

struct ns_ctx {
	int fd;
	int ioctl_sk; /* AF_INET socket in the ns, for ethtool */
	struct pl_nl nl;
};

struct exec {
	const struct pl_plan *p;
	const struct pl_exec_hooks *hooks;
	struct ns_ctx *ns;
	struct pl_dp_node **dp;	      /* per node */
	struct pl_dp_node *dp_loaded; /* the node that loaded the run's datapath */
	bool pins_recorded;
	int *watch_fds; /* links of the watches on users' programs, for the run's holder */
	int nwatch;
};

volatile sig_atomic_t pl_exec_stop;

/* Inside a new namespace: lo up. */
static int lo_up(void *arg)
{
	struct ns_ctx *c = arg;
	int err;

	if ((err = pl_nl_open(&c->nl)))
		return pl_err_errno(err, "opening rtnetlink socket");
	return pl_link_up(&c->nl, 1, "lo");
}

/* Soft RLIMIT_NOFILE up to the hard limit: namespaces, sockets and BPF objects add up. */
static void raise_nofile(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static void ns_close(struct ns_ctx *c)
{
	if (c->nl.sk)
		pl_nl_close(&c->nl);
	if (c->ioctl_sk >= 0)
		close(c->ioctl_sk);
	if (c->fd >= 0)
		close(c->fd);
	c->ioctl_sk = c->fd = -1;
}

static int record(struct exec *e, const char *kind, const char *value)
{
	if (!e->hooks || !e->hooks->record)
		return 0;
	return e->hooks->record(e->hooks->ctx, kind, value);
}

static int step_netns(struct exec *e, const struct pl_step *s)
{
	const char *name = e->p->ns[s->ns].name;
	struct ns_ctx *c = &e->ns[s->ns];
	int fd, err;

	if ((err = record(e, "netns", name)))
		return err;
	fd = pl_netns_create(name, lo_up, c);
	if (fd == -EEXIST)
		return pl_err_errno(fd, "creating network namespace %s (run id in use?)", name);
	if (fd < 0)
		return pl_err_errno(fd, "creating network namespace %s", name);
	close(fd);
	/* Reopened on first use: a big topology would hold thousands of descriptors. */
	ns_close(c);
	return 0;
}

/* fd, rtnetlink and ioctl sockets of namespace i, opened on first use. */
static int ns_open(struct exec *e, int i)
{
	struct ns_ctx *c = &e->ns[i];
	int saved, err;

	if (c->fd >= 0)
		return 0;
	c->fd = pl_netns_open(e->p->ns[i].name);
	if (c->fd < 0)
		return pl_err_errno(c->fd, "opening network namespace %s", e->p->ns[i].name);
	if ((err = pl_netns_enter(c->fd, &saved)))
		return pl_err_errno(err, "entering %s", e->p->ns[i].name);
	err = pl_nl_open(&c->nl);
	if (err)
		pl_err_errno(err, "opening an rtnetlink socket in %s", e->p->ns[i].name);
	c->ioctl_sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!err && c->ioctl_sk < 0)
		err = pl_err_errno(-errno, "opening a socket in %s", e->p->ns[i].name);
	if (pl_netns_leave(saved) && !err)
		err = -EIO;
	return err;
}

static const char *what(const struct exec *e, int ns, const char *dev, char *buf, size_t len)
{
	snprintf(buf, len, "%s in %s", dev, e->p->ns[ns].name);
	return buf;
}

static int write_sysctl(const char *key, const char *value)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int masquerade(const struct pl_plan *p, const struct pl_step *s)
{
	struct nft_ctx *nft;
	char *cmd;
	int err;

	if (!(cmd = pl_plan_nft_masquerade(p, s)))
		return -ENOMEM;
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft) {
		free(cmd);
		return -ENOMEM;
	}
	nft_ctx_buffer_error(nft);
	err = nft_run_cmd_from_buffer(nft, cmd) ? -EINVAL : 0;
	if (err)
		pl_err("nftables: %s", nft_ctx_get_error_buffer(nft));
	nft_ctx_free(nft);
	free(cmd);
	return err;
}

/* Steps that need the thread inside the namespace (procfs, ioctl, nftables, bpf). */
static int step_in_ns(struct exec *e, const struct pl_step *s)
{
	struct ns_ctx *c = &e->ns[s->ns];
	char w[96];
	int saved, err, node;

	if ((err = pl_netns_enter(c->fd, &saved)))
		return pl_err_errno(err, "entering %s", e->p->ns[s->ns].name);
	switch (s->kind) {
	case PL_STEP_SYSCTL:
		err = write_sysctl(s->sysctl.key, s->sysctl.value);
		if (err)
			pl_err_errno(err, "setting %s=%s in %s", s->sysctl.key, s->sysctl.value,
				     e->p->ns[s->ns].name);
		break;
	case PL_STEP_MASQUERADE:
		err = masquerade(e->p, s);
		if (err)
			pl_err("adding nftables masquerade in %s failed", e->p->ns[s->ns].name);
		break;
	case PL_STEP_DATAPATH:
		node = s->dp.node;
		if (!e->pins_recorded) {
			if ((err = record(e, "pins", e->p->pin_dir)))
				break;
			e->pins_recorded = true;
		}
		err = pl_dp_load(e->p, node, e->dp_loaded, &e->dp[node]);
		if (!err && !e->dp_loaded)
			e->dp_loaded = e->dp[node];
		break;
	case PL_STEP_ATTACH: {
		int watch = -1;

		err = pl_dp_attach(s->attach.user < 0 ? e->dp[s->attach.node] : NULL, e->p, s,
				   &c->nl, &watch);
		if (watch >= 0 && e->nwatch < e->p->topo->nprograms)
			e->watch_fds[e->nwatch++] = watch;
		else if (watch >= 0)
			close(watch); /* cannot happen: one attach step per program */
		break;
	}
	case PL_STEP_MAPS:
		err = pl_dp_maps(e->dp[s->dp.node], e->p, s->dp.node);
		break;
	default:
		err = -EINVAL;
		pl_err("step %s cannot run in %s", pl_step_kind_name(s->kind),
		       what(e, s->ns, "", w, sizeof(w)));
	}
	if (pl_netns_leave(saved) && !err)
		err = -EIO;
	return err;
}

static int step_gro(struct exec *e, const struct pl_step *s)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_SGRO, .data = 1};
	struct ifreq ifr = {0};
	char w[96];

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", s->dev);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(e->ns[s->ns].ioctl_sk, SIOCETHTOOL, &ifr))
		return pl_err_errno(-errno, "turning GRO on for %s",
				    what(e, s->ns, s->dev, w, sizeof(w)));
	return 0;
}

/* A planned ifindex held by a device podlab did not make: name it rather than say EEXIST. */
static int ifindex_free(struct exec *e, int ns, uint32_t ifindex, const char *dev)
{
	struct ifreq ifr = {.ifr_ifindex = (int)ifindex};

	if (!ifindex || ioctl(e->ns[ns].ioctl_sk, SIOCGIFNAME, &ifr))
		return 0;
	return pl_err_errno(-EEXIST, "creating %s in %s: ifindex %u is taken by %s", dev,
			    e->p->ns[ns].name, ifindex, ifr.ifr_name);
}

static int step(struct exec *e, const struct pl_step *s)
{
	const struct pl_plan *p = e->p;
	struct pl_nl *nl = &e->ns[s->ns].nl;
	uint32_t ifindex = s->ifindex;
	char w[96];

	what(e, s->ns, s->dev, w, sizeof(w));
	if (s->kind != PL_STEP_NETNS) {
		int err = ns_open(e, s->ns);

		if (!err && s->kind == PL_STEP_VETH)
			err = ns_open(e, s->peer.ns);
		if (!err && (s->kind == PL_STEP_VETH || s->kind == PL_STEP_BRIDGE ||
			     s->kind == PL_STEP_VXLAN || s->kind == PL_STEP_IPIP))
			err = ifindex_free(e, s->ns, s->ifindex, s->dev);
		if (!err && s->kind == PL_STEP_VETH)
			err = ifindex_free(e, s->peer.ns, s->peer.ifindex, s->peer.dev);
		if (err)
			return err;
	}
	switch (s->kind) {
	case PL_STEP_NETNS:
		return step_netns(e, s);
	case PL_STEP_VETH: {
		struct pl_link_spec a = {s->dev, s->ifindex, s->mac, s->mtu, -1};
		struct pl_link_spec b = {s->peer.dev, s->peer.ifindex, s->peer.mac, s->mtu,
					 e->ns[s->peer.ns].fd};

		return pl_link_veth(nl, &a, &b);
	}
	case PL_STEP_BRIDGE: {
		struct pl_link_spec a = {s->dev, s->ifindex, NULL, s->mtu, -1};

		return pl_link_bridge(nl, &a);
	}
	case PL_STEP_VXLAN: {
		struct pl_link_spec a = {s->dev, s->ifindex, s->mac, s->mtu, -1};

		return pl_link_vxlan(nl, &a, s->vxlan.external, s->vxlan.vni, s->vxlan.local,
				     s->vxlan.link_ifindex, s->vxlan.port);
	}
	case PL_STEP_IPIP: {
		struct pl_link_spec a = {s->dev, s->ifindex, NULL, s->mtu, -1};

		return pl_link_ipip(nl, &a, s->ipip.local, s->ipip.ttl);
	}
	case PL_STEP_MASTER:
		return pl_link_master(nl, ifindex, pl_plan_ifindex(p, s->ns, s->master), w);
	case PL_STEP_LINK_UP:
		return pl_link_up(nl, ifindex, w);
	case PL_STEP_GRO:
		return step_gro(e, s);
	case PL_STEP_ADDR:
		return pl_addr_add(nl, ifindex, s->addr.ip, s->addr.plen, w);
	case PL_STEP_NEIGH:
		return pl_neigh_add(nl, ifindex, s->neigh.ip, s->neigh.mac, w);
	case PL_STEP_FDB:
		return pl_fdb_add(nl, ifindex, s->neigh.mac, s->neigh.ip, w);
	case PL_STEP_ROUTE:
		if (s->route.local)
			return pl_route_local_add(nl, ifindex, s->route.table, w);
		if (s->route.encap_dst)
			return pl_route_encap_add(nl, ifindex, s->route.dst, s->route.plen,
						  s->route.gw, s->route.encap_id,
						  s->route.encap_dst, w);
		return pl_route_add(nl, ifindex, s->route.dst, s->route.plen, s->route.gw,
				    s->route.onlink, s->route.table, w);
	case PL_STEP_ADDR6:
		return pl_addr6_add(nl, ifindex, s->in6.ip, s->in6.plen, w);
	case PL_STEP_NEIGH6:
		return pl_neigh6_add(nl, ifindex, s->in6.ip, s->in6.mac, w);
	case PL_STEP_ROUTE6: {
		static const uint8_t zero[16];

		return pl_route6_add(nl, ifindex, s->in6.ip, s->in6.plen,
				     memcmp(s->in6.gw, zero, 16) ? s->in6.gw : NULL, s->in6.onlink,
				     s->in6.table, w);
	}
	case PL_STEP_NGINX: {
		char rec[PL_NETNS_NAME_MAX + 160];
		int err;

		pl_plan_nginx_record(p, s, rec, sizeof(rec));
		if ((err = record(e, "nginx", rec)))
			return err;
		return pl_nginx_start(p, s);
	}
	case PL_STEP_RULE:
		if (s->rule.v6)
			return pl_rule6_add(nl, s->rule.src6, s->rule.plen, s->rule.table,
					    s->rule.priority, e->p->ns[s->ns].name);
		return pl_rule_add(nl, s->rule.src, s->rule.plen, s->rule.fwmark, s->rule.fwmask,
				   s->rule.table, s->rule.priority, e->p->ns[s->ns].name);
	case PL_STEP_QDISC:
		return pl_tc_qdisc_add(nl, ifindex, s->qdisc.handle, s->qdisc.q, false, w);
	case PL_STEP_HTB_CLASS:
		return pl_tc_htb_class_add(nl, ifindex, s->cls.parent, s->cls.classid, s->cls.rate,
					   s->cls.ceil, s->cls.prio, s->cls.quantum, 1600, w);
	case PL_STEP_U32_FILTER:
		return pl_tc_u32_add(nl, ifindex, s->filter.prio, s->filter.m, s->filter.classid,
				     w);
	default:
		return step_in_ns(e, s);
	}
}

/* The watches' links go to the run's holder, recorded so that `down` stops it. */
static int hold_watches(struct exec *e)
{
	unsigned long long start;
	char rec[64];
	int pid, err;

	if ((err = pl_user_watch_hold(e->p->run, e->watch_fds, e->nwatch, &pid, &start)))
		return err;
	snprintf(rec, sizeof(rec), "%d %llu", pid, start);
	if ((err = record(e, "watch", rec)))
		kill(pid, SIGTERM);
	return err;
}

int pl_plan_exec(const struct pl_plan *p, const struct pl_exec_hooks *hooks)
{
	struct exec e = {.p = p, .hooks = hooks};
	double spent[PL_STEP__COUNT] = {0};
	int count[PL_STEP__COUNT] = {0};
	int *last = NULL; /* per namespace: index of the last step using it */
	int i, err = -ENOMEM;

	raise_nofile();
	e.ns = calloc(p->nns, sizeof(*e.ns));
	for (i = 0; e.ns && i < p->nns; i++)
		e.ns[i].fd = e.ns[i].ioctl_sk = -1;
	e.dp = calloc(p->topo->nnodes + 1, sizeof(*e.dp));
	e.watch_fds = calloc(p->topo->nprograms + 1, sizeof(*e.watch_fds));
	last = calloc(p->nns, sizeof(*last));
	if (!e.ns || !e.dp || !e.watch_fds || !last)
		goto out;
	for (i = 0; i < p->nsteps; i++) {
		last[p->steps[i].ns] = i;
		if (p->steps[i].kind == PL_STEP_VETH)
			last[p->steps[i].peer.ns] = i;
	}
	err = 0;
	for (i = 0; i < p->nsteps && !err; i++) {
		double t0 = pl_now();

		if (pl_exec_stop) {
			pl_err("interrupted before step %d of %d", i, p->nsteps);
			err = -EINTR;
			break;
		}
		err = step(&e, &p->steps[i]);
		spent[p->steps[i].kind] += pl_now() - t0;
		count[p->steps[i].kind]++;
		/* Keep few descriptors open: big topologies would hit RLIMIT_NOFILE. */
		if (p->steps[i].kind == PL_STEP_MAPS && e.dp[p->steps[i].dp.node] != e.dp_loaded) {
			pl_dp_free(e.dp[p->steps[i].dp.node]);
			e.dp[p->steps[i].dp.node] = NULL;
		}
		if (last[p->steps[i].ns] == i)
			ns_close(&e.ns[p->steps[i].ns]);
		if (p->steps[i].kind == PL_STEP_VETH && last[p->steps[i].peer.ns] == i)
			ns_close(&e.ns[p->steps[i].peer.ns]);
	}
	if (!err && e.dp_loaded) {
		double t0 = pl_now();

		err = pl_dp_commit(e.dp_loaded);
		spent[PL_STEP_DATAPATH] += pl_now() - t0;
	}
	if (!err && e.nwatch)
		err = hold_watches(&e);
	for (i = 0; i < PL_STEP__COUNT; i++)
		if (count[i])
			pl_debug("%-11s %5d steps %8.3f ms", pl_step_kind_name(i), count[i],
				 spent[i] * 1e3);
out:
	for (i = 0; e.dp && i < p->topo->nnodes; i++)
		if (e.dp[i] != e.dp_loaded)
			pl_dp_free(e.dp[i]);
	pl_dp_free(e.dp_loaded);
	for (i = 0; e.ns && i < p->nns; i++)
		ns_close(&e.ns[i]);
	for (i = 0; i < e.nwatch; i++)
		close(e.watch_fds[i]); /* the holder has its own */
	free(e.watch_fds);
	free(e.ns);
	free(last);
	free(e.dp);
	return err;
}
