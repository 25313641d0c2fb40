// SPDX-License-Identifier: GPL-2.0
/* The per-run collector: BPF ring buffers in, the run's shared ring out. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "net/collector.h"
#include "net/run.h"

#define ATTACH_TIMEOUT_NS (5ull * 1000000000ull)

struct node_ctx {
	struct pl_evbus *bus;
	uint32_t node;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void pin_path(const char *run, const char *node, const char *map, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s/%s", PL_BPFFS_ROOT, run, node, map);
}

static int state_line(const char *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int state_line(const char *run, const char *fmt, ...)
{
	char path[PATH_MAX], line[PATH_MAX + 32];
	va_list ap;
	int fd, n, err = 0;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "%s/%s.state", PL_STATE_DIR, run);
	/* No O_CREAT: a run that is gone gets no state file back. */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, line, n) != n) /* one O_APPEND write: lines of two writers never mix */
		err = -EIO;
	close(fd);
	return err;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct node_ctx *n = ctx;

	if (size >= sizeof(struct pl_flow_event))
		pl_evbus_write(n->bus, n->node, data);
	return 0;
}

static uint32_t ring_slots(void)
{
	const char *s = getenv("PODLAB_EVENTS_SLOTS");
	unsigned long v = s ? strtoul(s, NULL, 0) : 0;

	/* A power of two from 16: small rings let tests show a slow reader's losses. */
	if (v < 16 || v > (1ul << 24) || (v & (v - 1)))
		return PL_EVBUS_SLOTS_DEFAULT;
	return (uint32_t)v;
}

/* The collector itself, in a process of its own; lock_fd (the ring file) stays locked by it. */
static int collect(const char *run, const struct topo *t, int lock_fd)
{
	struct pl_evbus bus;
	struct ring_buffer *rb = NULL;
	struct node_ctx *ctx;
	char path[PATH_MAX], state[PATH_MAX];
	int i, fd, null, n, err, nrings = 0;

	signal(SIGTERM, on_signal);
	signal(SIGINT, SIG_IGN); /* a reader's Ctrl-C is not the run's end */
	signal(SIGPIPE, SIG_IGN);
	if (dup2(lock_fd, 3) < 0)
		return -errno;
	null = open("/dev/null", O_RDWR);
	for (i = 0; null >= 0 && i < 3; i++)
		dup2(null, i);
	/* Nothing of the reader's stays open: its pipes must see EOF when it exits. */
	syscall(SYS_close_range, 4, ~0u, 0);
	if ((err = pl_evbus_init(3, ring_slots(), t->nnodes, &bus)))
		return err;
	state_line(run, "collector %d %llu\n", (int)getpid(), pl_pid_start_time(getpid()));
	ctx = calloc(t->nnodes, sizeof(*ctx));
	err = ctx ? 0 : -ENOMEM;
	for (i = 0; !err && i < t->nnodes; i++) {
		pin_path(run, t->nodes[i].name, "events", path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		ctx[i] = (struct node_ctx){.bus = &bus, .node = i};
		if (!rb)
			rb = ring_buffer__new(fd, on_event, &ctx[i], NULL);
		else if (ring_buffer__add(rb, fd, on_event, &ctx[i]))
			err = -errno;
		if (!rb)
			err = -errno;
		close(fd); /* libbpf holds its own mapping */
		nrings++;
	}
	if (!err && !nrings)
		err = -ENOENT;
	if (err) {
		__atomic_store_n(&bus.hdr->ready, err, __ATOMIC_RELEASE);
		pl_evbus_publish(&bus);
		goto out;
	}
	ring_buffer__consume(rb);
	__atomic_store_n(&bus.hdr->ready, 1, __ATOMIC_RELEASE);
	pl_evbus_publish(&bus);
	snprintf(state, sizeof(state), "%s/%s.state", PL_STATE_DIR, run);
	while (!stop) {
		n = ring_buffer__poll(rb, 200);
		if (n > 0)
			pl_evbus_publish(&bus);
		else if (n < 0 && n != -EINTR) {
			err = n;
			break;
		}
		/* `down` of a podlab that knew no collector still ends us. */
		if (access(state, F_OK))
			break;
	}
out:
	ring_buffer__free(rb);
	free(ctx);
	pl_evbus_close(&bus);
	return err;
}

/* Forks the collector twice (init reaps it), lock_fd goes with it. */
static int spawn(const char *run, const struct topo *t, int lock_fd)
{
	int status;
	pid_t pid, pid2;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		setsid();
		pid2 = fork();
		if (pid2)
			_exit(pid2 < 0);
		_exit(collect(run, t, lock_fd) ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

static bool events_recorded(const char *run)
{
	struct pl_run_state st;
	bool yes;

	if (pl_run_state_read(run, &st))
		return false;
	yes = st.events != NULL;
	pl_run_state_free(&st);
	return yes;
}

int pl_collector_attach(const char *run, const struct topo *t, bool from_start,
			struct pl_evbus *bus)
{
	uint64_t deadline = pl_now_ns() + ATTACH_TIMEOUT_NS;
	char path[PATH_MAX];
	int i, fd, rfd, ready, err;

	if (t->nnodes > PL_EVBUS_MAX_NODES)
		return -E2BIG;
	pl_evbus_path(run, path, sizeof(path));
	/* Recorded before it exists, as every object of a run. */
	if (!events_recorded(run) && (err = state_line(run, "events %s\n", path)))
		return err;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* The lock is the collector's for its life: taking it means none runs. */
	err = flock(fd, LOCK_EX | LOCK_NB) ? 0 : spawn(run, t, fd);
	close(fd);
	if (err)
		return err;
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return -errno;
	for (;;) {
		err = pl_evbus_map(rfd, false, from_start, bus);
		if (!err) {
			ready = __atomic_load_n(&bus->hdr->ready, __ATOMIC_ACQUIRE);
			if (ready == 1)
				break;
			pl_evbus_close(bus);
			err = ready < 0 ? ready : -EAGAIN;
		}
		if (err != -EAGAIN || pl_now_ns() >= deadline)
			goto out;
		usleep(5000); /* the collector lays the ring out in a few ms */
	}
	for (i = 0; i < t->nnodes && !err; i++) {
		char pin[PATH_MAX];

		pin_path(run, t->nodes[i].name, "events", pin, sizeof(pin));
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		err = pl_evbus_watch_ring(bus, fd);
		close(fd);
	}
	if (err)
		pl_evbus_close(bus);
out:
	close(rfd);
	return err == -EAGAIN ? -ETIMEDOUT : err;
}

bool pl_collector_running(const char *run)
{
	struct pl_run_state st;
	bool alive;

	if (pl_run_state_read(run, &st))
		return false;
	alive = st.collector > 0 && pl_pid_start_time(st.collector) == st.collector_start;
	pl_run_state_free(&st);
	return alive;
}

int pl_collector_dp_lost(const char *run, const char *node, uint64_t *lost)
{
	struct pl_counter_val v = {};
	char path[PATH_MAX];
	int fd, err;

	*lost = 0;
	pin_path(run, node, "counters", path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = pl_counter_slot_read_fd(fd, PL_COUNTER_EVENTS_LOST, &v);
	close(fd);
	*lost = v.packets;
	return err;
}
