// SPDX-License-Identifier: GPL-2.0
/* Datapath steps: podlab's datapath per node, users' programs, map programming. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "net/dp.h"
#include "net/link.h"
#include "net/tc.h"
#include "topo/policy_compile.h"

struct pl_dp_node {
	struct pl_datapath *dp;
};

void pl_dp_pin_dir(const struct pl_plan *p, int node, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->pin_dir, p->topo->nodes[node].name);
}

/*
 * Another run's removal may rmdir an emptied parent (the bpffs root) between
 * two of our mkdirs: start again from the top when a parent vanished.
 */
static int mkdir_p(const char *path)
{
	char tmp[256], *c;
	bool parent_failed;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		snprintf(tmp, sizeof(tmp), "%s", path);
		parent_failed = false;
		for (c = tmp + 1; *c && !parent_failed; c++) {
			if (*c != '/')
				continue;
			*c = '\0';
			parent_failed = mkdir(tmp, 0700) && errno != EEXIST;
			*c = '/';
		}
		if (!parent_failed && (!mkdir(tmp, 0700) || errno == EEXIST))
			return 0;
		if (errno != ENOENT)
			return -errno;
	}
	return -ENOENT;
}

void pl_dp_opts(const struct pl_plan *p, int node, struct pl_datapath_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->routing = p->topo->routing;
	o->node_ip = p->topo->nodes[node].underlay_ip;
	o->vxlan_ifindex = p->topo->routing != PL_ROUTING_NATIVE ? PL_IFINDEX_VXLAN : 0;
	o->uplink_ifindex = PL_IFINDEX_UPLINK;
	o->events = true;
}

int pl_dp_load(const struct pl_plan *p, int node, struct pl_dp_node **out)
{
	struct pl_datapath_opts o;
	struct pl_dp_node *d;
	char dir[192];
	int err;

	*out = NULL;
	pl_dp_pin_dir(p, node, dir, sizeof(dir));
	if ((err = pl_require_bpf_privileges()))
		return err;
	if ((err = mkdir_p(dir)))
		return pl_err_errno(err, "creating pin directory %s", dir);
	pl_dp_opts(p, node, &o);
	o.pin_dir = dir;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	err = pl_datapath_load(&o, &d->dp);
	if (err) {
		free(d);
		return pl_err_errno(err, "loading the datapath for node %s",
				    p->topo->nodes[node].name);
	}
	*out = d;
	return 0;
}

void pl_dp_free(struct pl_dp_node *d)
{
	if (!d)
		return;
	pl_datapath_destroy(d->dp);
	free(d);
}

/* A user's program: loaded from its object, pinned as <node pin dir>/user-<prog>/<prog>. */
static int user_prog_fd(const struct pl_plan *p, const struct topo_program *u, int node)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	char dir[192], path[256];
	int fd, err;

	obj = bpf_object__open_file(u->object, NULL);
	if (!obj)
		return pl_err_errno(-errno, "opening BPF object %s", u->object);
	prog = bpf_object__find_program_by_name(obj, u->program);
	if (!prog) {
		pl_err("%s: no program named %s", u->object, u->program);
		err = -ENOENT;
		goto out;
	}
	if ((err = bpf_object__load(obj))) {
		pl_err_errno(err, "loading %s from %s (-v shows the verifier log)", u->program,
			     u->object);
		goto out;
	}
	pl_dp_pin_dir(p, node, dir, sizeof(dir));
	if ((err = mkdir_p(dir)))
		goto out;
	snprintf(path, sizeof(path), "%s/user-%s/%s", dir, u->program, u->program);
	if ((err = bpf_program__pin(prog, path))) {
		pl_err_errno(err, "pinning %s at %s", u->program, path);
		goto out;
	}
	fd = dup(bpf_program__fd(prog));
	err = fd < 0 ? -errno : fd;
out:
	bpf_object__close(obj);
	return err;
}

int pl_dp_attach(struct pl_dp_node *d, const struct pl_plan *p, const struct pl_step *s,
		 struct pl_nl *nl)
{
	const struct topo_program *u =
		s->attach.user >= 0 ? &p->topo->programs[s->attach.user] : NULL;
	const char *name;
	char w[96];
	int fd, err;

	snprintf(w, sizeof(w), "%s in %s", s->dev, p->ns[s->ns].name);
	if (u) {
		if ((err = pl_require_bpf_privileges()))
			return err;
		fd = user_prog_fd(p, u, s->attach.node);
		if (fd < 0)
			return fd;
		name = u->program;
	} else {
		fd = dup(pl_datapath_prog_fd(d->dp, s->attach.prog));
		if (fd < 0)
			return pl_err_errno(-errno, "program %s", pl_prog_name(s->attach.prog));
		name = pl_prog_name(s->attach.prog);
	}
	switch (s->attach.hook) {
	case TOPO_HOOK_XDP:
		err = pl_link_xdp(nl, s->ifindex, fd, w);
		break;
	case TOPO_HOOK_TC_INGRESS:
	case TOPO_HOOK_TC_EGRESS:
		err = pl_tc_bpf_attach(nl, s->ifindex, s->attach.hook == TOPO_HOOK_TC_INGRESS, fd,
				       name, u ? PL_TC_PRIO_USER : PL_TC_PRIO_PODLAB, w);
		break;
	default:
		err = -EINVAL;
	}
	close(fd);
	return err;
}

static int push(struct pl_map_entry **e, int *n, const char *map, const void *key, size_t klen,
		const void *val, size_t vlen)
{
	struct pl_map_entry *g = realloc(*e, (*n + 1) * sizeof(**e));

	if (!g)
		return -ENOMEM;
	*e = g;
	g = &g[(*n)++];
	memset(g, 0, sizeof(*g));
	g->map = map;
	memcpy(g->key, key, klen);
	g->key_len = klen;
	memcpy(g->val, val, vlen);
	g->val_len = vlen;
	return 0;
}

int pl_dp_map_entries(const struct pl_plan *p, int node, struct pl_map_entry **out, int *n)
{
	const struct topo *t = p->topo;
	const struct topo_node *nd = &t->nodes[node];
	struct policy_ipcache_entry *ic = NULL;
	struct policy_set *ps = NULL;
	int i, nic = 0, err;

	*out = NULL;
	*n = 0;
	if ((err = policy_compile(t, &ps)))
		return pl_err_errno(err, "compiling the policies");
	for (i = 0; i < nd->npods && !err; i++) {
		int pi = nd->pods[i];
		const struct topo_pod *pod = &t->pods[pi];
		struct pl_endpoint_key k = {.ip = pod->ip};
		struct pl_endpoint_info ep = {
			.ifindex = pl_pod_veth_ifindex(t, pi),
			.identity = pod->identity,
			.ep_id = pod->ep_id,
			.flags = pi < ps->npods ? ps->ep_flags[pi] : 0,
		};

		pl_plan_mac(0, pi, ep.mac);
		pl_plan_mac(1, pi, ep.node_mac);
		err = push(out, n, "endpoints", &k, sizeof(k), &ep, sizeof(ep));
	}
	if (!err && (err = policy_ipcache(t, ps, node, &ic, &nic)))
		pl_err_errno(err, "computing the ipcache of node %s", nd->name);
	for (i = 0; i < nic && !err; i++)
		err = push(out, n, "ipcache", &ic[i].key, sizeof(ic[i].key), &ic[i].info,
			   sizeof(ic[i].info));
	for (i = 0; i < ps->nentries && !err; i++) {
		const struct policy_entry *pe = &ps->entries[i];
		int k;

		/* Only the endpoints of this node are looked up here. */
		for (k = 0; k < nd->npods; k++)
			if (t->pods[nd->pods[k]].ep_id == pe->key.ep_id)
				break;
		if (k < nd->npods)
			err = push(out, n, "policy", &pe->key, sizeof(pe->key), &pe->val,
				   sizeof(pe->val));
	}
	for (i = 0; i < t->nprefilter && !err; i++) {
		struct pl_prefilter_key k = {.prefixlen = t->prefilter[i].plen,
					     .ip = t->prefilter[i].ip};
		uint32_t rule = i + 1;

		err = push(out, n, "prefilter", &k, sizeof(k), &rule, sizeof(rule));
	}
	free(ic);
	policy_set_free(ps);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int pl_dp_maps(struct pl_dp_node *d, const struct pl_plan *p, int node)
{
	struct pl_map_entry *e;
	struct bpf_map *map;
	int i, n, err;

	if ((err = pl_dp_map_entries(p, node, &e, &n)))
		return err;
	for (i = 0; i < n && !err; i++) {
		map = bpf_object__find_map_by_name(d->dp->skel->obj, e[i].map);
		if (!map) {
			err = -ENOENT;
			pl_err("the datapath has no map %s", e[i].map);
		} else if (bpf_map_update_elem(bpf_map__fd(map), e[i].key, e[i].val, BPF_ANY)) {
			err = pl_err_errno(-errno, "updating map %s of node %s", e[i].map,
					   p->topo->nodes[node].name);
		}
	}
	free(e);
	return err;
}
