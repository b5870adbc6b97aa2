# The Linux product build (Release): fewer shared objects for the dynamic
# loader to map and relocate at every start, which is most of what
# `preflight --version` costs, and most of a small run's resident memory
# (issue 16). The test and sanitizer builds keep the default linking.
#
# Always: libstdc++ and libgcc linked in, pugixml from Debian's static
# archive (37 shared objects -> 34). Debian's libcurl.a cannot be linked
# (gssapi_krb5, nghttp2, ssh2, rtmp and psl ship no .a), and while its
# libcurl.so is used, static OpenSSL or liblber gain nothing: libcurl and its
# libldap load the shared ones anyway.
#
# With PREFLIGHT_LINUX_SYSROOT (scripts/build-linux-deps.sh): a static
# libcurl with only what preflight uses, Debian's libssl.a/libcrypto.a and
# liblber.a; what remains shared is libc, libm and Kerberos' GSS-API for
# Negotiate (-> 12 shared objects).

# Before find_package(OpenSSL) and find_package(CURL).
if(PREFLIGHT_LINUX_SYSROOT)
  if(NOT EXISTS ${PREFLIGHT_LINUX_SYSROOT}/lib/libcurl.a)
    message(FATAL_ERROR "PREFLIGHT_LINUX_SYSROOT=${PREFLIGHT_LINUX_SYSROOT} holds no lib/libcurl.a: "
                        "run scripts/build-linux-deps.sh")
  endif()
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  set(CURL_NO_CURL_CMAKE ON)
  set(CURL_INCLUDE_DIR ${PREFLIGHT_LINUX_SYSROOT}/include)
  set(CURL_LIBRARY ${PREFLIGHT_LINUX_SYSROOT}/lib/libcurl.a)
  # libzip from the sysroot too (Debian has no libzip.a), on Debian's libz.a.
  if(EXISTS ${PREFLIGHT_LINUX_SYSROOT}/lib/libzip.a)
    set(LIBZIP_INCLUDE_DIR ${PREFLIGHT_LINUX_SYSROOT}/include)
    set(LIBZIP_LIBRARY ${PREFLIGHT_LINUX_SYSROOT}/lib/libzip.a)
    set(ZLIB_USE_STATIC_LIBS ON)
  endif()
  find_library(PREFLIGHT_LBER_STATIC NAMES liblber.a REQUIRED)
endif()

# After them.
macro(preflight_product_link)
  find_library(PREFLIGHT_PUGIXML_STATIC NAMES libpugixml.a)
  if(PREFLIGHT_PUGIXML_STATIC)
    get_target_property(pugixml_includes pugixml::pugixml INTERFACE_INCLUDE_DIRECTORIES)
    add_library(pf_pugixml_static STATIC IMPORTED)
    set_target_properties(pf_pugixml_static PROPERTIES IMPORTED_LOCATION
                                                       ${PREFLIGHT_PUGIXML_STATIC})
    if(pugixml_includes)
      set_target_properties(pf_pugixml_static PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                         "${pugixml_includes}")
    endif()
    set(PREFLIGHT_PUGIXML pf_pugixml_static)
  endif()
  if(PREFLIGHT_LINUX_SYSROOT)
    # What the static libcurl calls: OpenSSL, GSS-API (Negotiate), threads
    # (its threaded resolver).
    find_library(PREFLIGHT_GSSAPI_LIBRARY gssapi_krb5 REQUIRED)
    set_property(TARGET CURL::libcurl APPEND PROPERTY INTERFACE_LINK_LIBRARIES OpenSSL::SSL
                 OpenSSL::Crypto ${PREFLIGHT_GSSAPI_LIBRARY} Threads::Threads ${CMAKE_DL_LIBS})
  endif()
  # --as-needed drops a library nothing in the program calls; -O1 makes the
  # linker optimise the symbol hash tables the loader searches.
  set(PREFLIGHT_PRODUCT_LINK_OPTIONS -static-libstdc++ -static-libgcc -Wl,--as-needed -Wl,-O1
                                     -Wl,--hash-style=gnu)
  # Packed relative relocations (DT_RELR, glibc 2.36): the PIE's 600 KB of
  # .rela.dyn, which the loader reads whole at every start, shrink to 8 KB
  # (0.6 MB less resident memory in every run, --version included).
  include(CheckLinkerFlag)
  check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" PREFLIGHT_HAVE_RELR)
  if(PREFLIGHT_HAVE_RELR)
    list(APPEND PREFLIGHT_PRODUCT_LINK_OPTIONS -Wl,-z,pack-relative-relocs)
  endif()
endmacro()
