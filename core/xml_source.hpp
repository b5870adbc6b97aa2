#pragma once
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/source_location.hpp"
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <vector>

namespace pf {

// An XML document together with its text, so that nodes and attributes can be
// located as file:line:column for error messages (pugixml keeps only offsets).
class XmlSource {
  public:
    XmlSource(std::string text, std::string origin);

    const pugi::xml_document& doc() const { return doc_; }
    SourceLocation where(const pugi::xml_node& n) const;
    SourceLocation where(const pugi::xml_node& n, const char* attribute) const;
    [[noreturn]] void fail(const pugi::xml_node& n, const std::string& message) const;
    [[noreturn]] void fail(const pugi::xml_node& n, const char* attr,
                           const std::string& message) const;
    // The message rendered with the active catalog, after the location.
    [[noreturn]] void fail(const pugi::xml_node& n, const Message& message) const;
    [[noreturn]] void fail(const pugi::xml_node& n, const char* attr, const Message& message) const;

    // Rejects children and attributes not in the given lists.
    void expect_only(const pugi::xml_node& n, std::initializer_list<const char*> attributes,
                     std::initializer_list<const char*> children) const;
    std::string required_attribute(const pugi::xml_node& n, const char* name) const;

  private:
    SourceLocation at_offset(std::ptrdiff_t offset) const;
    std::string text_;
    std::shared_ptr<const std::string> origin_; // shared by every location made
    std::vector<std::size_t> line_starts_;
    pugi::xml_document doc_;
};

} // namespace pf
