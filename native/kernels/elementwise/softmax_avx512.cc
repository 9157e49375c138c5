// Softmax micro-kernels for avx512 (the shared softmax_impl.h over simd_avx512.h).
#include "../simd/simd_avx512.h"
#include "softmax.h"

namespace nodegrad::kernels {
using namespace simd::avx512;
#define NODEGRAD_UKERNEL(name) name##__avx512
#include "softmax_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
