/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Helpers shared by libtetra's BPF programs: numbering and queueing records with every
 * failure counted, reading who a task is, and turning a struct path into a string.
 */
#ifndef TETRA_BPF_H
#define TETRA_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "tetra_wire.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* One ring buffer per context; its size is set by user space before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);
} tetra_events SEC(".maps");

/*
 * Shared by every BPF object of a context (bpf_map__reuse_fd) and mmapped by user space:
 * the next sequence number and, per loss category, how many records could not be
 * queued. Every number handed out is either queued or counted, so the counters explain
 * every gap.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct tetra_counters);
} tetra_counters SEC(".maps");

static __always_inline int tetra_emit(struct tetra_wire_hdr *hdr, __u64 size, __u32 category)
{
	__u32 zero = 0;
	struct tetra_counters *c = bpf_map_lookup_elem(&tetra_counters, &zero);

	if (!c)
		return -1;
	hdr->seq = __sync_fetch_and_add(&c->seq, 1);
	hdr->size = size;
	if (bpf_ringbuf_output(&tetra_events, hdr, size, 0)) {
		__sync_fetch_and_add(&c->lost[category & (TETRA_WIRE_LOST_MAX - 1)], 1);
		return -1;
	}
	return 0;
}

static __always_inline __u32 ns_inum(void *ns_common_ptr)
{
	struct ns_common *ns = ns_common_ptr;

	return ns ? BPF_CORE_READ(ns, inum) : 0;
}

static __always_inline void tetra_read_task(struct tetra_wire_task *t, struct task_struct *task)
{
	const struct cred *cred = BPF_CORE_READ(task, real_cred);
	struct nsproxy *nsp = BPF_CORE_READ(task, nsproxy);
	struct pid *tpid = BPF_CORE_READ(task, thread_pid);
	struct pid_namespace *pidns = NULL;
	unsigned int level;

	t->pid = BPF_CORE_READ(task, tgid);
	t->tid = BPF_CORE_READ(task, pid);
	t->ppid = BPF_CORE_READ(task, real_parent, tgid);

	t->uid = BPF_CORE_READ(cred, uid.val);
	t->euid = BPF_CORE_READ(cred, euid.val);
	t->suid = BPF_CORE_READ(cred, suid.val);
	t->fsuid = BPF_CORE_READ(cred, fsuid.val);
	t->gid = BPF_CORE_READ(cred, gid.val);
	t->egid = BPF_CORE_READ(cred, egid.val);
	t->sgid = BPF_CORE_READ(cred, sgid.val);
	t->fsgid = BPF_CORE_READ(cred, fsgid.val);
	/* kernel_cap_t is 8 bytes both as u32[2] (< 6.3) and as u64 (>= 6.3) */
	bpf_probe_read_kernel(&t->cap_permitted, 8, &cred->cap_permitted);
	bpf_probe_read_kernel(&t->cap_effective, 8, &cred->cap_effective);
	bpf_probe_read_kernel(&t->cap_inheritable, 8, &cred->cap_inheritable);

	if (bpf_core_field_exists(task->loginuid))
		t->auid = BPF_CORE_READ(task, loginuid.val);
	else
		t->auid = (__u32)-1;

	/* TETRA_NS_* order: uts ipc mnt pid pid_for_children net time time_for_children cgroup user */
	if (nsp) {
		t->ns[0] = ns_inum(&BPF_CORE_READ(nsp, uts_ns)->ns);
		t->ns[1] = ns_inum(&BPF_CORE_READ(nsp, ipc_ns)->ns);
		t->ns[2] = ns_inum(&BPF_CORE_READ(nsp, mnt_ns)->ns);
		t->ns[4] = ns_inum(&BPF_CORE_READ(nsp, pid_ns_for_children)->ns);
		t->ns[5] = ns_inum(&BPF_CORE_READ(nsp, net_ns)->ns);
		if (bpf_core_field_exists(nsp->time_ns)) {
			t->ns[6] = ns_inum(&BPF_CORE_READ(nsp, time_ns)->ns);
			t->ns[7] = ns_inum(&BPF_CORE_READ(nsp, time_ns_for_children)->ns);
		}
		t->ns[8] = ns_inum(&BPF_CORE_READ(nsp, cgroup_ns)->ns);
	}
	if (tpid) {
		level = BPF_CORE_READ(tpid, level);
		bpf_probe_read_kernel(&pidns, sizeof(pidns), &tpid->numbers[level & 31].ns);
		t->ns[3] = ns_inum(&pidns->ns);
	}
	t->ns[9] = ns_inum(&BPF_CORE_READ(cred, user_ns)->ns);
	t->cgroup_id = bpf_get_current_cgroup_id();
}

/* The leaf name of the task's cgroup: v2 first, else the v1 memory controller's. */
static __always_inline long tetra_read_cgroup_name(char *dst, struct task_struct *task)
{
	struct cgroup *cg = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	const char *name = BPF_CORE_READ(cg, kn, name);
	long n = bpf_probe_read_kernel_str(dst, TETRA_WIRE_CGROUP_MAX, name);

	if (n <= 2 && bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id)) {
		int id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);

		cg = BPF_CORE_READ(task, cgroups, subsys[id & 15], cgroup);
		name = BPF_CORE_READ(cg, kn, name);
		n = bpf_probe_read_kernel_str(dst, TETRA_WIRE_CGROUP_MAX, name);
	}
	return n > 0 ? n - 1 : 0;
}

/* Path components walked at most; deeper paths are flagged truncated. */
#define TETRA_PATH_DEPTH 128
/* Without bpf_loop() (before 5.17) the walk is an ordinary loop the verifier unrolls. */
#define TETRA_PATH_DEPTH_NO_LOOP 20

struct tetra_path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	char *buf;
	__u32 pos;
	__u32 done;
	__u32 truncated;
};

/* One step up the tree: prepend a component or cross a mount. Returns 1 when done. */
static __always_inline long tetra_path_step(__u32 index, struct tetra_path_walk *w)
{
	/* locals: BPF_CORE_READ must only relocate kernel types, never our own struct */
	struct dentry *dentry = w->dentry, *parent, *mnt_root;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	const unsigned char *name;
	__u32 len, pos;

	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		goto done;
	mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt_parent == mnt)
			goto done;	/* the global root, or an unmounted tree */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = (void *)mnt_parent + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	len = BPF_CORE_READ(dentry, d_name.len) & 255;
	name = BPF_CORE_READ(dentry, d_name.name);
	pos = w->pos;
	if (len + 1 >= pos) {
		w->truncated = 1;
		goto done;
	}
	pos -= len;
	bpf_probe_read_kernel(w->buf + (pos & (TETRA_WIRE_PATH_MAX - 1)), len, name);
	pos -= 1;
	w->buf[pos & (TETRA_WIRE_PATH_MAX - 1)] = '/';
	w->pos = pos;
	w->dentry = parent;
	return 0;
done:
	w->done = 1;
	return 1;
}

static long tetra_path_step_cb(__u32 index, void *ctx)
{
	return tetra_path_step(index, ctx);
}

/*
 * Write @path as seen from @root into @buf (TETRA_WIRE_PATH_MAX + 256 bytes), building
 * it backwards so that it ends at TETRA_WIRE_PATH_MAX. Crosses mount points like
 * d_path(). Returns the start offset; *truncated is set when components were left out.
 */
static __always_inline __u32 tetra_path_walk(const struct path *path, const struct path *root,
					     char *buf, __u32 *truncated)
{
	struct tetra_path_walk w = {
		.dentry = BPF_CORE_READ(path, dentry),
		.vfsmnt = BPF_CORE_READ(path, mnt),
		.root_dentry = BPF_CORE_READ(root, dentry),
		.root_mnt = BPF_CORE_READ(root, mnt),
		.buf = buf,
		.pos = TETRA_WIRE_PATH_MAX,
	};
	__u32 pos;

	w.mnt = (void *)w.vfsmnt - bpf_core_field_offset(struct mount, mnt);
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
		bpf_loop(TETRA_PATH_DEPTH, tetra_path_step_cb, &w, 0);
	} else {
		for (int i = 0; i < TETRA_PATH_DEPTH_NO_LOOP; i++)
			if (tetra_path_step(i, &w))
				break;
	}
	*truncated = w.truncated || !w.done;
	pos = w.pos;
	if (pos == TETRA_WIRE_PATH_MAX) {
		pos--;
		buf[pos & (TETRA_WIRE_PATH_MAX - 1)] = '/';
	}
	return pos;
}

#endif /* TETRA_BPF_H */
