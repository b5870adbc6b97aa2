#pragma once
#include <cstdlib>
#include <optional>
#include <string>

namespace pft {

// An environment variable set for a test (KRB5CCNAME, KRB5_CONFIG for the
// Kerberos library), restored when the object goes away.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
        if (const char* v = std::getenv(name_.c_str())) old_ = v;
        setenv(name_.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_)
            setenv(name_.c_str(), old_->c_str(), 1);
        else
            unsetenv(name_.c_str());
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
    std::optional<std::string> old_;
};

} // namespace pft
