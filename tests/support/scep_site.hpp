#pragma once
// An NDES-like SCEP responder for pft::Nginx: GetCACaps and GetCACert
// answered from files the test made, with the content types it chooses.
#include "support/processes.hpp"
#include <stdexcept>
#include <string>
#include <vector>

namespace pft {

// nginx locations answering prefix + "/pkiclient.exe": each operation is
// rewritten to a file served with the content type given ("" sends none).
inline std::string scep_at(const std::string& prefix, const std::string& caps,
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

// Runs `openssl ARGS` (e.g. crl2pkcs7 for a degenerate PKCS#7 bundle of CA
// and RA certificates); returns out, the file it wrote.
inline std::string openssl_to(std::vector<std::string> args, const std::string& out) {
    args.insert(args.begin(), "openssl");
    auto r = pft::run(args);
    if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
    return out;
}

} // namespace pft
