// Reduction micro-kernels for avx512 (the shared reduce_impl.h over simd_avx512.h).
#include "../simd/simd_avx512.h"
#include "reduce.h"

namespace nodegrad::kernels {
using namespace simd::avx512;
#define NODEGRAD_UKERNEL(name) name##__avx512
#include "reduce_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
