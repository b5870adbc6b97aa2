#pragma once
// A SCEP responder as nginx locations, for tests that need NDES answering
// GetCACaps and GetCACert from files the test made: the capabilities as
// text and the CA/RA certificates as a degenerate PKCS#7 (what NDES sends),
// built with `openssl crl2pkcs7`. POSIX: nginx, openssl.
#include "support/processes.hpp"
#include <stdexcept>
#include <string>
#include <vector>

namespace pft {

// Locations answering prefix + "/pkiclient.exe": each operation rewritten to
// a file served with the content type given ("" sends none); any other
// operation is answered 400.
inline std::string scep_locations(const std::string& prefix, const std::string& caps,
                                  const std::string& caps_type, const std::string& cert,
                                  const std::string& cert_type) {
    auto file = [&](const std::string& name, const std::string& path, const std::string& type) {
        return "location = " + prefix + "/" + name + " { internal; types { } default_type \"" +
               type + "\"; alias " + path + "; }\n";
    };
    return "location = " + prefix +
           "/pkiclient.exe {\n"
           "  if ($arg_operation = GetCACaps) { rewrite ^ " +
           prefix +
           "/caps last; }\n"
           "  if ($arg_operation = GetCACert) { rewrite ^ " +
           prefix +
           "/cert last; }\n"
           "  return 400 \"unknown operation\\n\";\n"
           "}\n" +
           file("caps", caps, caps_type) + file("cert", cert, cert_type);
}

// The certificates of the PEM files given as a certificates-only PKCS#7 in
// DER, written to out. Returns out.
inline std::string degenerate_pkcs7(const std::vector<std::string>& pem_files,
                                    const std::string& out) {
    std::vector<std::string> args = {"openssl", "crl2pkcs7", "-nocrl"};
    for (const auto& pem : pem_files) {
        args.push_back("-certfile");
        args.push_back(pem);
    }
    for (const char* a : {"-outform", "DER", "-out"})
        args.push_back(a);
    args.push_back(out);
    auto r = run(args);
    if (r.exit_code != 0) throw std::runtime_error("openssl crl2pkcs7: " + r.err);
    return out;
}

} // namespace pft
