// Counts heap allocations of the whole process (model-bench only): the executable defines
// malloc & co, which the dynamic linker binds for every library (libswiftCore, libdispatch,
// libc itself), counts each call and forwards to glibc's __libc_* implementations.
// Linux/glibc only; elsewhere the counter stays 0 and `malloc_counter_available` is 0.
#pragma once
#include <stdint.h>

/// Number of malloc/calloc/realloc/memalign/posix_memalign/aligned_alloc calls so far.
uint64_t malloc_counter_count(void);
/// Bytes of heap in use (glibc mallinfo2().uordblks), 0 elsewhere.
uint64_t malloc_counter_heap_in_use(void);
/// 1 where the interposer is active (glibc), else 0.
int malloc_counter_available(void);
