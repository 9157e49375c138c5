// Binding functions of the pool kernel family (see native/kernels/pool*/).
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

void register_pool(Napi::Env env, Napi::Object exports) {}

}  // namespace nodegrad::binding
