#!/usr/bin/env bash
# Cross-builds the C++ kernel tests for AArch64 (NEON kernels) and runs them under qemu-aarch64.
# Needs the Debian packages g++-aarch64-linux-gnu and qemu-user. Usage: native/test/run-aarch64.sh [ctest args]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${NODEGRAD_AARCH64_BUILD:-$root/build-aarch64}"
for tool in aarch64-linux-gnu-g++ qemu-aarch64 cmake ninja; do
  command -v "$tool" >/dev/null || { echo "run-aarch64.sh: $tool not found (apt-get install g++-aarch64-linux-gnu qemu-user cmake ninja-build)" >&2; exit 2; }
done
cmake -S "$root" -B "$build" -G Ninja -DNODEGRAD_TESTS=ON \
  -DCMAKE_TOOLCHAIN_FILE="$root/native/test/aarch64-toolchain.cmake" >/dev/null
ninja -C "$build" -j2
# qemu runs ~10-50x slower than native: the tests shrink their largest sweeps under NODEGRAD_TEST_QUICK.
NODEGRAD_TEST_QUICK=1 ctest --test-dir "$build" --output-on-failure "$@"
