// SPDX-License-Identifier: GPL-2.0
/* Named network namespaces, the iproute2 way, without a process per netns. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "net/netns.h"

/* /run/netns must be a shared mount so namespaces stay visible to other mount namespaces. */
static int prepare_run_dir(void)
{
	static bool done;

	if (done)
		return 0;
	if (mkdir(PL_NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return pl_err_errno(-errno, "creating %s", PL_NETNS_RUN_DIR);
	while (mount("", PL_NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL)
			return pl_err_errno(-errno, "making %s a shared mount", PL_NETNS_RUN_DIR);
		/* Not a mount point yet: bind it onto itself, then retry. */
		if (mount(PL_NETNS_RUN_DIR, PL_NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL))
			return pl_err_errno(-errno, "bind-mounting %s", PL_NETNS_RUN_DIR);
	}
	done = true;
	return 0;
}

static void ns_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", PL_NETNS_RUN_DIR, name);
}

int pl_netns_open(const char *name)
{
	char path[PATH_MAX];
	int fd;

	ns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int pl_netns_enter(int fd, int *saved)
{
	int cur = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (cur < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		int err = -errno;

		close(cur);
		return err;
	}
	*saved = cur;
	return 0;
}

int pl_netns_enter_name(const char *name, int *saved)
{
	int fd = pl_netns_open(name), err;

	if (fd < 0)
		return fd;
	err = pl_netns_enter(fd, saved);
	close(fd);
	return err;
}

int pl_netns_leave(int saved)
{
	int err = setns(saved, CLONE_NEWNET) ? -errno : 0;

	close(saved);
	if (err)
		pl_err_errno(err, "returning to the original network namespace");
	return err;
}

int pl_netns_create(const char *name, int (*in_ns)(void *ctx), void *ctx)
{
	char path[PATH_MAX];
	int fd, saved = -1, err;

	if ((err = prepare_run_dir()))
		return err;
	ns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		err = -errno;
		goto err_unlink;
	}
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		goto err_close;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL)) {
		err = -errno;
		setns(saved, CLONE_NEWNET);
		goto err_close;
	}
	err = in_ns ? in_ns(ctx) : 0;
	if (setns(saved, CLONE_NEWNET)) {
		err = pl_err_errno(-errno, "returning to the original network namespace");
		close(saved);
		goto err_umount;
	}
	close(saved);
	if (err)
		goto err_umount;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto err_umount;
	}
	return fd;
err_umount:
	umount2(path, MNT_DETACH);
	unlink(path);
	return err;
err_close:
	close(saved);
err_unlink:
	unlink(path);
	return err;
}

int pl_netns_delete(const char *name)
{
	char path[PATH_MAX];

	ns_path(name, path, sizeof(path));
	if (access(path, F_OK))
		return -errno;
	umount2(path, MNT_DETACH);
	if (unlink(path))
		return -errno;
	return 0;
}
