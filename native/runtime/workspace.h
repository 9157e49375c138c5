// Per-thread scratch memory (packed GEMM panels, im2col columns, ...), owned by one addon instance.
//
// Each pool thread has one buffer per Slot, grown on demand and reused across calls, so steady-state
// kernels never allocate. A thread only ever touches its own buffers, so no locking is needed; growing
// happens either on the calling thread before a parallel region or by the owning thread inside it.
// Large buffers are advised MADV_HUGEPAGE: first-touching fresh 4 KiB pages costs ~11 us each here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nodegrad::runtime {

enum class Slot : int { gemm_pack_a = 0, gemm_pack_b, conv_columns, pool_scratch, rnn_gates, misc, count };

class Workspace {
 public:
  explicit Workspace(int num_threads) { resize_threads(num_threads); }
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  void resize_threads(int num_threads);

  // A 64-byte aligned buffer of at least `bytes` for (thread, slot), or nullptr when allocation fails or
  // would exceed the cap (NODEGRAD_WORKSPACE_CAP_BYTES, for tests). Contents are unspecified.
  void* get(int thread, Slot slot, size_t bytes) noexcept;

  template <typename T>
  T* get_as(int thread, Slot slot, size_t count) noexcept {
    if (count > SIZE_MAX / sizeof(T)) return nullptr;
    return static_cast<T*>(get(thread, slot, count * sizeof(T)));
  }

  size_t total_bytes() const noexcept;  // all buffers currently held
  void set_cap(size_t bytes) noexcept { cap_bytes_ = bytes; }

 private:
  struct Buffer {
    void* data = nullptr;
    size_t bytes = 0;
  };
  static void release(Buffer& b) noexcept;
  std::vector<Buffer> buffers_;  // [thread * Slot::count + slot]
  size_t cap_bytes_ = SIZE_MAX;
};

}  // namespace nodegrad::runtime
