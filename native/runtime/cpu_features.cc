#include "cpu_features.h"

#include <cstdint>
#include <cstring>
#include <initializer_list>

#if defined(__x86_64__) || defined(_M_X64)
#define NODEGRAD_X86_64 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#elif defined(__aarch64__) || defined(_M_ARM64)
#define NODEGRAD_ARM64 1
#endif

namespace nodegrad::runtime {

#if NODEGRAD_X86_64
namespace {

struct CpuidRegs {
  uint32_t eax, ebx, ecx, edx;
};

CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf) noexcept {
  CpuidRegs r{0, 0, 0, 0};
#if defined(_MSC_VER)
  int regs[4];
  __cpuidex(regs, static_cast<int>(leaf), static_cast<int>(subleaf));
  r = {static_cast<uint32_t>(regs[0]), static_cast<uint32_t>(regs[1]), static_cast<uint32_t>(regs[2]),
       static_cast<uint32_t>(regs[3])};
#else
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
#endif
  return r;
}

// XCR0: which register states the OS saves on context switch. Only valid when CPUID says OSXSAVE.
uint64_t read_xcr0() noexcept {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
#endif
}

bool bit(uint32_t value, int index) noexcept { return ((value >> index) & 1u) != 0; }

}  // namespace
#endif

CpuFeatures detect_cpu_features() noexcept {
  CpuFeatures f;
#if NODEGRAD_X86_64
  const uint32_t max_leaf = cpuid(0, 0).eax;
  if (max_leaf < 7) return f;
  const CpuidRegs l1 = cpuid(1, 0);
  const CpuidRegs l7 = cpuid(7, 0);
  const bool osxsave = bit(l1.ecx, 27);
  if (!osxsave) return f;
  const uint64_t xcr0 = read_xcr0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;             // SSE + AVX state
  const bool zmm_state = ymm_state && (xcr0 & 0xE0) == 0xE0;  // opmask + ZMM_Hi256 + Hi16_ZMM
  const bool avx = bit(l1.ecx, 28), fma = bit(l1.ecx, 12), avx2 = bit(l7.ebx, 5);
  f.avx2_fma = ymm_state && avx && fma && avx2;
  const bool avx512f = bit(l7.ebx, 16), avx512dq = bit(l7.ebx, 17), avx512bw = bit(l7.ebx, 30),
             avx512vl = bit(l7.ebx, 31);
  f.avx512 = f.avx2_fma && zmm_state && avx512f && avx512dq && avx512bw && avx512vl;
#elif NODEGRAD_ARM64
  f.neon = true;
#endif
  return f;
}

const char* arch_name() noexcept {
#if NODEGRAD_X86_64
  return "x64";
#elif NODEGRAD_ARM64
  return "arm64";
#else
  return "unknown";
#endif
}

const char* isa_name(Isa isa) noexcept {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::neon: return "neon";
  }
  return "unknown";
}

bool parse_isa(const char* name, Isa* out) noexcept {
  if (name == nullptr) return false;
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (std::strcmp(name, isa_name(isa)) == 0) {
      *out = isa;
      return true;
    }
  }
  return false;
}

bool isa_supported(const CpuFeatures& f, Isa isa) noexcept {
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::avx2: return f.avx2_fma;
    case Isa::avx512: return f.avx512;
    case Isa::neon: return f.neon;
  }
  return false;
}

Isa best_isa(const CpuFeatures& f) noexcept {
  if (f.avx512) return Isa::avx512;
  if (f.avx2_fma) return Isa::avx2;
  if (f.neon) return Isa::neon;
  return Isa::scalar;
}

}  // namespace nodegrad::runtime
