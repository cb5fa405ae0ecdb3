#ifndef RENFANG_BENCH_SUPPORT_H
#define RENFANG_BENCH_SUPPORT_H

/// The CPU this thread runs on, or -1 when unknown (sched_getcpu needs _GNU_SOURCE, which Swift's Glibc
/// module does not define).
int bench_current_cpu(void);

/// Pins the whole process (its calling thread) to `cpu`; 0 on success, -1 on failure or where unsupported.
int bench_pin_to_cpu(int cpu);

#endif
