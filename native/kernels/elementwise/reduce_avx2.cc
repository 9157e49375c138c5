// Reduction micro-kernels for avx2 (the shared reduce_impl.h over simd_avx2.h).
#include "../simd/simd_avx2.h"
#include "reduce.h"

namespace nodegrad::kernels {
using namespace simd::avx2;
#define NODEGRAD_UKERNEL(name) name##__avx2
#include "reduce_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
