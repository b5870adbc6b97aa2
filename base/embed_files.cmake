# Writes OUT: a C++ function FUNCTION (declared in HEADER) returning the files
# in FILES as {name, text} pairs; name is the file name without its last
# extension; the texts are views of the binary's data, never copied to the
# heap. Run at build time, so an edited file is embedded again.
set(body "#include \"${HEADER}\"\n\nnamespace pf {\n\nconst std::vector<EmbeddedFile>& ${FUNCTION}() {\n    static const std::vector<EmbeddedFile> all = {\n")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME_WLE)
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR n "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
  string(APPEND body "        {\"${name}\", std::string_view(\"${escaped}\", ${n})},\n")
endforeach()
string(APPEND body "    };\n    return all;\n}\n\n} // namespace pf\n")
file(WRITE ${OUT} "${body}")
