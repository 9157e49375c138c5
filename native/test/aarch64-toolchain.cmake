# Cross-compiles for Linux/AArch64 with Debian's g++-aarch64-linux-gnu; tests then run under qemu-aarch64
# (see run-aarch64.sh).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(NODEGRAD_TEST_RUNNER qemu-aarch64 -L /usr/aarch64-linux-gnu CACHE STRING "Runs the cross-built tests")
