#include "workspace.h"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(_WIN32)
#include <malloc.h>
#endif

namespace nodegrad::runtime {

namespace {
constexpr size_t kAlign = 64;
constexpr size_t kHugePage = size_t{2} << 20;
constexpr int kSlots = static_cast<int>(Slot::count);

void* aligned_alloc_bytes(size_t bytes, size_t align) noexcept {
#if defined(_WIN32)
  return _aligned_malloc(bytes, align);
#else
  void* p = nullptr;
  return posix_memalign(&p, align, bytes) == 0 ? p : nullptr;
#endif
}
}  // namespace

Workspace::~Workspace() {
  for (auto& b : buffers_) release(b);
}

void Workspace::release(Buffer& b) noexcept {
#if defined(_WIN32)
  _aligned_free(b.data);
#else
  std::free(b.data);
#endif
  b = Buffer{};
}

void Workspace::resize_threads(int num_threads) {
  const size_t wanted = static_cast<size_t>(num_threads < 1 ? 1 : num_threads) * kSlots;
  for (size_t i = wanted; i < buffers_.size(); ++i) release(buffers_[i]);
  buffers_.resize(wanted);
}

void* Workspace::get(int thread, Slot slot, size_t bytes) noexcept {
  const size_t index = static_cast<size_t>(thread) * kSlots + static_cast<size_t>(slot);
  if (thread < 0 || index >= buffers_.size()) return nullptr;
  Buffer& b = buffers_[index];
  if (b.bytes >= bytes && b.data != nullptr) return b.data;
  if (bytes > cap_bytes_) return nullptr;
  // Grow geometrically so a slowly increasing request does not reallocate every call.
  size_t grown = bytes < b.bytes + b.bytes / 2 ? b.bytes + b.bytes / 2 : bytes;
  if (grown > cap_bytes_) grown = bytes;
  if (grown > SIZE_MAX - kHugePage) return nullptr;  // the rounding below would wrap
  const bool huge = grown >= kHugePage;
  if (huge) grown = (grown + kHugePage - 1) / kHugePage * kHugePage;
  void* p = aligned_alloc_bytes(grown == 0 ? kAlign : grown, huge ? kHugePage : kAlign);
  if (p == nullptr) return nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (huge) madvise(p, grown, MADV_HUGEPAGE);
#endif
  release(b);
  b.data = p;
  b.bytes = grown;
  return p;
}

size_t Workspace::total_bytes() const noexcept {
  size_t total = 0;
  for (const auto& b : buffers_) total += b.bytes;
  return total;
}

}  // namespace nodegrad::runtime
