// Reduction micro-kernels for neon (the shared reduce_impl.h over simd_neon.h).
#include "../simd/simd_neon.h"
#include "reduce.h"

namespace nodegrad::kernels {
using namespace simd::neon;
#define NODEGRAD_UKERNEL(name) name##__neon
#include "reduce_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
