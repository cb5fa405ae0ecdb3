#ifndef RENFANG_FUZZ_SUPPORT_H
#define RENFANG_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// The function libFuzzer calls for every input.
typedef int (*renfang_fuzz_callback)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver (LLVMFuzzerRunDriver, in the runtime that -sanitize=fuzzer links) with the
/// process arguments and `callback`, and returns its exit status.
int renfang_run_fuzzer(int argc, char **argv, renfang_fuzz_callback callback);

#endif
