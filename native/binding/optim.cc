// Binding functions of the optim kernel family (see native/kernels/optim*/).
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

void register_optim(Napi::Env env, Napi::Object exports) {}

}  // namespace nodegrad::binding
