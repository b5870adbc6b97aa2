# Cross-compiling for 64-bit Windows with Debian's mingw-w64 (posix threads,
# needed by std::thread in the probes' worker calls).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

# The sysroot from scripts/build-windows-deps.sh: static libraries, and in
# headers/ the header-only libraries alone.
if(NOT PREFLIGHT_WIN_SYSROOT AND DEFINED ENV{PREFLIGHT_WIN_SYSROOT})
  set(PREFLIGHT_WIN_SYSROOT $ENV{PREFLIGHT_WIN_SYSROOT})
endif()
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${PREFLIGHT_WIN_SYSROOT} ${PREFLIGHT_WIN_SYSROOT}/headers)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

find_program(WINE_PROGRAM wine)
if(WINE_PROGRAM)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WINE_PROGRAM})
endif()
