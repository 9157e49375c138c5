// Small-reduction conv2d micro-kernels for neon (the shared conv2d_small_impl.h over simd_neon.h).
#include "../simd/simd_neon.h"
#include "conv2d_small.h"

namespace nodegrad::kernels {
using namespace simd::neon;
namespace {
constexpr int kAcc = kConvSmallAccNeon;
}  // namespace
#if defined(__GNUC__)
#define NODEGRAD_CONV_VREG "w"
#endif
#define NODEGRAD_UKERNEL(name) name##__neon
#include "conv2d_small_impl.h"
#undef NODEGRAD_UKERNEL
#undef NODEGRAD_CONV_VREG
}  // namespace nodegrad::kernels
