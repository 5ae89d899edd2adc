// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The process lifecycle sensor: loads bpf/process.bpf.c, owns the context's ring buffer,
 * turns exec/fork/exit records into events and keeps the process cache in step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "process.skel.h"
#include "policy_runtime.h"
#include "sensor.h"
#include "tetra_wire.h"

struct tetra__process_sensor {
	struct tetra_process_bpf *skel;
	struct tetra_counters *counters;	/* mmapped tetra_counters map */
	struct ring_buffer *rb;
	const char *mechanism;		/* "tp_btf" or "raw_tp" */
	int delivered;			/* by the consume in progress */
};

static void fill_task(struct tetra_process *p, const struct tetra_wire_task *t)
{
	p->pid = t->pid;
	p->tid = t->tid;
	p->ppid = t->ppid;
	p->cred[TETRA_CRED_UID] = t->uid;
	p->cred[TETRA_CRED_EUID] = t->euid;
	p->cred[TETRA_CRED_SUID] = t->suid;
	p->cred[TETRA_CRED_FSUID] = t->fsuid;
	p->cred[TETRA_CRED_GID] = t->gid;
	p->cred[TETRA_CRED_EGID] = t->egid;
	p->cred[TETRA_CRED_SGID] = t->sgid;
	p->cred[TETRA_CRED_FSGID] = t->fsgid;
	p->cred[TETRA_CRED_AUID] = t->auid;
	memcpy(p->ns, t->ns, sizeof(p->ns));
	p->caps[TETRA_CAPS_PERMITTED] = t->cap_permitted;
	p->caps[TETRA_CAPS_EFFECTIVE] = t->cap_effective;
	p->caps[TETRA_CAPS_INHERITABLE] = t->cap_inheritable;
	p->cgroup_id = t->cgroup_id;
}

static void set_identity(struct tetra_ctx *ctx, struct tetra_process *p, uint64_t ktime,
			 const struct tetra_process *parent)
{
	p->ktime = ktime;
	p->start_time = ktime + ctx->realtime_offset_ns;
	tetra__exec_id(p->exec_id, sizeof(p->exec_id), ctx->node_name, ktime, p->pid);
	if (parent)
		memcpy(p->parent_exec_id, parent->exec_id, sizeof(p->parent_exec_id));
	else
		p->parent_exec_id[0] = '\0';
}

/* exec() may be given a relative name; report it against the cwd, as a user reads it. */
static int set_binary(struct tetra_process *p, const char *name, size_t len)
{
	char *abs;
	size_t cwd_len = strlen(p->cwd);
	int err;

	if ((len && name[0] == '/') || !cwd_len)
		return tetra__process_set_binary(p, name, len);
	while (len >= 2 && name[0] == '.' && name[1] == '/') {
		name += 2;
		len -= 2;
	}
	abs = malloc(cwd_len + len + 2);
	if (!abs)
		return -ENOMEM;
	memcpy(abs, p->cwd, cwd_len);
	if (p->cwd[cwd_len - 1] != '/')
		abs[cwd_len++] = '/';
	memcpy(abs + cwd_len, name, len);
	err = tetra__process_set_binary(p, abs, cwd_len + len);
	free(abs);
	return err;
}

static int handle_exec(struct tetra_ctx *ctx, const struct tetra_wire_exec *e, size_t size)
{
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC };
	const char *filename, *args, *cwd, *cgroup;
	char cgroup_name[TETRA_WIRE_CGROUP_MAX + 1];
	struct tetra_process *p, *prev;

	if (size < sizeof(*e) || sizeof(*e) + (size_t)e->filename_len + e->args_len + e->cwd_len +
					  e->cgroup_len > size) {
		ctx->stats.decode_errors++;
		return 0;
	}
	filename = e->data;
	args = filename + e->filename_len;
	cwd = args + e->args_len;
	cgroup = cwd + e->cwd_len;

	p = tetra__process_new();
	if (!p)
		return -ENOMEM;
	fill_task(p, &e->task);
	if (tetra__process_set_cwd(p, cwd, e->cwd_len) ||
	    set_binary(p, filename, e->filename_len) ||
	    tetra__process_set_args(p, args, e->args_len)) {
		tetra__process_free(p);
		return -ENOMEM;
	}
	memcpy(cgroup_name, cgroup, e->cgroup_len);
	cgroup_name[e->cgroup_len] = '\0';
	tetra__container_id_from_cgroup(p->container_id, cgroup_name);

	p->flags = TETRA_PROCESS_EXECVE;
	if (e->cwd_len == 1 && cwd[0] == '/')
		p->flags |= TETRA_PROCESS_ROOTCWD;
	if (e->flags & TETRA_WIRE_F_ARGS_TRUNC)
		p->flags |= TETRA_PROCESS_ARGS_TRUNCATED;
	if (e->flags & TETRA_WIRE_F_FILENAME_TRUNC)
		p->flags |= TETRA_PROCESS_BINARY_TRUNCATED;
	if (e->flags & TETRA_WIRE_F_CWD_TRUNC)
		p->flags |= TETRA_PROCESS_CWD_TRUNCATED;
	if (e->flags & TETRA_WIRE_F_ARGS_ERR)
		p->flags |= TETRA_PROCESS_ERROR_ARGS;
	if (e->flags & TETRA_WIRE_F_CWD_ERR)
		p->flags |= TETRA_PROCESS_ERROR_CWD;
	/* Tetragon's "clone": the first exec of a process that fork created */
	prev = tetra__process_cache_lookup(ctx->processes, p->pid);
	if (prev && (prev->flags & TETRA_PROCESS_CLONE) && !(prev->flags & TETRA_PROCESS_EXECVE))
		p->flags |= TETRA_PROCESS_CLONE;

	/* look the parent up first: that makes it most recently used, safe from eviction */
	set_identity(ctx, p, e->hdr.ktime, tetra__process_cache_lookup(ctx->processes, p->ppid));
	tetra__process_cache_insert(ctx->processes, p);

	ev.seq = e->hdr.seq;
	ev.ktime = e->hdr.ktime;
	ev.process = p;
	ev.parent = tetra__process_cache_lookup(ctx->processes, p->ppid);
	return tetra__deliver(ctx, &ev);
}

static int handle_fork(struct tetra_ctx *ctx, const struct tetra_wire_fork *f, size_t size)
{
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_FORK };
	const struct tetra_process *parent;
	struct tetra_process *p;

	if (size < sizeof(*f)) {
		ctx->stats.decode_errors++;
		return 0;
	}
	/* a fork runs the parent's image: start from a copy of the parent */
	parent = tetra__process_cache_lookup(ctx->processes, f->task.ppid);
	p = parent ? tetra__process_dup(parent) : tetra__process_new();
	if (!p)
		return -ENOMEM;
	fill_task(p, &f->task);
	p->flags = TETRA_PROCESS_CLONE;
	if (parent)
		p->flags |= parent->flags & (TETRA_PROCESS_ROOTCWD | TETRA_PROCESS_ARGS_TRUNCATED |
					     TETRA_PROCESS_BINARY_TRUNCATED |
					     TETRA_PROCESS_CWD_TRUNCATED);
	else
		p->flags |= TETRA_PROCESS_UNKNOWN;
	set_identity(ctx, p, f->hdr.ktime, parent);
	tetra__process_cache_insert(ctx->processes, p);

	ev.seq = f->hdr.seq;
	ev.ktime = f->hdr.ktime;
	ev.process = p;
	ev.parent = tetra__process_cache_lookup(ctx->processes, p->ppid);
	if (!parent)
		ctx->stats.unknown_processes++;
	return tetra__deliver(ctx, &ev);
}

static int handle_exit(struct tetra_ctx *ctx, const struct tetra_wire_exit *x, size_t size)
{
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXIT };
	struct tetra_process *p, *unknown = NULL;
	int r;

	if (size < sizeof(*x)) {
		ctx->stats.decode_errors++;
		return 0;
	}
	p = tetra__process_cache_lookup(ctx->processes, x->pid);
	if (!p) {
		/* started before us without /proc seeding, or evicted: say so, keep the pid */
		unknown = p = tetra__process_new();
		if (!p)
			return -ENOMEM;
		p->pid = x->pid;
		p->tid = x->tid;
		p->flags = TETRA_PROCESS_UNKNOWN;
		ctx->stats.unknown_processes++;
	}
	ev.seq = x->hdr.seq;
	ev.ktime = x->hdr.ktime;
	ev.process = p;
	ev.parent = p->ppid ? tetra__process_cache_lookup(ctx->processes, p->ppid) : NULL;
	ev.exit_signal = x->exit_code & 0x7f;
	ev.exit_status = ev.exit_signal ? 0 : (x->exit_code >> 8) & 0xff;
	r = tetra__deliver(ctx, &ev);
	if (unknown)
		tetra__process_free(unknown);
	else
		tetra__process_cache_mark_exited(ctx->processes, x->pid);
	return r;
}

static int on_record(void *arg, void *data, size_t size)
{
	struct tetra_ctx *ctx = arg;
	const struct tetra_wire_hdr *hdr = data;
	int r;

	ctx->stats.events_received++;
	if (size < sizeof(*hdr)) {
		ctx->stats.decode_errors++;
		return 0;
	}
	switch (hdr->type) {
	case TETRA_WIRE_EXEC:
		r = handle_exec(ctx, data, size);
		break;
	case TETRA_WIRE_FORK:
		r = handle_fork(ctx, data, size);
		break;
	case TETRA_WIRE_EXIT:
		r = handle_exit(ctx, data, size);
		break;
	case TETRA_WIRE_POLICY:
		r = tetra__policy_handle_record(ctx, data, size);
		break;
	case TETRA_WIRE_TRACEPOINT:
		r = tetra__tp_handle_record(ctx, data, size);
		break;
	case TETRA_WIRE_UPROBE:
		r = tetra__up_handle_record(ctx, data, size);
		break;
	default:
		ctx->stats.decode_errors++;
		return 0;
	}
	if (r >= 0)
		ctx->process_sensor->delivered++;
	return r < 0 ? r : 0;
}

void tetra__process_sensor_read_lost(struct tetra_ctx *ctx, uint64_t lost[TETRA_LOST_CATEGORIES])
{
	struct tetra_counters *c = ctx->process_sensor->counters;

	for (int i = 0; i < TETRA_LOST_CATEGORIES; i++)
		lost[i] = __atomic_load_n(&c->lost[i], __ATOMIC_RELAXED);
}

/* Turn growth of the kernel's loss counters into one lost_events event. */
static int report_lost(struct tetra_ctx *ctx)
{
	struct tetra_event ev = { .type = TETRA_EVENT_LOST };
	uint64_t lost[TETRA_LOST_CATEGORIES];
	int any = 0, r;

	tetra__process_sensor_read_lost(ctx, lost);
	for (int i = 0; i < TETRA_LOST_CATEGORIES; i++) {
		ev.lost[i] = lost[i] - ctx->lost_reported[i];
		any |= ev.lost[i] != 0;
	}
	if (!any)
		return 0;
	tetra__sensors_poll_lost(ctx);
	memcpy(ctx->lost_reported, lost, sizeof(lost));
	/* every record numbered below this one was either delivered or is counted here */
	ev.seq = __atomic_load_n(&ctx->process_sensor->counters->seq, __ATOMIC_RELAXED);
	{
		struct timespec ts;

		clock_gettime(CLOCK_BOOTTIME, &ts);
		ev.ktime = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	r = tetra__deliver(ctx, &ev);
	return r < 0 ? r : 1;
}

int tetra__process_sensor_consume(struct tetra_ctx *ctx)
{
	struct tetra__process_sensor *s = ctx->process_sensor;
	int r, lost;

	s->delivered = 0;
	r = ring_buffer__consume(s->rb);
	if (r < 0)
		return r;	/* the callback's own value, or -ENOMEM */
	lost = report_lost(ctx);
	if (lost < 0)
		return lost;
	return s->delivered + lost;
}

static int open_and_load(struct tetra_ctx *ctx, struct tetra__process_sensor *s, int use_btf)
{
	struct bpf_program *prog;
	int err;

	s->skel = tetra_process_bpf__open();
	if (!s->skel)
		return tetra__error(ctx, -errno, "enable process sensor: open BPF object: %s",
				    tetra_strerror(errno));
	bpf_object__for_each_program(prog, s->skel->obj) {
		int is_btf = bpf_program__type(prog) == BPF_PROG_TYPE_TRACING;

		bpf_program__set_autoload(prog, is_btf == use_btf);
	}
	err = bpf_map__set_max_entries(s->skel->maps.tetra_events, ctx->ring_buffer_bytes);
	if (err)
		return tetra__error(ctx, err, "enable process sensor: ring buffer of %u bytes: %s",
				    ctx->ring_buffer_bytes, tetra_strerror(err));
	err = tetra_process_bpf__load(s->skel);
	if (err)
		return tetra__error(ctx, -TETRA_E_BPF_LOAD,
				    "enable process sensor: load %s programs: %s",
				    use_btf ? "tp_btf" : "raw_tp", tetra_strerror(err));
	err = tetra_process_bpf__attach(s->skel);
	if (err)
		return tetra__error(ctx, -TETRA_E_BPF_ATTACH,
				    "enable process sensor: attach %s sched_process_* : %s",
				    use_btf ? "tp_btf" : "raw_tp", tetra_strerror(err));
	s->mechanism = use_btf ? "tp_btf" : "raw_tp";
	return 0;
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void destroy(struct tetra_ctx *ctx, struct tetra__process_sensor *s)
{
	if (s->rb) {
		epoll_ctl(ctx->epoll_fd, EPOLL_CTL_DEL, ring_buffer__epoll_fd(s->rb), NULL);
		ring_buffer__free(s->rb);
	}
	if (s->counters)
		munmap(s->counters, page_size());
	tetra_process_bpf__destroy(s->skel);
	free(s);
}

/* Processes found in /proc get their binary in the kernel map too, for matchBinaries. */
static void remember_binary(struct tetra_process *p, void *arg)
{
	struct tetra_binary b = { 0 };
	int fd = *(int *)arg;
	size_t len = strlen(p->binary);

	if (p->flags & TETRA_PROCESS_EXITED || len >= sizeof(b.path))
		return;
	memcpy(b.path, p->binary, len);
	b.len = len;
	/* BPF_NOEXIST: an exec the sensor saw since attaching knows better */
	bpf_map_update_elem(fd, &p->pid, &b, BPF_NOEXIST);
}

int tetra__process_sensor_enable(struct tetra_ctx *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct tetra__process_sensor *s;
	int err = 0;

	err = tetra__check_bpf_privileges(ctx, "enable process sensor");
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s)
		return tetra__error(ctx, -ENOMEM, "enable process sensor: out of memory");

	if (!(ctx->flags & TETRA_CTX_F_FORCE_RAW_TP) && access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		err = open_and_load(ctx, s, 1);
	if (err || !s->mechanism) {
		if (err)
			tetra__log(ctx, TETRA_LOG_WARNING, "%s; falling back to raw_tp",
				   ctx->last_error);
		tetra_process_bpf__destroy(s->skel);
		s->skel = NULL;
		err = open_and_load(ctx, s, 0);
		if (err)
			goto fail;
	}

	s->counters = mmap(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
			   bpf_map__fd(s->skel->maps.tetra_counters), 0);
	if (s->counters == MAP_FAILED) {
		s->counters = NULL;
		err = tetra__error(ctx, -errno, "enable process sensor: map counters: %s",
				   tetra_strerror(errno));
		goto fail;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.tetra_events), on_record, ctx, NULL);
	if (!s->rb) {
		err = tetra__error(ctx, -errno, "enable process sensor: ring buffer: %s",
				   tetra_strerror(errno));
		goto fail;
	}
	ev.data.fd = ring_buffer__epoll_fd(s->rb);
	if (epoll_ctl(ctx->epoll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev)) {
		err = tetra__error(ctx, -errno, "enable process sensor: epoll: %s",
				   tetra_strerror(errno));
		goto fail;
	}
	ctx->process_sensor = s;
	memset(ctx->lost_reported, 0, sizeof(ctx->lost_reported));
	ctx->last_error[0] = '\0';

	/* attached first, then /proc: a process starting in between is seen by one or both */
	if (!(ctx->flags & TETRA_CTX_F_NO_PROC_SEED)) {
		struct tetra__proc_seed seed = {
			.proc_root = "/proc",
			.node_name = ctx->node_name,
			.realtime_offset_ns = ctx->realtime_offset_ns,
		};
		int n = tetra__process_cache_seed(ctx->processes, &seed);

		if (n < 0)
			tetra__log(ctx, TETRA_LOG_WARNING, "seed process cache from /proc: %s",
				   tetra_strerror(n));
		else
			tetra__log(ctx, TETRA_LOG_INFO, "process cache seeded with %d processes", n);
		if (n > 0) {
			int fd = bpf_map__fd(s->skel->maps.tetra_binaries);

			tetra__process_cache_foreach(ctx->processes, remember_binary, &fd);
		}
	}
	tetra__log(ctx, TETRA_LOG_INFO, "process sensor attached (%s)", s->mechanism);
	return 0;

fail:
	destroy(ctx, s);
	return err;
}

int tetra__process_sensor_map_fd(struct tetra_ctx *ctx, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(ctx->process_sensor->skel->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int tetra__process_sensor_share_maps(struct tetra_ctx *ctx, struct bpf_object *obj)
{
	static const char *const shared[] = { "tetra_events", "tetra_counters", "tetra_binaries" };

	for (size_t i = 0; i < TETRA_ARRAY_SIZE(shared); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, shared[i]);
		int fd = tetra__process_sensor_map_fd(ctx, shared[i]), err;

		if (!m || fd < 0)
			return m ? fd : -ENOENT;
		err = bpf_map__reuse_fd(m, fd);
		if (err)
			return err;
	}
	return 0;
}

void tetra__process_sensor_disable(struct tetra_ctx *ctx)
{
	destroy(ctx, ctx->process_sensor);
	ctx->process_sensor = NULL;
}
