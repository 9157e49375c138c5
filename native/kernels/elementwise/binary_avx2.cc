// Binary micro-kernels for avx2 (the shared binary_impl.h over simd_avx2.h).
#include "../simd/simd_avx2.h"
#include "binary.h"

namespace nodegrad::kernels {
using namespace simd::avx2;
#define NODEGRAD_UKERNEL(name) name##__avx2
#include "binary_impl.h"
#undef NODEGRAD_UKERNEL
}  // namespace nodegrad::kernels
