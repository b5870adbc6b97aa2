#pragma once
#include <initializer_list>
#include <map>
#include <memory>
#include <string>

namespace pf {

// A check's probe parameters, held once by its plan and shared by its result:
// a copy in every result was 0.9 MB of a 3,000-check run. Read-only once made.
class SharedArgs {
  public:
    using Map = std::map<std::string, std::string>;
    SharedArgs() = default;
    SharedArgs(Map values) : values_(std::make_shared<const Map>(std::move(values))) {}
    SharedArgs(std::initializer_list<Map::value_type> values) : SharedArgs(Map(values)) {}

    const Map& map() const { return values_ ? *values_ : none(); }
    operator const Map&() const { return map(); }
    Map::const_iterator begin() const { return map().begin(); }
    Map::const_iterator end() const { return map().end(); }
    bool empty() const { return map().empty(); }
    std::size_t size() const { return map().size(); }
    Map::const_iterator find(const std::string& name) const { return map().find(name); }
    std::size_t count(const std::string& name) const { return map().count(name); }
    // An absent parameter reads as empty, as a report shows it.
    const std::string& operator[](const std::string& name) const {
        auto it = map().find(name);
        return it == map().end() ? empty_text() : it->second;
    }

  private:
    static const Map& none() {
        static const Map none;
        return none;
    }
    static const std::string& empty_text() {
        static const std::string none;
        return none;
    }
    std::shared_ptr<const Map> values_;
};

} // namespace pf
