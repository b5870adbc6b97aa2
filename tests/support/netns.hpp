#pragma once
#include <string>
#include <vector>

namespace pft {

// A network namespace of the test's own, with only a loopback interface:
// whatever runs inside can reach nothing but itself. `ip netns exec` also
// bind-mounts /etc/netns/<name>/{resolv.conf,hosts}, which lets a test point
// name lookups at a DNS server it runs inside. Needs root.
class NetNamespace {
  public:
    NetNamespace();
    ~NetNamespace();
    NetNamespace(const NetNamespace&) = delete;
    NetNamespace& operator=(const NetNamespace&) = delete;

    const std::string& name() const { return name_; }
    // argv prefixed so that it runs inside the namespace.
    std::vector<std::string> wrap(const std::vector<std::string>& argv) const;
    // Runs a shell command inside; throws when it fails.
    void sh(const std::string& command) const;
    void set_etc_file(const std::string& name, const std::string& text) const;

  private:
    std::string name_;
};

} // namespace pft
