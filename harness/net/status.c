// SPDX-License-Identifier: GPL-2.0
/*
 * `podlab status RUN`, planned objects: the plan recomputed from the run's
 * topology, each step looked up in the dumps of its namespace (dump.h lines)
 * and in the pinned maps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "net/dump.h"
#include "net/nginx.h"
#include "net/status.h"
#include "lib/pkt.h"
#include "plan/plan.h"

enum seen { SEEN_MISSING, SEEN_PRESENT, SEEN_UNCHECKED };

struct ns_dump {
	char *text;   /* dump.h lines, NULL when the namespace is gone */
	char **lines; /* text cut into its lines, sorted: a prefix's lines are adjacent */
	int nlines;
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Cuts d->text into sorted lines, so each step is found in O(log lines), not O(lines). */
static int index_lines(struct ns_dump *d)
{
	char *l, *e;
	int n = 1;

	for (l = d->text; (l = strchr(l, '\n')); l++)
		n++;
	d->lines = malloc(n * sizeof(*d->lines));
	if (!d->lines)
		return -ENOMEM;
	for (l = d->text; l && *l; l = e ? e + 1 : NULL) {
		e = strchr(l, '\n');
		if (e)
			*e = '\0';
		d->lines[d->nlines++] = l;
	}
	qsort(d->lines, d->nlines, sizeof(*d->lines), by_str);
	return 0;
}

/*
 * A line starting with prefix and holding every needle (NULL-ended); a prefix
 * ending in a newline is the whole line.
 */
static bool has_line(const struct ns_dump *d, const char *prefix, ...)
{
	size_t plen = strlen(prefix);
	bool whole = plen && prefix[plen - 1] == '\n';
	int a = 0, b = d->nlines;
	const char *n;
	va_list ap;
	bool ok;

	plen -= whole;
	while (a < b) { /* the first line whose start is not before prefix */
		int m = a + (b - a) / 2;

		if (strncmp(d->lines[m], prefix, plen) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; a < d->nlines && !strncmp(d->lines[a], prefix, plen); a++) {
		ok = !whole || !d->lines[a][plen];
		va_start(ap, prefix);
		while (ok && (n = va_arg(ap, const char *)))
			ok = strstr(d->lines[a], n) != NULL;
		va_end(ap);
		if (ok)
			return true;
	}
	return false;
}

static bool link_has(const struct ns_dump *text, uint32_t ifindex, const char *dev,
		     const char *needle)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "link %u %s ", ifindex, dev);
	return has_line(text, prefix, needle, NULL);
}

/* Every planned element of node's maps is in its pinned map (each map opened once). */
static enum seen maps_seen(const struct pl_plan *p, int node)
{
	struct {
		const char *name;
		int fd;
	} open_maps[32];
	struct pl_map_entry *e;
	char path[256];
	int i, k, n, nopen = 0, fd;
	uint8_t *val;
	bool ok = true;

	if (pl_dp_map_entries(p, node, &e, &n))
		return SEEN_UNCHECKED;
	val = malloc(4096); /* room for a per-CPU value */
	for (i = 0; i < n && ok && val; i++) {
		for (k = 0; k < nopen && strcmp(open_maps[k].name, e[i].map); k++)
			;
		if (k == nopen) {
			pl_dp_map_pin(p, node, e[i].map, path, sizeof(path));
			fd = bpf_obj_get(path);
			if (fd >= 0 && nopen < (int)(sizeof(open_maps) / sizeof(open_maps[0]))) {
				open_maps[nopen].name = e[i].map;
				open_maps[nopen++].fd = fd;
			} else if (fd >= 0) {
				close(fd);
				fd = -1;
			}
		} else {
			fd = open_maps[k].fd;
		}
		ok = fd >= 0 && !bpf_map_lookup_elem(fd, e[i].key, val);
	}
	for (k = 0; k < nopen; k++)
		close(open_maps[k].fd);
	free(val);
	free(e);
	return ok ? SEEN_PRESENT : SEEN_MISSING;
}

static enum seen attach_seen(const struct pl_plan *p, const struct pl_step *s,
			     const struct ns_dump *text)
{
	const struct topo_program *u =
		s->attach.user >= 0 ? &p->topo->programs[s->attach.user] : NULL;
	char name[16], prefix[96];

	/* The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of a program's name. */
	snprintf(name, sizeof(name), "%s", u ? u->program : pl_prog_name(s->attach.prog));
	if (s->attach.hook == TOPO_HOOK_XDP) {
		snprintf(prefix, sizeof(prefix), " xdp %s ", name);
		return link_has(text, s->ifindex, s->dev, prefix) ? SEEN_PRESENT : SEEN_MISSING;
	}
	snprintf(prefix, sizeof(prefix), "filter %s %s prio %u bpf %s ", s->dev,
		 s->attach.hook == TOPO_HOOK_TC_INGRESS ? "tc-ingress" : "tc-egress",
		 u ? PL_TC_PRIO_USER : PL_TC_PRIO_PODLAB, name);
	return has_line(text, prefix, NULL) ? SEEN_PRESENT : SEEN_MISSING;
}

static enum seen route_seen(const struct pl_step *s, const struct ns_dump *text)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], prefix[96], dev[32], table[32] = "";

	if (s->route.gw)
		snprintf(prefix, sizeof(prefix), "route %s/%u via %s ", pl_ip4_str(s->route.dst, a),
			 s->route.plen, pl_ip4_str(s->route.gw, g));
	else
		snprintf(prefix, sizeof(prefix), "route %s/%u ", pl_ip4_str(s->route.dst, a),
			 s->route.plen);
	snprintf(dev, sizeof(dev), " dev %s ", s->dev);
	if (s->route.table)
		snprintf(table, sizeof(table), " table %u", s->route.table);
	return has_line(text, prefix, dev, table, NULL) ? SEEN_PRESENT : SEEN_MISSING;
}

/* Whether the kernel holds step s; line gets what was looked for. */
static enum seen step_seen(const struct pl_plan *p, const struct pl_step *s,
			   const struct ns_dump *d, char *line, size_t len)
{
	const struct ns_dump *text = &d[s->ns];
	char a[INET_ADDRSTRLEN], want[128];
	const uint8_t *m = s->neigh.mac;
	struct stat sb;

	snprintf(line, len, "%s %s", pl_step_kind_name(s->kind), s->dev);
	switch (s->kind) {
	case PL_STEP_NETNS:
		snprintf(line, len, "netns %s", p->ns[s->ns].name);
		return text->text ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_VETH:
		snprintf(line, len, "veth %s (%u) <-> %s (%u) in %s", s->dev, s->ifindex,
			 s->peer.dev, s->peer.ifindex, p->ns[s->peer.ns].name);
		return link_has(text, s->ifindex, s->dev, " ") &&
				       link_has(&d[s->peer.ns], s->peer.ifindex, s->peer.dev, " ")
			       ? SEEN_PRESENT
			       : SEEN_MISSING;
	case PL_STEP_BRIDGE:
		snprintf(line, len, "bridge %s (%u)", s->dev, s->ifindex);
		return link_has(text, s->ifindex, s->dev, " ") ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_VXLAN:
		/* Its mode too: collect_md for the datapath, classic for the kernel's overlay. */
		if (s->vxlan.external)
			snprintf(want, sizeof(want), " vxlan external");
		else
			snprintf(want, sizeof(want), " vxlan id %u local %s", s->vxlan.vni,
				 pl_ip4_str(s->vxlan.local, a));
		snprintf(line, len, "vxlan %s (%u)%s", s->dev, s->ifindex, want + 6);
		return link_has(text, s->ifindex, s->dev, want) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_IPIP:
		snprintf(line, len, "ipip %s (%u) local %s", s->dev, s->ifindex,
			 pl_ip4_str(s->ipip.local, a));
		return link_has(text, s->ifindex, s->dev, "ipip mtu") ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_MASTER:
		snprintf(line, len, "master %s -> %s", s->dev, s->master);
		snprintf(want, sizeof(want), " master %u", pl_plan_ifindex(p, s->ns, s->master));
		return link_has(text, s->ifindex, s->dev, want) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_LINK_UP:
		return link_has(text, s->ifindex, s->dev, " up") ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_ADDR:
		snprintf(want, sizeof(want), "addr %s %s/%u\n", s->dev, pl_ip4_str(s->addr.ip, a),
			 s->addr.plen);
		snprintf(line, len, "%.*s", (int)strlen(want) - 1, want);
		return has_line(text, want, NULL) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_NEIGH:
	case PL_STEP_FDB:
		snprintf(want, sizeof(want), "%s %s %02x:%02x:%02x:%02x:%02x:%02x dev %s\n",
			 s->kind == PL_STEP_FDB ? "fdb" : "neigh", pl_ip4_str(s->neigh.ip, a), m[0],
			 m[1], m[2], m[3], m[4], m[5], s->dev);
		snprintf(line, len, "%.*s", (int)strlen(want) - 1, want);
		return has_line(text, want, NULL) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_ROUTE:
		snprintf(want, sizeof(want), " via %s", pl_ip4_str(s->route.gw, a));
		snprintf(line, len, "route %s/%u%s dev %s", pl_ip4_str(s->route.dst, a),
			 s->route.plen, s->route.gw ? want : "", s->dev);
		if (s->route.table)
			snprintf(line + strlen(line), len - strlen(line), " table %u",
				 s->route.table);
		return route_seen(s, text);
	case PL_STEP_RULE:
		if (s->rule.v6) {
			char a6[PL_ADDR_STRLEN];

			/* The dump is IPv4's: IPv6 rules are listed, not compared. */
			snprintf(line, len, "rule6 pref %u from %s/%u table %u", s->rule.priority,
				 pl_addr_str(AF_INET6, s->rule.src6, a6), s->rule.plen,
				 s->rule.table);
			return SEEN_UNCHECKED;
		}
		snprintf(want, sizeof(want), "rule pref %u from %s/%u table %u", s->rule.priority,
			 pl_ip4_str(s->rule.src, a), s->rule.plen, s->rule.table);
		if (s->rule.fwmask)
			snprintf(want + strlen(want), sizeof(want) - strlen(want),
				 " fwmark 0x%x/0x%x", s->rule.fwmark, s->rule.fwmask);
		strncat(want, "\n", sizeof(want) - strlen(want) - 1);
		snprintf(line, len, "%.*s", (int)strlen(want) - 1, want);
		return has_line(text, want, NULL) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_QDISC:
		snprintf(want, sizeof(want), "qdisc %s %s %x:0 ", s->dev,
			 pl_qdisc_kind_name(s->qdisc.q->kind), s->qdisc.handle >> 16);
		snprintf(line, len, "qdisc %s %s", s->dev, pl_qdisc_kind_name(s->qdisc.q->kind));
		return has_line(text, want, NULL) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_HTB_CLASS:
		/* A class under the qdisc itself is a root class: the kernel says parent ffff:ffff.
		 */
		if (s->cls.parent & 0xffff)
			snprintf(a, sizeof(a), "%x:%x", s->cls.parent >> 16,
				 s->cls.parent & 0xffff);
		else
			snprintf(a, sizeof(a), "ffff:ffff");
		snprintf(want, sizeof(want), "class %s htb %x:%x parent %s\n", s->dev,
			 s->cls.classid >> 16, s->cls.classid & 0xffff, a);
		snprintf(line, len, "%.*s", (int)strlen(want) - 1, want);
		return has_line(text, want, NULL) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_U32_FILTER:
		snprintf(want, sizeof(want), "filter %s classifier prio %u u32", s->dev,
			 s->filter.prio);
		snprintf(line, len, "u32 filter %s -> %x:%x", s->dev, s->filter.classid >> 16,
			 s->filter.classid & 0xffff);
		return has_line(text, want, NULL) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_DATAPATH:
		pl_dp_pin_dir(p, s->dp.node, want, sizeof(want));
		snprintf(line, len, "datapath pinned in %s", want);
		return !stat(want, &sb) ? SEEN_PRESENT : SEEN_MISSING;
	case PL_STEP_ATTACH:
		snprintf(line, len, "attach %s on %s %s",
			 s->attach.user >= 0 ? p->topo->programs[s->attach.user].program
					     : pl_prog_name(s->attach.prog),
			 s->dev, s->attach.hook == TOPO_HOOK_XDP ? "xdp" : "tc");
		return attach_seen(p, s, text);
	case PL_STEP_MAPS:
		snprintf(line, len, "map elements of node %s", p->topo->nodes[s->dp.node].name);
		return maps_seen(p, s->dp.node);
	case PL_STEP_SYSCTL:
		snprintf(line, len, "sysctl %s=%s", s->sysctl.key, s->sysctl.value);
		return SEEN_UNCHECKED;
	case PL_STEP_ADDR6:
	case PL_STEP_NEIGH6:
	case PL_STEP_ROUTE6: {
		static const uint8_t zero6[16];
		char a6[PL_ADDR_STRLEN];

		/* The dump is IPv4's: IPv6 objects are listed, not compared. */
		snprintf(line, len, "%s %s/%u dev %s", pl_step_kind_name(s->kind),
			 pl_addr_str(AF_INET6, s->in6.ip, a6), s->in6.plen, s->dev);
		if (s->kind == PL_STEP_ROUTE6 && memcmp(s->in6.gw, zero6, 16))
			snprintf(line + strlen(line), len - strlen(line), " via %s",
				 pl_addr_str(AF_INET6, s->in6.gw, a6));
		if (s->in6.table)
			snprintf(line + strlen(line), len - strlen(line), " table %u",
				 s->in6.table);
		return SEEN_UNCHECKED;
	}
	case PL_STEP_MASQUERADE:
		if (s->masq.v6) {
			char a6[PL_ADDR_STRLEN];

			snprintf(line, len, "masquerade %s/%u out of %s (nftables ip6)",
				 pl_addr_str(AF_INET6, s->masq.cidr6, a6), s->masq.plen,
				 s->masq.oif);
		} else if (s->masq.outgoing)
			snprintf(line, len,
				 "masquerade %s/%u to outside the pod CIDRs (nftables, "
				 "natOutgoing)",
				 pl_ip4_str(s->masq.cidr, a), s->masq.plen);
		else
			snprintf(line, len, "masquerade %s/%u out of %s (nftables)",
				 pl_ip4_str(s->masq.cidr, a), s->masq.plen, s->masq.oif);
		return SEEN_UNCHECKED;
	case PL_STEP_NGINX: {
		pid_t pids[8];
		int n = pl_nginx_pids(p->ns[s->ns].name, pids, 8);

		snprintf(line, len, "nginx on :%u (%s/nginx.conf, access.log)%s", s->nginx.port,
			 s->nginx.dir, n > 0 ? "" : ": not running");
		if (n > 0)
			snprintf(line + strlen(line), len - strlen(line), ": pid %d", (int)pids[0]);
		return n > 0 ? SEEN_PRESENT : SEEN_MISSING;
	}
	default:
		return SEEN_UNCHECKED; /* gro: not in an rtnetlink dump */
	}
}

struct recorded {
	const struct pl_run_state *st;
	int planned, unrecorded;
};

static int recorded_cb(void *ctx, const char *kind, const char *value)
{
	struct recorded *r = ctx;
	bool ns = !strcmp(kind, "netns"), ngx = !strcmp(kind, "nginx");
	char **v = ns ? r->st->netns : ngx ? r->st->nginx : r->st->pins;
	int i, n = ns ? r->st->nnetns : ngx ? r->st->nnginx : r->st->npins;

	r->planned++;
	for (i = 0; i < n; i++)
		if (!strcmp(v[i], value))
			return 0;
	r->unrecorded++;
	return 0;
}

/* The run's topology with its recorded routing mode, and its plan. */
static int rebuild(const struct pl_run_state *st, struct topo **t, struct pl_plan **p)
{
	struct pl_plan_opts o = {.datapath = st->npins > 0};
	int m, err;

	*p = NULL;
	if (!st->topology)
		return pl_err_errno(-ENOENT, "run %s records no topology", st->run);
	if ((err = pl_topo_parse(st->topology, t)))
		return pl_err_errno(err, "re-reading topology %s of run %s", st->topology, st->run);
	m = pl_routing_mode_by_name(st->routing);
	if (m >= 0)
		(*t)->routing = m;
	if ((err = pl_plan_build(*t, st->run, &o, p))) {
		pl_topo_free(*t);
		*t = NULL;
	}
	return err;
}

int pl_status_plan(const struct pl_run_state *st, FILE *out)
{
	static const char *const word[] = {"MISSING", "present", "unchecked"};
	int i, err, count[3] = {0};
	struct recorded rec = {.st = st};
	struct ns_dump *d = NULL;
	struct pl_plan *p;
	struct topo *t;
	char line[192];

	if ((err = rebuild(st, &t, &p)))
		return err;
	d = calloc(p->nns, sizeof(*d));
	if (!d) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < p->nns; i++) {
		size_t len = 0;
		FILE *f = open_memstream(&d[i].text, &len);

		if (!f) {
			err = -ENOMEM;
			goto out;
		}
		err = pl_dump_ns(p->ns[i].name, PL_DUMP_ALL, f);
		fclose(f);
		if (err) {
			free(d[i].text);
			d[i].text = NULL;
		} else if ((err = index_lines(&d[i]))) {
			goto out;
		}
	}
	fprintf(out, "planned objects (plan of %s, %s routing):\n", st->topology,
		pl_topo_routing_name(t->routing));
	for (i = 0; i < p->nsteps; i++) {
		enum seen s = step_seen(p, &p->steps[i], d, line, sizeof(line));

		count[s]++;
		fprintf(out, "  %-9s %-10s %s\n", word[s],
			p->ns[p->steps[i].ns].name + 4 + strlen(p->run), line);
	}
	fprintf(out, "plan: %d objects, %d present, %d missing, %d unchecked\n", p->nsteps,
		count[SEEN_PRESENT], count[SEEN_MISSING], count[SEEN_UNCHECKED]);
	pl_plan_lasting(p, recorded_cb, &rec);
	fprintf(out,
		"plan: down removes %d namespaces, pin directories and nginx processes, %d not in "
		"%s/%s.state\n",
		rec.planned, rec.unrecorded, PL_STATE_DIR, st->run);
	err = count[SEEN_MISSING];
out:
	for (i = 0; d && i < p->nns; i++) {
		free(d[i].lines);
		free(d[i].text);
	}
	free(d);
	pl_plan_free(p);
	pl_topo_free(t);
	return err;
}
