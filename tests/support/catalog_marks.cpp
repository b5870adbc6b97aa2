#include "support/catalog_marks.hpp"
#include <openssl/x509.h>
#include <string_view>

namespace pft {

const pf::Catalog& marked_catalog() {
    static const pf::Catalog c = [] {
        std::string text;
        for (const auto& [key, value] : pf::english_catalog().entries())
            text += key + " = " + mark + value + "\n";
        return pf::Catalog::parse(text, "marked");
    }();
    return c;
}

const pf::Catalog& keys_only_catalog() {
    static const pf::Catalog c = [] {
        std::string text;
        for (const auto& [key, value] : pf::english_catalog().entries()) {
            text += key + " = " + mark + key + "\u203a";
            for (const auto& p : pf::placeholders(value))
                text += "{" + p + "}\u00a6";
            text += "\n";
        }
        return pf::Catalog::parse(text, "keys only");
    }();
    return c;
}

bool has_english(std::string line) {
    for (int e = 0; e < 200; ++e) {
        std::string openssl = X509_verify_cert_error_string(e);
        for (auto at = line.find(openssl); !openssl.empty() && at != std::string::npos;
             at = line.find(openssl))
            line.erase(at, openssl.size());
    }
    for (const char* between : {"\u203a", "\u00a6"})
        for (auto at = line.find(between); at != std::string::npos; at = line.find(between))
            line.replace(at, std::string_view(between).size(), 1, ' ');
    line.insert(0, 1, ' ');
    line.push_back(' ');
    for (const char* w :
         {" the ",       " is ",        " was ",   " not ",   " with ",   " from ",  " after ",
          " within ",    " no ",        " does ",  " could ", " cannot ", " open, ", " refused, ",
          " timed out ", " bind ",      " bytes ", " plain ", " pass ",   " fail ",  " warn ",
          " email:",     " interface ", " to ",    " need ",  " users ",  " fit ",   " build ",
          " version ",   " minimum ",   " looked "})
        if (line.find(w) != std::string::npos) return true;
    return false;
}

bool joined_in_code(const std::string& line) {
    return line.find("; " + mark) != std::string::npos ||
           line.find(", " + mark) != std::string::npos;
}

} // namespace pft
