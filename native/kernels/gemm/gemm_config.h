// The blocking of the GEMM driver for each ISA (internal; the C++ tests use it to aim at block edges).
#pragma once

#include <cstdint>

#include "../../runtime/cpu_features.h"
#include "gemm_ukernel.h"

namespace nodegrad::kernels {

struct GemmConfigF32 {
  GemmUkernelF32 ukernel;
  const char* name;  // the micro-kernel's name, e.g. "gemm_ukernel_f32_14x32__avx512"
  int mr, nr;        // register tile
  int64_t mc;        // rows of a packed A block (sized for L2), a multiple of mr
  int64_t kc;        // depth of a packed panel (a kc x nr B micro-panel stays in L1)
  int64_t nc;        // columns of a packed B block (sized for L3), a multiple of nr
};

// The configuration used for `isa` (scalar for an ISA this build has no kernels for).
GemmConfigF32 gemm_config_f32(runtime::Isa isa) noexcept;

// Problems with m * n * k at or below this read A (transposed) and B (not transposed) in place instead of
// packing their full panels: packing would cost more than it saves.
constexpr int64_t kGemmDirectMaxVolume = int64_t{160} * 160 * 160;

}  // namespace nodegrad::kernels
