// Softmax micro-kernels for neon (the shared softmax_impl.h over simd_neon.h).
#include "../simd/simd_neon.h"
#include "softmax.h"

namespace nodegrad::kernels {
using namespace simd::neon;
#define NODEGRAD_UKERNEL(name) name##__neon
#include "softmax_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
