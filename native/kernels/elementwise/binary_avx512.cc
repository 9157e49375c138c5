// Binary micro-kernels for avx512 (the shared binary_impl.h over simd_avx512.h).
#include "../simd/simd_avx512.h"
#include "binary.h"

namespace nodegrad::kernels {
using namespace simd::avx512;
#define NODEGRAD_UKERNEL(name) name##__avx512
#include "binary_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
