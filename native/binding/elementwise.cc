// Binding functions of the elementwise kernel family (see native/kernels/elementwise*/).
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

void register_elementwise(Napi::Env env, Napi::Object exports) {}

}  // namespace nodegrad::binding
