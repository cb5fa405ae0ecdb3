#include "CFuzzSupport.h"

// Defined by libclang_rt.fuzzer (linked by -sanitize=fuzzer).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int renfang_run_fuzzer(int argc, char **argv, renfang_fuzz_callback callback) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}
