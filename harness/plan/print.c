// SPDX-License-Identifier: GPL-2.0
/*
 * The shell back end of a plan: the same steps as exec.c, printed as ip, tc,
 * bridge, sysctl, ethtool, nft and bpftool commands. Needs no privilege and
 * changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "plan/plan.h"
#include "plan/print_dp.h"

struct printer {
	const struct pl_plan *p;
	FILE *f;
	bool *clsact; /* per step: a clsact was printed for this (ns, dev) */
};

/* Pin names of podlab's programs (bpftool loadall pins each by function name). */
static const char *prog_pin_name(int prog)
{
	static const char *const names[] = {"none", "from_pod", "from_network", "from_overlay",
					    "xdp_prefilter"};

	return prog >= 0 && prog <= PL_PROG_XDP_PREFILTER ? names[prog] : "none";
}

static const char *mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *ns(const struct printer *pr, int i)
{
	return pr->p->ns[i].name;
}

static void print_rate(FILE *f, const char *key, uint64_t bits)
{
	fprintf(f, " %s %llubit", key, (unsigned long long)bits);
}

static void print_qdisc(const struct printer *pr, const struct pl_step *s)
{
	const struct topo_qdisc *q = s->qdisc.q;
	FILE *f = pr->f;

	if (q->kind == TOPO_QDISC_NETEM)
		fprintf(f, "# needs sch_netem (CONFIG_NET_SCH_NETEM), missing from some kernels\n");
	fprintf(f, "tc -n %s qdisc add dev %s root handle %x: %s", ns(pr, s->ns), s->dev,
		s->qdisc.handle >> 16, pl_qdisc_kind_name(q->kind));
	switch (q->kind) {
	case TOPO_QDISC_TBF:
		print_rate(f, "rate", q->tbf.rate);
		fprintf(f, " burst %u limit %u", q->tbf.burst, pl_tbf_limit(&q->tbf));
		if (q->tbf.peakrate) {
			print_rate(f, "peakrate", q->tbf.peakrate);
			fprintf(f, " mtu %u", q->tbf.mtu ? q->tbf.mtu : 2047);
		}
		break;
	case TOPO_QDISC_HTB:
		if (q->htb.default_minor)
			fprintf(f, " default %x", q->htb.default_minor);
		break;
	case TOPO_QDISC_NETEM:
		fprintf(f, " limit %u", q->netem.limit ? q->netem.limit : 1000);
		fprintf(f, " delay %lluus", (unsigned long long)q->netem.delay_ns / 1000);
		if (q->netem.jitter_ns)
			fprintf(f, " %lluus", (unsigned long long)q->netem.jitter_ns / 1000);
		if (q->netem.loss > 0)
			fprintf(f, " loss %g%%", q->netem.loss * 100);
		if (q->netem.duplicate > 0)
			fprintf(f, " duplicate %g%%", q->netem.duplicate * 100);
		if (q->netem.reorder > 0)
			fprintf(f, " reorder %g%%", q->netem.reorder * 100);
		if (q->netem.rate)
			print_rate(f, "rate", q->netem.rate);
		break;
	case TOPO_QDISC_PFIFO:
		fprintf(f, " limit %u", q->pfifo_limit ? q->pfifo_limit : 1000);
		break;
	default:
		break;
	}
	fputc('\n', f);
}

static void print_u32(const struct printer *pr, const struct pl_step *s)
{
	const struct topo_match *m = s->filter.m;
	FILE *f = pr->f;
	char a[INET_ADDRSTRLEN];
	bool any = false;

	fprintf(f, "tc -n %s filter add dev %s parent 1: protocol ip prio %u u32", ns(pr, s->ns),
		s->dev, s->filter.prio);
	if (m->proto)
		any = fprintf(f, " match ip protocol %u 0xff", m->proto);
	if (m->src_plen)
		any = fprintf(f, " match ip src %s/%u", pl_ip4_str(m->src, a), m->src_plen);
	if (m->dst_plen)
		any = fprintf(f, " match ip dst %s/%u", pl_ip4_str(m->dst, a), m->dst_plen);
	if (m->sport)
		any = fprintf(f, " match ip sport %u 0xffff", m->sport);
	if (m->dport)
		any = fprintf(f, " match ip dport %u 0xffff", m->dport);
	if (!any)
		fprintf(f, " match u32 0 0");
	fprintf(f, " flowid %x:%x\n", s->filter.classid >> 16, s->filter.classid & 0xffff);
}

static void print_attach(struct printer *pr, int idx, const struct pl_step *s)
{
	const struct pl_plan *p = pr->p;
	const struct topo_program *u =
		s->attach.user >= 0 ? &p->topo->programs[s->attach.user] : NULL;
	char dir[192], prog[256];
	int i;

	pl_dp_pin_dir(p, s->attach.node, dir, sizeof(dir));
	if (u) {
		snprintf(prog, sizeof(prog), "%s/user-%s/%s", dir, u->program, u->program);
		fprintf(pr->f, "# user program %s from %s\n", u->program, u->object);
		fprintf(pr->f, "bpftool prog loadall %s %s/user-%s\n", u->object, dir, u->program);
	} else {
		snprintf(prog, sizeof(prog), "%s/%s", dir, prog_pin_name(s->attach.prog));
	}
	if (s->attach.hook == TOPO_HOOK_XDP) {
		fprintf(pr->f, "inns %s ip link set dev %s xdp pinned %s\n", ns(pr, s->ns), s->dev,
			prog);
		return;
	}
	for (i = 0; i < idx; i++) {
		const struct pl_step *o = &p->steps[i];

		if (pr->clsact[i] && o->ns == s->ns && !strcmp(o->dev, s->dev))
			break;
	}
	if (i == idx) {
		pr->clsact[idx] = true;
		fprintf(pr->f, "inns %s tc qdisc add dev %s clsact\n", ns(pr, s->ns), s->dev);
	}
	fprintf(pr->f, "inns %s tc filter add dev %s %s prio %u handle 1 bpf da pinned %s\n",
		ns(pr, s->ns), s->dev,
		s->attach.hook == TOPO_HOOK_TC_INGRESS ? "ingress" : "egress",
		u ? PL_TC_PRIO_USER : PL_TC_PRIO_PODLAB, prog);
}

static void print_link(const struct printer *pr, const struct pl_step *s)
{
	char m[18], a[INET_ADDRSTRLEN];
	FILE *f = pr->f;

	fprintf(f, "ip -n %s link add %s index %u", ns(pr, s->ns), s->dev, s->ifindex);
	if (s->kind != PL_STEP_BRIDGE && s->kind != PL_STEP_IPIP)
		fprintf(f, " address %s", mac(s->mac, m));
	if (s->mtu)
		fprintf(f, " mtu %u", s->mtu);
	switch (s->kind) {
	case PL_STEP_VETH:
		fprintf(f, " type veth peer name %s index %u address %s", s->peer.dev,
			s->peer.ifindex, mac(s->peer.mac, m));
		if (s->mtu)
			fprintf(f, " mtu %u", s->mtu);
		fprintf(f, " netns %s\n", ns(pr, s->peer.ns));
		break;
	case PL_STEP_BRIDGE:
		fprintf(f, " type bridge\n");
		break;
	case PL_STEP_IPIP:
		fprintf(f, " type ipip local %s ttl %u pmtudisc\n", pl_ip4_str(s->ipip.local, a),
			s->ipip.ttl);
		break;
	default:
		if (s->vxlan.external)
			fprintf(f, " type vxlan external");
		else
			fprintf(f, " type vxlan id %u local %s dev eth0 nolearning", s->vxlan.vni,
				pl_ip4_str(s->vxlan.local, a));
		fprintf(f, " dstport %u\n", s->vxlan.port);
	}
}

/* The IPv6 steps, as `ip -6` writes them. */
static void print_step6(struct printer *pr, const struct pl_step *s, const char *n)
{
	static const uint8_t zero[16];
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN], m[18];
	FILE *f = pr->f;

	pl_addr_str(AF_INET6, s->in6.ip, a);
	switch (s->kind) {
	case PL_STEP_ADDR6:
		fprintf(f, "ip -n %s -6 addr add %s/%u dev %s nodad\n", n, a, s->in6.plen, s->dev);
		break;
	case PL_STEP_NEIGH6:
		fprintf(f, "ip -n %s -6 neigh add %s lladdr %s dev %s nud permanent\n", n, a,
			mac(s->in6.mac, m), s->dev);
		break;
	default:
		fprintf(f, "ip -n %s -6 route add ", n);
		if (s->in6.plen)
			fprintf(f, "%s/%u", a, s->in6.plen);
		else
			fprintf(f, "default");
		if (memcmp(s->in6.gw, zero, 16))
			fprintf(f, " via %s", pl_addr_str(AF_INET6, s->in6.gw, b));
		fprintf(f, " dev %s%s", s->dev, s->in6.onlink ? " onlink" : "");
		if (s->in6.table)
			fprintf(f, " table %u", s->in6.table);
		fputc('\n', f);
	}
}

static void print_step(struct printer *pr, int idx)
{
	const struct pl_step *s = &pr->p->steps[idx];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], a6[PL_ADDR_STRLEN], m[18], dir[192];
	const char *n = ns(pr, s->ns);
	FILE *f = pr->f;

	switch (s->kind) {
	case PL_STEP_NETNS:
		fprintf(f, "ip netns add %s\nip -n %s link set lo up\n", n, n);
		break;
	case PL_STEP_VETH:
	case PL_STEP_BRIDGE:
	case PL_STEP_VXLAN:
	case PL_STEP_IPIP:
		print_link(pr, s);
		break;
	case PL_STEP_MASTER:
		fprintf(f, "ip -n %s link set %s master %s\n", n, s->dev, s->master);
		break;
	case PL_STEP_LINK_UP:
		fprintf(f, "ip -n %s link set %s up\n", n, s->dev);
		break;
	case PL_STEP_GRO:
		fprintf(f, "inns %s ethtool -K %s gro on\n", n, s->dev);
		break;
	case PL_STEP_ADDR:
		fprintf(f, "ip -n %s addr add %s/%u dev %s\n", n, pl_ip4_str(s->addr.ip, a),
			s->addr.plen, s->dev);
		break;
	case PL_STEP_NEIGH:
		fprintf(f, "ip -n %s neigh add %s lladdr %s dev %s nud permanent\n", n,
			pl_ip4_str(s->neigh.ip, a), mac(s->neigh.mac, m), s->dev);
		break;
	case PL_STEP_FDB:
		fprintf(f, "bridge -n %s fdb add %s dev %s dst %s self permanent\n", n,
			mac(s->neigh.mac, m), s->dev, pl_ip4_str(s->neigh.ip, a));
		break;
	case PL_STEP_ROUTE:
		fprintf(f, "ip -n %s route add %s", n, s->route.local ? "local " : "");
		if (s->route.plen)
			fprintf(f, "%s/%u", pl_ip4_str(s->route.dst, a), s->route.plen);
		else
			fprintf(f, "default");
		if (s->route.gw)
			fprintf(f, " via %s", pl_ip4_str(s->route.gw, b));
		fprintf(f, " dev %s%s", s->dev, s->route.onlink ? " onlink" : "");
		if (s->route.encap_dst)
			fprintf(f, " encap ip id %u dst %s", s->route.encap_id,
				pl_ip4_str(s->route.encap_dst, b));
		if (s->route.table)
			fprintf(f, " table %u", s->route.table);
		fputc('\n', f);
		break;
	case PL_STEP_RULE:
		if (s->rule.v6)
			fprintf(f, "ip -n %s -6 rule add from %s/%u lookup %u priority %u\n", n,
				pl_addr_str(AF_INET6, s->rule.src6, a6), s->rule.plen,
				s->rule.table, s->rule.priority);
		else if (s->rule.fwmask)
			fprintf(f, "ip -n %s rule add fwmark 0x%x/0x%x lookup %u priority %u\n", n,
				s->rule.fwmark, s->rule.fwmask, s->rule.table, s->rule.priority);
		else
			fprintf(f, "ip -n %s rule add from %s/%u lookup %u priority %u\n", n,
				pl_ip4_str(s->rule.src, a), s->rule.plen, s->rule.table,
				s->rule.priority);
		break;
	case PL_STEP_SYSCTL:
		fprintf(f, "inns %s sysctl -qw %s=%s\n", n, s->sysctl.key, s->sysctl.value);
		break;
	case PL_STEP_ADDR6:
	case PL_STEP_NEIGH6:
	case PL_STEP_ROUTE6:
		print_step6(pr, s, n);
		break;
	case PL_STEP_QDISC:
		print_qdisc(pr, s);
		break;
	case PL_STEP_HTB_CLASS:
		fprintf(f, "tc -n %s class add dev %s parent %x:%x classid %x:%x htb", n, s->dev,
			s->cls.parent >> 16, s->cls.parent & 0xffff, s->cls.classid >> 16,
			s->cls.classid & 0xffff);
		print_rate(f, "rate", s->cls.rate);
		print_rate(f, "ceil", s->cls.ceil);
		if (s->cls.prio)
			fprintf(f, " prio %u", s->cls.prio);
		if (s->cls.quantum)
			fprintf(f, " quantum %u", s->cls.quantum);
		fputc('\n', f);
		break;
	case PL_STEP_U32_FILTER:
		print_u32(pr, s);
		break;
	case PL_STEP_MASQUERADE: {
		char *nft = pl_plan_nft_masquerade(pr->p, s);

		fprintf(f, "inns %s nft -f - <<'EOF'\n%sEOF\n", n, nft ? nft : "");
		free(nft);
		break;
	}
	case PL_STEP_DATAPATH:
		pl_dp_pin_dir(pr->p, s->dp.node, dir, sizeof(dir));
		pl_print_datapath_load(pr->p, s->dp.node, dir, f);
		break;
	case PL_STEP_ATTACH:
		print_attach(pr, idx, s);
		break;
	case PL_STEP_MAPS:
		pl_print_datapath_maps(pr->p, s->dp.node, f);
		break;
	case PL_STEP_NGINX: {
		char *conf = pl_plan_nginx_conf(pr->p, s);

		fprintf(f, "mkdir -p %s\ncat > %s/nginx.conf <<'EOF'\n%sEOF\n", s->nginx.dir,
			s->nginx.dir, conf ? conf : "");
		fprintf(f, "inns %s nginx -q -p %s -c %s/nginx.conf -e %s/error.log\n", n,
			s->nginx.dir, s->nginx.dir, s->nginx.dir);
		free(conf);
		break;
	}
	default:
		fprintf(f, "# step %s has no shell form\n", pl_step_kind_name(s->kind));
	}
}

int pl_plan_print(const struct pl_plan *p, FILE *f)
{
	struct printer pr = {.p = p, .f = f};
	int i, last_ns = -1;

	pr.clsact = calloc(p->nsteps + 1, sizeof(bool));
	if (!pr.clsact)
		return -ENOMEM;
	fprintf(f,
		"#!/usr/bin/env bash\n"
		"# Generated by `podlab up --print-commands`: builds topology '%s' as run %s,\n"
		"# the same objects `podlab up --run %s` creates through netlink.\n"
		"# Needs root, iproute2, ethtool, nftables, bpftool. Undo with:\n"
		"#   for n in $(ip netns list | awk '/^pl-%s-/{print $1}'); do ip netns del $n; "
		"done; "
		"rm -rf %s\n"
		"set -euo pipefail\n"
		"# Run a command inside a namespace without remounting /sys (keeps bpffs "
		"visible).\n"
		"inns() { local ns=$1; shift; nsenter --net=/run/netns/\"$ns\" \"$@\"; }\n",
		p->topo->name ? p->topo->name : "?", p->run, p->run, p->run, p->pin_dir);
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (i == 0 || (s->kind != PL_STEP_NETNS && s->ns != last_ns))
			fprintf(f, "\n# %s\n",
				s->kind == PL_STEP_NETNS ? "namespaces" : p->ns[s->ns].name);
		last_ns = s->ns;
		print_step(&pr, i);
	}
	free(pr.clsact);
	return ferror(f) ? -EIO : 0;
}
