// SPDX-License-Identifier: GPL-2.0
/* Datapath steps: podlab's datapath per node, users' programs, map programming. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "net/dp.h"
#include "net/link.h"
#include "net/tc.h"

/* The datapath lives on another branch until merged: build without it meanwhile. */
#if __has_include("datapath.skel.h")
#define PL_HAVE_DATAPATH 1
#else
#define PL_HAVE_DATAPATH 0
#endif

struct pl_dp_node {
	struct pl_datapath *dp;
};

void pl_dp_pin_dir(const struct pl_plan *p, int node, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->pin_dir, p->topo->nodes[node].name);
}

static int mkdir_p(const char *path)
{
	char tmp[256], *c;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (c = tmp + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*c = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int pl_dp_load(const struct pl_plan *p, int node, struct pl_dp_node **out)
{
	char dir[192];
	int err;

	*out = NULL;
	pl_dp_pin_dir(p, node, dir, sizeof(dir));
	if ((err = pl_require_bpf_privileges()))
		return err;
	if ((err = mkdir_p(dir)))
		return pl_err_errno(err, "creating pin directory %s", dir);
#if PL_HAVE_DATAPATH
	{
		struct pl_datapath_opts o = {
			.routing = p->topo->routing,
			.node_ip = p->topo->nodes[node].underlay_ip,
			.vxlan_ifindex =
				p->topo->routing != PL_ROUTING_NATIVE ? PL_IFINDEX_VXLAN : 0,
			.uplink_ifindex = PL_IFINDEX_UPLINK,
			.events = true,
			.pin_dir = dir,
		};
		struct pl_dp_node *d = calloc(1, sizeof(*d));

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
#else
	pl_err("loading the datapath for node %s: this build has no bpf/datapath.bpf.c",
	       p->topo->nodes[node].name);
	return -EOPNOTSUPP;
#endif
}

void pl_dp_free(struct pl_dp_node *d)
{
	if (!d)
		return;
#if PL_HAVE_DATAPATH
	pl_datapath_destroy(d->dp);
#endif
	free(d);
}

/* A user's program: loaded from its object, pinned as <node pin dir>/user-<prog>. */
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
	snprintf(path, sizeof(path), "%s/user-%s", dir, u->program);
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
#if PL_HAVE_DATAPATH
		fd = dup(pl_datapath_prog_fd(d->dp, s->attach.prog));
		name = pl_prog_name(s->attach.prog);
#else
		(void)d;
		return -EOPNOTSUPP;
#endif
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

int pl_dp_maps(struct pl_dp_node *d, const struct pl_plan *p, int node)
{
#if PL_HAVE_DATAPATH
	const struct topo *t = p->topo;
	const struct topo_node *n = &t->nodes[node];
	int i, err;

	for (i = 0; i < n->npods; i++) {
		const struct topo_pod *pod = &t->pods[n->pods[i]];
		struct pl_endpoint_info ep = {
			.ifindex = pl_pod_veth_ifindex(t, n->pods[i]),
			.identity = pod->identity,
			.ep_id = pod->ep_id,
			.flags = (pod->ingress_enforced ? PL_EP_F_INGRESS_ENFORCED : 0) |
				 (pod->egress_enforced ? PL_EP_F_EGRESS_ENFORCED : 0),
		};

		pl_plan_mac(0, n->pods[i], ep.mac);
		pl_plan_mac(1, n->pods[i], ep.node_mac);
		if ((err = pl_endpoint_add(d->dp, pod->ip, &ep)))
			return pl_err_errno(err, "adding endpoint %s on node %s", pod->name,
					    n->name);
	}
	for (i = 0; i < t->npods; i++) {
		const struct topo_pod *pod = &t->pods[i];
		struct pl_ipcache_info ic = {
			.identity = pod->identity,
			.tunnel_endpoint = pod->node == node ? 0 : t->nodes[pod->node].underlay_ip,
		};

		if ((err = pl_ipcache_add(d->dp, pod->ip, 32, &ic)))
			return pl_err_errno(err, "adding ipcache entry of %s", pod->name);
	}
	for (i = 0; i < t->nnodes; i++) {
		struct pl_ipcache_info ic = {
			.identity = i == node ? PL_ID_HOST : PL_ID_REMOTE_NODE,
		};

		if ((err = pl_ipcache_add(d->dp, t->nodes[i].underlay_ip, 32, &ic)))
			return pl_err_errno(err, "adding ipcache entry of node %s",
					    t->nodes[i].name);
		if (i == node)
			continue;
		/* A remote pod CIDR: unknown pods behind that node's tunnel endpoint. */
		ic.identity = PL_ID_UNKNOWN;
		ic.tunnel_endpoint = t->nodes[i].underlay_ip;
		if ((err = pl_ipcache_add(d->dp, t->nodes[i].pod_cidr, t->nodes[i].pod_plen, &ic)))
			return pl_err_errno(err, "adding ipcache entry of %s's pod CIDR",
					    t->nodes[i].name);
	}
	if (t->world.present) {
		struct pl_ipcache_info ic = {.identity = PL_ID_WORLD};

		if ((err = pl_ipcache_add(d->dp, t->world.ip, 32, &ic)))
			return pl_err_errno(err, "adding ipcache entry of the world host");
	}
	return 0;
#else
	(void)d;
	(void)p;
	(void)node;
	return -EOPNOTSUPP;
#endif
}
