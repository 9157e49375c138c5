// Optimizer micro-kernels for neon (the shared optim_impl.h over simd_neon.h).
#include "../simd/simd_neon.h"
#include "optim.h"

namespace nodegrad::kernels {
using namespace simd::neon;
#define NODEGRAD_UKERNEL(name) name##__neon
#include "optim_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
