// SPDX-License-Identifier: GPL-2.0
/* An unprivileged runner's own user, mount and network namespaces (see userns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "userns.h"

static bool active;
static char why[256];

/* CapEff of this process from /proc/self/status; 0 when it cannot be read. */
static unsigned long long cap_eff(void)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	fclose(f);
	return v;
}

bool pl_cap_effective(int cap)
{
	return (cap_eff() >> cap) & 1;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text))
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

int pl_userns_setup(void)
{
	unsigned uid = getuid(), gid = getgid();
	char map[64];
	int err;

	if (cap_eff() != 0)
		return 0;
	if (getenv("PL_TEST_NO_USERNS")) {
		snprintf(why, sizeof(why), "PL_TEST_NO_USERNS is set");
		return 0;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)) {
		err = -errno;
		snprintf(why, sizeof(why), "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s",
			 strerror(errno));
		return err;
	}
	/* Map us to root inside so tools we exec (ip, tc) keep the namespace's capabilities. */
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if ((err = write_file("/proc/self/setgroups", "deny")) ||
	    (err = write_file("/proc/self/uid_map", map)))
		goto fail;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if ((err = write_file("/proc/self/gid_map", map)))
		goto fail;
	/* Our mounts stay ours: nothing propagates back to the initial mount namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("podlab-test", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")) {
		err = -errno;
		goto fail;
	}
	active = true;
	return 0;
fail:
	snprintf(why, sizeof(why), "setting up the user namespace: %s", strerror(-err));
	return err;
}

bool pl_userns_active(void)
{
	return active;
}

const char *pl_userns_why(void)
{
	return why[0] ? why : NULL;
}
