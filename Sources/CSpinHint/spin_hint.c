// See include/spin_hint.h.
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#endif
#include "spin_hint.h"

#if defined(__linux__)
int splineseg_current_cpu(void) { return sched_getcpu(); }

int splineseg_move_off_cpu(int cpu) {
    cpu_set_t allowed, others;
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 0;
    others = allowed;
    CPU_CLR(cpu, &others);
    if (CPU_COUNT(&others) == 0 || sched_setaffinity(0, sizeof others, &others) != 0) return 0;
    (void)sched_setaffinity(0, sizeof allowed, &allowed);
    return 1;
}

int splineseg_set_cpus(const int *cpus, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) return 0;
        CPU_SET(cpus[i], &set);
    }
    return count > 0 && sched_setaffinity(0, sizeof set, &set) == 0;
}
#else
int splineseg_current_cpu(void) { return -1; }
int splineseg_move_off_cpu(int cpu) { (void)cpu; return 0; }
int splineseg_set_cpus(const int *cpus, int count) { (void)cpus; (void)count; return 0; }
#endif

int splineseg_cpu_has_x86_64_v4(void) {
#if defined(__x86_64__)
    // __builtin_cpu_supports also checks that the OS saves the AVX-512 state (XCR0).
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}
