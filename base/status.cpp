#include "base/status.hpp"

namespace pf {

std::string_view to_string(Status s) {
    switch (s) {
    case Status::pass:
        return "pass";
    case Status::warn:
        return "warn";
    case Status::fail:
        return "fail";
    case Status::error:
        return "error";
    case Status::skip:
        return "skip";
    }
    return "?";
}

std::string_view to_string(Severity s) {
    switch (s) {
    case Severity::required:
        return "required";
    case Severity::recommended:
        return "recommended";
    case Severity::optional:
        return "optional";
    }
    return "?";
}

bool parse_severity(std::string_view text, Severity& out) {
    for (auto s : {Severity::required, Severity::recommended, Severity::optional})
        if (text == to_string(s)) {
            out = s;
            return true;
        }
    return false;
}

Status effective_status(Status probe_status, Severity severity) {
    if (severity != Severity::required &&
        (probe_status == Status::fail || probe_status == Status::error))
        return Status::warn;
    return probe_status;
}

} // namespace pf
