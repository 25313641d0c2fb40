// SPDX-License-Identifier: GPL-2.0
/* Run code inside a named network namespace from a throwaway thread. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/nsrun.h"

struct netns_call {
	const char *name;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static int netns_path(const char *name, char *buf, size_t len)
{
	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "/run/netns/%s", name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static void *netns_thread(void *p)
{
	struct netns_call *c = p;
	char path[256];
	int fd, err;

	err = netns_path(c->name, path, sizeof(path));
	if (err) {
		c->ret = err;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		c->ret = -errno;
		return NULL;
	}
	/* Only this thread moves; it ends right after fn, so nobody else ever runs here. */
	if (setns(fd, CLONE_NEWNET)) {
		c->ret = -errno;
		close(fd);
		return NULL;
	}
	close(fd);
	c->ret = c->fn(c->arg);
	return NULL;
}

int pl_nsrun(const char *name, int (*fn)(void *arg), void *arg)
{
	struct netns_call c = {.name = name, .fn = fn, .arg = arg, .ret = -EINVAL};
	pthread_t th;
	int err;

	err = pthread_create(&th, NULL, netns_thread, &c);
	if (err)
		return -err;
	pthread_join(th, NULL);
	return c.ret;
}

struct socket_args {
	int domain, type, proto;
};

static int socket_in_ns(void *p)
{
	struct socket_args *a = p;
	int fd = socket(a->domain, a->type | SOCK_CLOEXEC, a->proto);

	return fd < 0 ? -errno : fd;
}

int pl_nsrun_socket(const char *name, int domain, int type, int proto)
{
	struct socket_args a = {domain, type, proto};

	return pl_nsrun(name, socket_in_ns, &a);
}

int pl_nsrun_ifindex(const char *name, const char *dev)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (strlen(dev) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = pl_nsrun_socket(name, AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	/* The ioctl resolves names in the socket's namespace, not the caller's. */
	strcpy(ifr.ifr_name, dev);
	if (ioctl(fd, SIOCGIFINDEX, &ifr))
		err = -errno;
	close(fd);
	return err ? err : ifr.ifr_ifindex;
}

struct dev_by_ip {
	uint32_t ip;
	char *dev;
};

static int dev_by_ip_in_ns(void *p)
{
	struct dev_by_ip *a = p;
	struct ifaddrs *ifa, *i;
	int err = -ENODEV;

	/* getifaddrs() asks rtnetlink through a socket of this thread's namespace. */
	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr != a->ip)
			continue;
		snprintf(a->dev, IFNAMSIZ, "%s", i->ifa_name);
		err = 0;
		break;
	}
	freeifaddrs(ifa);
	return err;
}

int pl_nsrun_dev_by_ip(const char *name, uint32_t ip, char dev[16])
{
	struct dev_by_ip a = {ip, dev};

	return pl_nsrun(name, dev_by_ip_in_ns, &a);
}

struct addrs_args {
	uint32_t *out;
	int max;
};

static int addrs_in_ns(void *p)
{
	struct addrs_args *a = p;
	struct ifaddrs *ifa, *i;
	int n = 0;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i && n < a->max; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			a->out[n++] = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
	return n;
}

int pl_nsrun_addrs(const char *name, uint32_t *out, int max)
{
	struct addrs_args a = {out, max};

	return pl_nsrun(name, addrs_in_ns, &a);
}

int pl_nsrun_exists(const char *name)
{
	char path[256];
	int err = netns_path(name, path, sizeof(path));

	if (err)
		return err;
	return access(path, F_OK) ? -errno : 0;
}
