//===- SanitizerOptions.cpp - ASan defaults of whittle's executables ------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//
//
// Linked into every executable of a -DWHITTLE_SANITIZE=address build (and
// the fuzzers) by the top-level CMakeLists.txt.
//
// allow_user_poisoning=0: LLVM's BumpPtrAllocator, which MLIR's uniquers use,
// poisons the rest of each new slab and unpoisons objects as it hands them
// out, but only in code compiled with ASan. The allocator's functions are
// inline, so whittle's instrumented copies and Debian's uninstrumented
// libMLIR share the same slabs: an object the library allocates into a slab
// that whittle's code started stays poisoned, and whittle's next read of it
// is a false use-after-poison. Ignoring manual poisoning keeps every heap,
// stack and global check; only overflows inside a slab go unseen.
//
//===----------------------------------------------------------------------===//

extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}
