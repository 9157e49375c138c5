// The blocking of the GEMM driver for each ISA (internal; the C++ tests use it to aim at block edges).
#pragma once

#include <cstdint>

#include "../../runtime/cpu_features.h"
#include "gemm.h"
#include "gemm_pack.h"
#include "gemm_ukernel.h"

namespace nodegrad::kernels {

struct GemmConfigF32 {
  GemmUkernelF32 ukernel;
  const char* name;  // the micro-kernel's name, e.g. "gemm_ukernel_f32_14x32__avx512"
  int mr, nr;        // register tile
  int64_t mc;        // rows of a packed A block (sized for L2), a multiple of mr
  int64_t kc;        // depth of a packed panel (a kc x nr B micro-panel stays in L1)
  int64_t nc;        // columns of a packed B block (sized for L3), a multiple of nr
  // Optional: any tile with A read along rows or columns (else partial tiles use a scratch tile and
  // gemm_merge_tile_f32, and only A transposed is read in place), and SIMD packing of A not transposed /
  // B transposed (else the portable packs).
  GemmTileUkernelF32 tile = nullptr;
  GemmPackAF32 pack_a_n = nullptr;
  GemmPackBF32 pack_b_t = nullptr;
  GemmPackAF32 pack_a_t = nullptr;  // SIMD packing of A transposed (else the portable pack)
  GemmPackBF32 pack_b_n = nullptr;  // SIMD packing of B not transposed (else the portable pack)
  // B not transposed with its rows a multiple of kGemmSetStride apart, k >= 1024 and more than one row tile,
  // on the in-place path (see gemm.cc): kc_b_conflict > 0 caps kc there, pack_b_conflict packs B instead of
  // reading it in place; neither leaves it alone (measured on Zen 5 for AVX-512 and AVX2 only).
  int64_t kc_b_conflict = 0;
  bool pack_b_conflict = false;
};

// The configuration used for `isa` (scalar for an ISA this build has no kernels for).
GemmConfigF32 gemm_config_f32(runtime::Isa isa) noexcept;

// Problems with m * n * k at or below this read A and B in place where the micro-kernels can (see gemm.cc)
// instead of packing their full panels: packing would cost more than it saves.
constexpr int64_t kGemmDirectMaxVolume = int64_t{256} * 256 * 256;

// A leading dimension that is a multiple of this many floats (4 KiB) puts every row of an operand in the same
// L1 set (64 sets on Zen 5, and on most x86 cores): read in place, such an operand evicts itself.
constexpr int64_t kGemmSetStride = 1024;

// gemm_f32 with the choice between packing and reading in place forced (for tests; both give bitwise the
// same C).
enum class GemmPath { automatic, packed, direct };
runtime::Status gemm_f32_path(runtime::Context& ctx, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                              const float* b, int64_t ldb, float* c, int64_t ldc, const GemmOptions& options,
                              GemmPath path) noexcept;

}  // namespace nodegrad::kernels
