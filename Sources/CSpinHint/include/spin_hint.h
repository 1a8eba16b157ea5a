// Small helpers for WorkerPool and the kernels that Swift cannot express or import:
// - the CPU's spin-wait hint for the bounded busy-wait (x86 `pause`: lets the other SMT thread
//   run and avoids the memory-order mis-speculation flush when the awaited store arrives; arm64
//   `yield`), inline so the spin loop makes no call;
// - the CPU the calling thread runs on, and a way to move the calling thread off a CPU (glibc's
//   sched_getcpu / sched_setaffinity are GNU extensions that the Swift Glibc module hides).
// - a software prefetch (x86 `prefetcht0`) for the Winograd GEMMs that stream transformed
//   weights from DRAM (WinogradF43.swift, `_wBatchedGemm`) and the next tile block's input
//   patches (WinogradPrefetch.swift): Swift has no prefetch intrinsic; and one to L2 only
//   (`prefetcht1`) for the 1x1 convs' next input row (ConvDriver.swift);
// - pinning the calling thread to a set of CPUs (kernel-bench's per-CPU rows);
// - whether the CPU and OS run x86-64-v4 code (AVX-512), for the kernels' runtime dispatch.
#pragma once

static inline void splineseg_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

static inline void splineseg_prefetch_l2(const void *p) {
    __builtin_prefetch(p, 0, 2);
}

static inline void splineseg_spin_hint(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

/// The CPU the calling thread is running on (it may move at any time), or -1 where unknown.
int splineseg_current_cpu(void);

/// Moves the calling thread to another CPU of its affinity set: narrows the set to exclude
/// `cpu` (the kernel migrates the thread at once) and restores it (the thread stays where it
/// was moved until the scheduler moves it again). Returns 1 if the thread was moved, 0 if not
/// (no other CPU allowed, a failed call, or not Linux).
int splineseg_move_off_cpu(int cpu);

/// Restricts the calling thread to the `count` CPUs in `cpus` (benchmarks: kernel-bench's
/// per-CPU rows). Returns 1 on success, 0 if not (a CPU out of range or not allowed, or not Linux).
int splineseg_set_cpus(const int *cpus, int count);

/// 1 if the CPU and the OS support every x86-64-v4 feature (AVX-512 F, BW, CD, DQ, VL: what the
/// SplineKernelsAVX512 module is compiled for), else 0 (always 0 off x86-64).
int splineseg_cpu_has_x86_64_v4(void);
