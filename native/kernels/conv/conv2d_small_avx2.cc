// Small-reduction conv2d micro-kernels for avx2 (the shared conv2d_small_impl.h over simd_avx2.h).
#include "../simd/simd_avx2.h"
#include "conv2d_small.h"

namespace nodegrad::kernels {
using namespace simd::avx2;
namespace {
constexpr int kAcc = kConvSmallAccAvx2;
}  // namespace
#if defined(__GNUC__)
#define NODEGRAD_CONV_VREG "x"
#endif
#define NODEGRAD_UKERNEL(name) name##__avx2
#include "conv2d_small_impl.h"
#undef NODEGRAD_UKERNEL
#undef NODEGRAD_CONV_VREG
}  // namespace nodegrad::kernels
