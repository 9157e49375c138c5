// Everything a kernel needs from the runtime: the chosen ISA, the thread pool and scratch memory.
// One Context per addon instance (per Node environment); kernels receive it by reference and keep no
// state of their own, so the C++ tests can build one without Node. A Context serves one kernel call at a
// time: calls come from its environment's JS thread, and the caller's workspace slots (thread 0) are used
// outside parallel regions too, so an async API must queue its jobs rather than run them side by side.
#pragma once

#include "cpu_features.h"
#include "thread_pool.h"
#include "workspace.h"

namespace nodegrad::runtime {

// Kernel results that must reach JS as an exception rather than an abort.
enum class Status : int { ok = 0, out_of_memory = 1 };

struct Context {
  Context(Isa isa_, int num_threads) : isa(isa_), pool(num_threads), workspace(num_threads) {}

  void set_num_threads(int n) {
    pool.set_num_threads(n);
    workspace.resize_threads(pool.num_threads());
  }

  Isa isa;
  ThreadPool pool;
  Workspace workspace;
};

}  // namespace nodegrad::runtime
