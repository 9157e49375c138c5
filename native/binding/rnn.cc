// Binding functions of the rnn kernel family (see native/kernels/rnn*/).
#include "args.h"
#include "families.h"

namespace nodegrad::binding {

void register_rnn(Napi::Env env, Napi::Object exports) {}

}  // namespace nodegrad::binding
