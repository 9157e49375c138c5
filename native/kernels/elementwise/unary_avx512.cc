// Unary micro-kernels for avx512 (the shared unary_impl.h over simd_avx512.h).
#include "../simd/simd_avx512.h"
#include "unary.h"

namespace nodegrad::kernels {
using namespace simd::avx512;
#define NODEGRAD_UKERNEL(name) name##__avx512
#include "unary_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
