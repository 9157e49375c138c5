// Addon entry point. Context-aware: every Node environment (main thread, worker_threads, Electron
// renderers) gets its own runtime::Context in N-API instance data, freed with the environment.
#include <napi.h>

#include "families.h"

namespace nodegrad::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  register_runtime(env, exports);  // creates the Context; must come first
  register_gemm(env, exports);
  register_elementwise(env, exports);
  register_elementwise_strided(env, exports);
  register_elementwise_reduce(env, exports);
  register_conv(env, exports);
  register_pool(env, exports);
  register_rnn(env, exports);
  register_optim(env, exports);
  return exports;
}

}  // namespace nodegrad::binding

static Napi::Object InitNodegrad(Napi::Env env, Napi::Object exports) { return nodegrad::binding::Init(env, exports); }

NODE_API_MODULE(nodegrad, InitNodegrad)
