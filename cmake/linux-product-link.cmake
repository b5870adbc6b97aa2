# The Linux product build (Release): fewer shared objects for the dynamic
# loader to map and relocate at every start, which is most of what
# `preflight --version` costs (issue 16). libstdc++ and libgcc are linked in,
# and pugixml from Debian's static archive. libcurl cannot be: several of its
# dependencies (gssapi_krb5, nghttp2, ssh2, rtmp, psl) ship no .a; nor can
# OpenSSL or liblber, which libcurl and its libldap load as shared objects
# anyway. The test and sanitizer builds keep the default linking.
find_library(PREFLIGHT_PUGIXML_STATIC NAMES libpugixml.a)
if(PREFLIGHT_PUGIXML_STATIC)
  get_target_property(pugixml_includes pugixml::pugixml INTERFACE_INCLUDE_DIRECTORIES)
  add_library(pf_pugixml_static STATIC IMPORTED)
  set_target_properties(pf_pugixml_static PROPERTIES IMPORTED_LOCATION ${PREFLIGHT_PUGIXML_STATIC})
  if(pugixml_includes)
    set_target_properties(pf_pugixml_static PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                       "${pugixml_includes}")
  endif()
  set(PREFLIGHT_PUGIXML pf_pugixml_static)
endif()
# --as-needed drops a library nothing in the program calls; -O1 makes the
# linker optimise the symbol hash tables the loader searches.
set(PREFLIGHT_PRODUCT_LINK_OPTIONS -static-libstdc++ -static-libgcc -Wl,--as-needed -Wl,-O1
                                   -Wl,--hash-style=gnu)
