// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * tetra_probe_features(): learn what the running kernel lets BPF do by loading and
 * attaching tiny programs, then detaching and closing everything again.
 *
 * bpf() is called directly rather than through libbpf's bpf_prog_load()/bpf_map_create():
 * those raise RLIMIT_MEMLOCK to infinity whenever libbpf's own memcg probe fails, which
 * it does for every unprivileged caller, and the library must never change process-wide
 * settings. libbpf is used for BTF parsing only.
 *
 * Hooks attached through a BPF link or raw_tracepoint_open() are really attached and
 * detached: that costs well under a millisecond. Hooks that need a perf event
 * (tracepoint, kprobe, uprobe) stop short of perf_event_open(): the program must load and
 * the PMU or tracefs event must exist. Closing such a perf event waits for RCU-tasks and
 * SRCU grace periods in the kernel, 25-250 ms each on our machines, even when nothing
 * was attached to it, which would make this probe ten times slower for little news:
 * loading already needs CAP_BPF and CAP_PERFMON, which perf_event_open() checks too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#include "lib.h"
#include "tracefs.h"

#define INSN_MOV64_IMM(dst, val)                                                            \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (dst), .imm = (val) })
#define INSN_CALL(fn) ((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = (fn) })
#define INSN_EXIT() ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })

#define PROBE_NAME "tetra_probe"	/* shows in bpftool should a probe ever leak */
#define PROBE_TP_CATEGORY "sched"
#define PROBE_TP_NAME "sched_process_exec"

/*
 * Kernel functions for the kprobe_multi and fentry probes, best first: do_nanosleep runs
 * rarely, so a probe attached for a moment costs the rest of the system nothing.
 */
static const char *const kfunc_candidates[] = { "do_nanosleep", "security_file_open", "vfs_read" };

static const char *const feature_names[TETRA_FEATURE_COUNT] = {
	[TETRA_FEATURE_BTF] = "btf",
	[TETRA_FEATURE_RINGBUF] = "ringbuf",
	[TETRA_FEATURE_TRACEPOINT] = "tracepoint",
	[TETRA_FEATURE_RAW_TP] = "raw_tp",
	[TETRA_FEATURE_TP_BTF] = "tp_btf",
	[TETRA_FEATURE_KPROBE] = "kprobe",
	[TETRA_FEATURE_KPROBE_MULTI] = "kprobe_multi",
	[TETRA_FEATURE_FENTRY] = "fentry",
	[TETRA_FEATURE_LSM_ACTIVE] = "lsm_active",
	[TETRA_FEATURE_LSM_LOADABLE] = "lsm_loadable",
	[TETRA_FEATURE_UPROBE] = "uprobe",
	[TETRA_FEATURE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
	[TETRA_FEATURE_SEND_SIGNAL] = "send_signal",
	[TETRA_FEATURE_OVERRIDE_RETURN] = "override_return",
};

/* What one probe run shares between the individual feature probes. */
struct probe {
	struct btf *btf;	/* vmlinux BTF, or NULL */
	int btf_err;		/* why btf is NULL */
	const char *kfunc;	/* function for kprobe_multi and fentry */
	int kprobe_err;		/* result of the kprobe probe, for override_return */
};

static __u64 ptr_to_u64(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Every fd the bpf() syscall returns is already O_CLOEXEC. */
static int sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr)
{
	long ret = syscall(__NR_bpf, cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : (int)ret;
}

static int prog_load(__u32 type, __u32 expected, __u32 btf_id, const struct bpf_insn *insns,
		     __u32 cnt)
{
	union bpf_attr attr;
	int fd, tries = 5;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = expected;
	attr.attach_btf_id = btf_id;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	/* LSM programs and gpl_only helpers such as bpf_override_return() demand it. */
	attr.license = ptr_to_u64("GPL");
	memcpy(attr.prog_name, PROBE_NAME, sizeof(PROBE_NAME));
	/* The verifier gives up with EAGAIN when a signal is pending; libbpf retries too. */
	do
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
	while (fd == -EAGAIN && --tries);
	return fd;
}

/* The smallest program: "return @ret". */
static int load_ret(__u32 type, __u32 expected, __u32 btf_id, int ret)
{
	const struct bpf_insn insns[] = { INSN_MOV64_IMM(BPF_REG_0, ret), INSN_EXIT() };

	return prog_load(type, expected, btf_id, insns, TETRA_ARRAY_SIZE(insns));
}

static int raw_tp_open(const char *name, int prog)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = ptr_to_u64(name);
	attr.raw_tracepoint.prog_fd = prog;
	return sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
}

/* Closes @prog and the link (or error) @link; returns 0 when the attach worked. */
static int finish(int prog, int link)
{
	close_fd(link);
	close_fd(prog);
	return link < 0 ? link : 0;
}

/* Reads a small text file into @buf (NUL-terminated); returns its length or -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return (int)n;
}

static int pmu_type(const char *pmu)
{
	char path[128], buf[32], *end;
	long type;
	int n;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	errno = 0;
	type = strtol(buf, &end, 10);
	if (errno || end == buf || type < 0 || type > INT32_MAX)
		return -EINVAL;
	return (int)type;
}

static int btf_id(const struct probe *p, const char *name, __u32 kind)
{
	if (!p->btf)
		return p->btf_err;
	return btf__find_by_name_kind(p->btf, name, kind);
}

static int probe_btf(struct probe *p)
{
	/*
	 * Only the sysfs file, as documented: btf__load_vmlinux_btf() would also search
	 * /boot and print a warning through libbpf's global logger when nothing is found.
	 */
	p->btf = btf__parse_raw("/sys/kernel/btf/vmlinux");
	if (!p->btf)
		p->btf_err = errno ? -errno : -ENOENT;
	return p->btf_err;
}

static int probe_ringbuf(void)
{
	union bpf_attr attr;
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_RINGBUF;
	/* A ring buffer must be a power-of-two multiple of the page size. */
	attr.max_entries = page > 0 ? (__u32)page : 4096;
	memcpy(attr.map_name, PROBE_NAME, sizeof(PROBE_NAME));
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	close_fd(fd);
	return fd < 0 ? fd : 0;
}

static int probe_tracepoint(void)
{
	int prog, id;

	/* Load first: without privileges this fails at once, before anything forks. */
	prog = load_ret(BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0);
	if (prog < 0)
		return prog;
	close(prog);
	id = tetra__tracefs_event_id(PROBE_TP_CATEGORY, PROBE_TP_NAME);
	return id < 0 ? id : 0;
}

static int probe_raw_tp(void)
{
	int prog = load_ret(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, 0);

	if (prog < 0)
		return prog;
	return finish(prog, raw_tp_open(PROBE_TP_NAME, prog));
}

/* tp_btf, fentry and LSM programs: load against a BTF id, attach through raw_tp_open. */
static int probe_btf_prog(const struct probe *p, __u32 type, __u32 expected, const char *name,
			  __u32 kind)
{
	int id, prog;

	id = btf_id(p, name, kind);
	if (id < 0)
		return id;
	prog = load_ret(type, expected, (__u32)id, 0);
	if (prog < 0)
		return prog;
	/* Attaches by the BTF id given at load time; works since 5.5, unlike a tracing link. */
	return finish(prog, raw_tp_open(NULL, prog));
}

/* kprobes and uprobes: the program loads and the kernel has the perf PMU to attach it. */
static int probe_perf_prog(const char *pmu)
{
	int prog, type;

	prog = load_ret(BPF_PROG_TYPE_KPROBE, 0, 0, 0);
	if (prog < 0)
		return prog;
	close(prog);
	type = pmu_type(pmu);
	return type < 0 ? type : 0;
}

static int probe_kprobe_multi(const struct probe *p)
{
	const char *syms[] = { p->kfunc };
	union bpf_attr attr;
	int prog;

	prog = load_ret(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, 0);
	if (prog < 0)
		return prog;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.syms = ptr_to_u64(syms);
	attr.link_create.kprobe_multi.cnt = TETRA_ARRAY_SIZE(syms);
	return finish(prog, sys_bpf(BPF_LINK_CREATE, &attr));
}

static int probe_lsm_active(void)
{
	char mnt[256], path[300], buf[512], *tok, *save = NULL;
	int n;

	/* Wherever securityfs is mounted; never mounted by us. */
	n = tetra__find_mount("securityfs", mnt, sizeof(mnt));
	if (n < 0)
		return n;
	if ((size_t)snprintf(path, sizeof(path), "%s/lsm", mnt) >= sizeof(path))
		return -ENAMETOOLONG;
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (tok = strtok_r(buf, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save))
		if (!strcmp(tok, "bpf"))
			return 0;
	return -ENOENT;
}

static int probe_cgroup_sock_addr(void)
{
	union bpf_attr attr;
	char mnt[512];
	int prog, cg, link, err;

	/* Returns 1, "allow": connect() anywhere keeps working while the probe is attached. */
	prog = load_ret(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, 1);
	if (prog < 0)
		return prog;
	err = tetra__find_mount("cgroup2", mnt, sizeof(mnt));
	cg = err ? -1 : open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		err = err ? err : -errno;
		close(prog);
		return err;
	}
	/* A link never replaces programs other users attached: it is always "multi". */
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_fd = cg;
	attr.link_create.attach_type = BPF_CGROUP_INET4_CONNECT;
	link = sys_bpf(BPF_LINK_CREATE, &attr);
	close(cg);
	return finish(prog, link);
}

/*
 * A helper is usable from a program type when a program calling it loads; otherwise the
 * verifier says -EINVAL. Not libbpf_probe_bpf_helper(): it answers "supported" for every
 * failure whose log lacks "invalid func"/"unknown func", so it says yes without
 * privileges, and yes for bpf_override_return() on kernels whose verifier refuses it
 * with "program of this type cannot use helper".
 */
static int probe_send_signal(void)
{
	const struct bpf_insn insns[] = {
		INSN_MOV64_IMM(BPF_REG_1, 0),	/* signal 0: only verified, never run */
		INSN_CALL(BPF_FUNC_send_signal),
		INSN_MOV64_IMM(BPF_REG_0, 0),
		INSN_EXIT(),
	};
	int prog;

	prog = prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, insns, TETRA_ARRAY_SIZE(insns));
	close_fd(prog);
	return prog < 0 ? prog : 0;
}

static int probe_override_return(const struct probe *p)
{
	const struct bpf_insn insns[] = {
		/* r1 already holds the context, the helper's first argument */
		INSN_MOV64_IMM(BPF_REG_2, 0),
		INSN_CALL(BPF_FUNC_override_return),
		INSN_MOV64_IMM(BPF_REG_0, 0),
		INSN_EXIT(),
	};
	int prog;

	prog = prog_load(BPF_PROG_TYPE_KPROBE, 0, 0, insns, TETRA_ARRAY_SIZE(insns));
	close_fd(prog);
	if (prog < 0)
		return prog;
	/* The helper is useless without kprobes to call it from. */
	return p->kprobe_err;
}

static void pick_kfunc(struct probe *p)
{
	size_t i;

	/* Without BTF, kprobe_multi still attaches by name: take the first and hope. */
	p->kfunc = kfunc_candidates[0];
	for (i = 0; p->btf && i < TETRA_ARRAY_SIZE(kfunc_candidates); i++) {
		if (btf__find_by_name_kind(p->btf, kfunc_candidates[i], BTF_KIND_FUNC) > 0) {
			p->kfunc = kfunc_candidates[i];
			return;
		}
	}
}

static void record(struct tetra_features *f, unsigned int bit, int err)
{
	if (!err)
		f->available |= UINT64_C(1) << bit;
	else
		f->error[bit] = err < 0 ? err : -EINVAL;
}

static void probe_all(struct tetra_features *f)
{
	struct probe p = { .btf_err = 0 };

	record(f, TETRA_FEATURE_BTF, probe_btf(&p));
	pick_kfunc(&p);
	record(f, TETRA_FEATURE_RINGBUF, probe_ringbuf());
	record(f, TETRA_FEATURE_TRACEPOINT, probe_tracepoint());
	record(f, TETRA_FEATURE_RAW_TP, probe_raw_tp());
	record(f, TETRA_FEATURE_TP_BTF,
	       probe_btf_prog(&p, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP,
			      "btf_trace_" PROBE_TP_NAME, BTF_KIND_TYPEDEF));
	p.kprobe_err = probe_perf_prog("kprobe");
	record(f, TETRA_FEATURE_KPROBE, p.kprobe_err);
	record(f, TETRA_FEATURE_KPROBE_MULTI, probe_kprobe_multi(&p));
	record(f, TETRA_FEATURE_FENTRY,
	       probe_btf_prog(&p, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, p.kfunc,
			      BTF_KIND_FUNC));
	record(f, TETRA_FEATURE_LSM_ACTIVE, probe_lsm_active());
	record(f, TETRA_FEATURE_LSM_LOADABLE,
	       probe_btf_prog(&p, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open",
			      BTF_KIND_FUNC));
	record(f, TETRA_FEATURE_UPROBE, probe_perf_prog("uprobe"));
	record(f, TETRA_FEATURE_CGROUP_SOCK_ADDR, probe_cgroup_sock_addr());
	record(f, TETRA_FEATURE_SEND_SIGNAL, probe_send_signal());
	record(f, TETRA_FEATURE_OVERRIDE_RETURN, probe_override_return(&p));
	btf__free(p.btf);
}

TETRA_API int tetra_probe_features(struct tetra_features *ret)
{
	struct tetra_features f;
	size_t sz;

	if (!ret)
		return -EINVAL;
	sz = ret->sz;
	/*
	 * Every version of the struct has at least sz and available. A larger struct from a
	 * newer header is fine when the fields we do not know are zero, as for options.
	 */
	if (sz < offsetof(struct tetra_features, error) || tetra__opts_valid(ret, sz, sizeof(f)))
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	f.sz = sz;
	probe_all(&f);
	memcpy(ret, &f, sz < sizeof(f) ? sz : sizeof(f));
	return 0;
}

TETRA_API void tetra_features_init(struct tetra_features *f, size_t sz)
{
	if (!f)
		return;
	memset(f, 0, sz);
	if (sz >= sizeof(f->sz))
		f->sz = sz;
}

TETRA_API const char *tetra_feature_name(uint32_t feature)
{
	if (feature >= TETRA_FEATURE_COUNT)
		return NULL;
	return feature_names[feature];
}
