// Small-reduction conv2d micro-kernels for avx512 (the shared conv2d_small_impl.h over simd_avx512.h).
#include "../simd/simd_avx512.h"
#include "conv2d_small.h"

namespace nodegrad::kernels {
using namespace simd::avx512;
namespace {
constexpr int kAcc = kConvSmallAccAvx512;
}  // namespace
#if defined(__GNUC__)
#define NODEGRAD_CONV_VREG "v"
#endif
#define NODEGRAD_UKERNEL(name) name##__avx512
#include "conv2d_small_impl.h"
#undef NODEGRAD_UKERNEL
#undef NODEGRAD_CONV_VREG
}  // namespace nodegrad::kernels
