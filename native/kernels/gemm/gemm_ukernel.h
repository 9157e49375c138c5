// GEMM micro-kernels: one register tile of C per call, one file per ISA (gemm_ukernel_f32_<MR>x<NR>_<isa>.cc).
//
// Contract shared by every micro-kernel (the driver in gemm.cc guarantees it):
//   C[i, j] = alpha * sum_p A(i, p) * B(p, j) + beta * C[i, j]   for i < MR, j < NR, p < kc
// with A(i, p) = a[p * a_step + i] (MR consecutive floats per k step: a packed panel, or a transposed A read
// in place) and B(p, j) = b[p * b_step + j] (NR consecutive floats per k step). kc >= 1. The whole MR x NR
// tile of C exists (edge tiles go through a scratch tile, see gemm_pack.h). beta == 0 never reads C.
// The sum over p runs in increasing p, so results do not depend on how the driver splits C.
//
// A tile kernel (optional per ISA) computes any mr x nr tile, mr <= MR, nr <= NR, under the same contract
// with A(i, p) = a[i * a_rs + p * a_cs], reading only rows i < mr of A and columns j < nr of B and C: edge
// tiles and operands read in place (A not transposed too) need no scratch tile and no packing.
//
// Declarations only: ISA files must not share inline code with baseline callers (see CMakeLists.txt).
#pragma once

#include <cstdint>

namespace nodegrad::kernels {

using GemmUkernelF32 = void (*)(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                float* c, int64_t ldc, float alpha, float beta) noexcept;

using GemmTileUkernelF32 = void (*)(int64_t mr, int64_t nr, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs,
                                    const float* b, int64_t b_step, float* c, int64_t ldc, float alpha,
                                    float beta) noexcept;

void gemm_ukernel_f32_4x4__scalar(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                  float* c, int64_t ldc, float alpha, float beta) noexcept;
void gemm_ukernel_f32_6x16__avx2(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                 float* c, int64_t ldc, float alpha, float beta) noexcept;
void gemm_ukernel_tile_f32_6x16__avx2(int64_t mr, int64_t nr, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs,
                                      const float* b, int64_t b_step, float* c, int64_t ldc, float alpha,
                                      float beta) noexcept;
void gemm_ukernel_f32_14x32__avx512(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                    float* c, int64_t ldc, float alpha, float beta) noexcept;
void gemm_ukernel_tile_f32_14x32__avx512(int64_t mr, int64_t nr, int64_t kc, const float* a, int64_t a_rs,
                                         int64_t a_cs, const float* b, int64_t b_step, float* c, int64_t ldc,
                                         float alpha, float beta) noexcept;
void gemm_ukernel_f32_8x12__neon(int64_t kc, const float* a, int64_t a_step, const float* b, int64_t b_step,
                                 float* c, int64_t ldc, float alpha, float beta) noexcept;

}  // namespace nodegrad::kernels
