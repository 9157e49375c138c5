// Unary micro-kernels for neon (the shared unary_impl.h over simd_neon.h).
#include "../simd/simd_neon.h"
#include "unary.h"

namespace nodegrad::kernels {
using namespace simd::neon;
#define NODEGRAD_UKERNEL(name) name##__neon
#include "unary_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
