// SPDX-License-Identifier: GPL-2.0
/*
 * kube-proxy's iptables mode (pkg/proxy/iptables), written for a topology's
 * services as iptables-restore input. Chain names have kube-proxy's shape
 * (KUBE-SVC- and 16 base32 letters of a hash of the service port's name and
 * protocol); kube-proxy hashes with SHA-256, podlab with FNV-1a: other letters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "topo/kube_proxy.h"

#define KP_MASQ_MARK "0x4000/0x4000"
#define KP_CHAIN_MAX 32
#define KP_NAME_MAX  160

struct kp_port {
	char name[KP_NAME_MAX]; /* "default/web:80" */
	const char *proto;	/* "tcp", "udp" */
	uint32_t vip;		/* network order */
	uint16_t port, target, node_port;
	const struct topo_service *svc;
};

/* KUBE-<kind>-<16 letters> from a 64-bit FNV-1a of parts joined by nothing. */
static void chain_name(char *out, const char *kind, const char *a, const char *b)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint64_t h = 0xcbf29ce484222325ull, h2;
	const char *s;
	int i;

	for (s = a; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	for (s = b; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	h2 = (h ^ 0x9e3779b97f4a7c15ull) * 0x100000001b3ull;
	i = snprintf(out, KP_CHAIN_MAX, "KUBE-%s-", kind);
	for (int k = 0; k < 16; k++, i++)
		out[i] = b32[((k < 12 ? h >> (k * 5) : h2 >> ((k - 12) * 5))) & 31];
	out[i] = '\0';
}

int pl_kube_proxy_filler_model(const struct topo *t)
{
	int i;

	for (i = 0; i < t->nservices; i++)
		if (t->services[i].nbackends && t->services[i].nports)
			return i;
	return -1;
}

uint32_t pl_kube_proxy_filler_ip(const struct topo *t, int i)
{
	uint32_t size = t->svc_plen ? 1u << (32 - t->svc_plen) : 0;

	if (i < 0 || size < 4 || (uint32_t)i >= size / 2 - 1)
		return 0;
	return htonl(ntohl(t->svc_cidr) + size / 2 + (uint32_t)i);
}

static void kp_port_of(struct kp_port *p, const struct topo_service *s, int port, uint32_t vip,
		       int filler)
{
	const struct topo_svc_port *sp = &s->ports[port];

	if (filler >= 0)
		snprintf(p->name, sizeof(p->name), "default/fill-%d:%u", filler, sp->port);
	else
		snprintf(p->name, sizeof(p->name), "default/%s:%u", s->name, sp->port);
	p->proto = sp->proto == IPPROTO_UDP ? "udp" : "tcp";
	p->vip = vip;
	p->port = sp->port;
	p->target = sp->target_port;
	p->node_port = filler >= 0 ? 0 : sp->node_port;
	p->svc = s;
}

/* KUBE-SERVICES' rule for p's ClusterIP:port. */
static void kp_portal(FILE *f, const struct kp_port *p)
{
	char svc[KP_CHAIN_MAX], a[INET_ADDRSTRLEN];

	if (!p->svc->nbackends) {
		fprintf(f,
			"# %s has no endpoints: kube-proxy REJECTs it in the filter table, "
			"not written here\n",
			p->name);
		return;
	}
	chain_name(svc, "SVC", p->name, p->proto);
	fprintf(f,
		"-A KUBE-SERVICES -d %s/32 -p %s -m comment --comment \"%s cluster IP\" -m %s "
		"--dport %u -j %s\n",
		pl_ip4_str(p->vip, a), p->proto, p->name, p->proto, p->port, svc);
}

/* Chain declarations of p: its KUBE-SVC, KUBE-SEPs and, for a nodePort, KUBE-EXT/KUBE-SVL. */
static void kp_declare(FILE *f, const struct topo *t, const struct kp_port *p)
{
	char c[KP_CHAIN_MAX], a[INET_ADDRSTRLEN];
	int i;

	if (!p->svc->nbackends)
		return;
	chain_name(c, "SVC", p->name, p->proto);
	fprintf(f, ":%s - [0:0]\n", c);
	if (p->node_port) {
		chain_name(c, p->svc->traffic_local ? "SVL" : "EXT", p->name, p->proto);
		fprintf(f, ":%s - [0:0]\n", c);
	}
	for (i = 0; i < p->svc->nbackends; i++) {
		pl_ip4_str(t->pods[p->svc->backends[i]].ip, a);
		chain_name(c, "SEP", p->name, a);
		fprintf(f, ":%s - [0:0]\n", c);
	}
}

/* One endpoint pick per line: 1/(n-i) of what is left, the last one unconditional. */
static void kp_pick(FILE *f, const char *chain, const struct topo *t, const struct kp_port *p,
		    const int *eps, int n)
{
	char sep[KP_CHAIN_MAX], a[INET_ADDRSTRLEN];
	int i;

	for (i = 0; i < n; i++) {
		pl_ip4_str(t->pods[eps[i]].ip, a);
		chain_name(sep, "SEP", p->name, a);
		fprintf(f, "-A %s -m comment --comment \"%s -> %s:%u\"", chain, p->name, a,
			p->target);
		if (p->svc->affinity_client_ip)
			fprintf(f,
				" -m recent --name %s --mask 255.255.255.255 --rsource --rcheck "
				"--seconds 10800 --reap",
				sep);
		else if (i < n - 1)
			fprintf(f, " -m statistic --mode random --probability %.11f",
				1.0 / (n - i));
		fprintf(f, " -j %s\n", sep);
	}
	/* With affinity, the recent checks come first, then the random picks (kube-proxy's order).
	 */
	for (i = 0; p->svc->affinity_client_ip && i < n; i++) {
		pl_ip4_str(t->pods[eps[i]].ip, a);
		chain_name(sep, "SEP", p->name, a);
		fprintf(f, "-A %s -m comment --comment \"%s -> %s:%u\"", chain, p->name, a,
			p->target);
		if (i < n - 1)
			fprintf(f, " -m statistic --mode random --probability %.11f",
				1.0 / (n - i));
		fprintf(f, " -j %s\n", sep);
	}
}

/* p's chains' rules: KUBE-SVC picks, KUBE-SEP DNATs, a nodePort's chains. 0 or -ENOMEM. */
static int kp_rules(FILE *f, const struct topo *t, int node, const struct kp_port *p)
{
	char svc[KP_CHAIN_MAX], c[KP_CHAIN_MAX], a[INET_ADDRSTRLEN];
	const struct topo_service *s = p->svc;
	int *local, nlocal = 0, i;

	if (!s->nbackends)
		return 0;
	local = calloc(s->nbackends, sizeof(*local));
	if (!local)
		return -ENOMEM;
	chain_name(svc, "SVC", p->name, p->proto);
	kp_pick(f, svc, t, p, s->backends, s->nbackends);
	if (p->node_port) {
		if (s->traffic_local) {
			/* Local: this node's endpoints only, the client's address kept. */
			for (i = 0; i < s->nbackends; i++)
				if (t->pods[s->backends[i]].node == node)
					local[nlocal++] = s->backends[i];
			chain_name(c, "SVL", p->name, p->proto);
			if (nlocal)
				kp_pick(f, c, t, p, local, nlocal);
			else
				fprintf(f,
					"-A %s -m comment --comment \"%s has no local endpoints\" "
					"-j KUBE-MARK-DROP\n",
					c, p->name);
		} else {
			chain_name(c, "EXT", p->name, p->proto);
			fprintf(f,
				"-A %s -m comment --comment \"masquerade traffic for %s external "
				"destinations\" -j KUBE-MARK-MASQ\n",
				c, p->name);
			fprintf(f, "-A %s -j %s\n", c, svc);
		}
		fprintf(f,
			"-A KUBE-NODEPORTS -p %s -m comment --comment \"%s\" -m %s --dport %u -j "
			"%s\n",
			p->proto, p->name, p->proto, p->node_port, c);
	}
	for (i = 0; i < s->nbackends; i++) {
		pl_ip4_str(t->pods[s->backends[i]].ip, a);
		chain_name(c, "SEP", p->name, a);
		/* Hairpin: a backend reaching itself must not see its own address. */
		fprintf(f, "-A %s -s %s/32 -m comment --comment \"%s\" -j KUBE-MARK-MASQ\n", c, a,
			p->name);
		fprintf(f, "-A %s -p %s -m comment --comment \"%s\"", c, p->proto, p->name);
		if (s->affinity_client_ip)
			fprintf(f, " -m recent --set --name %s --mask 255.255.255.255 --rsource",
				c);
		fprintf(f, " -m %s -j DNAT --to-destination %s:%u\n", p->proto, a, p->target);
	}
	free(local);
	return 0;
}

/* The i-th ClusterIP rule of the padded set: fillers around the topology's own ports. */
static bool kp_port_at(const struct topo *t, int i, int before, int own, struct kp_port *p)
{
	int model = pl_kube_proxy_filler_model(t), s, k, n = 0;

	if (i >= before && i < before + own) {
		for (s = 0; s < t->nservices; s++)
			for (k = 0; k < t->services[s].nports; k++, n++)
				if (n == i - before) {
					kp_port_of(p, &t->services[s], k, t->services[s].cluster_ip,
						   -1);
					return true;
				}
		return false;
	}
	k = i < before ? i : i - own;
	if (model < 0 || !pl_kube_proxy_filler_ip(t, k))
		return false;
	kp_port_of(p, &t->services[model], 0, pl_kube_proxy_filler_ip(t, k), k);
	return true;
}

int pl_kube_proxy_rules(FILE *f, const struct topo *t, int node, int nservices)
{
	int own = 0, fill, before, total, i, s;
	struct kp_port p;

	if (node < 0 || node >= t->nnodes)
		return -EINVAL;
	for (s = 0; s < t->nservices; s++)
		own += t->services[s].nports;
	fill = nservices > own ? nservices - own : 0;
	before = fill / 2;
	total = own + fill;
	if (fill && (pl_kube_proxy_filler_model(t) < 0 || !pl_kube_proxy_filler_ip(t, fill - 1)))
		return -ERANGE;

	fprintf(f,
		"# kube-proxy iptables mode for topology '%s', node %s: %d service ports "
		"(%d fillers)\n",
		t->name ? t->name : "?", t->nodes[node].name, total, fill);
	fprintf(f, "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		   ":POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n"
		   ":KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-MARK-DROP - [0:0]\n");
	for (i = 0; i < total; i++)
		if (kp_port_at(t, i, before, own, &p))
			kp_declare(f, t, &p);
	fprintf(f,
		"-A PREROUTING -m comment --comment \"kubernetes service portals\" -j "
		"KUBE-SERVICES\n"
		"-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
		"-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j "
		"KUBE-POSTROUTING\n"
		"-A KUBE-MARK-MASQ -j MARK --set-xmark " KP_MASQ_MARK "\n"
		"-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000\n"
		"-A KUBE-POSTROUTING -m mark ! --mark " KP_MASQ_MARK " -j RETURN\n"
		"-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n"
		"-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic "
		"requiring SNAT\" -j MASQUERADE --random-fully\n");
	for (i = 0; i < total; i++)
		if (kp_port_at(t, i, before, own, &p))
			kp_portal(f, &p);
	fprintf(f, "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: "
		   "this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j "
		   "KUBE-NODEPORTS\n");
	for (i = 0; i < total; i++)
		if (kp_port_at(t, i, before, own, &p) && kp_rules(f, t, node, &p))
			return -ENOMEM;
	fprintf(f, "COMMIT\n");
	return fflush(f) || ferror(f) ? -EIO : 0;
}
