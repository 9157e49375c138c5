// Binary micro-kernels for neon (the shared binary_impl.h over simd_neon.h).
#include "../simd/simd_neon.h"
#include "binary.h"

namespace nodegrad::kernels {
using namespace simd::neon;
#define NODEGRAD_UKERNEL(name) name##__neon
#include "binary_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
