// Binding functions of the conv kernel family (see native/kernels/conv*/).
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

void register_conv(Napi::Env env, Napi::Object exports) {}

}  // namespace nodegrad::binding
