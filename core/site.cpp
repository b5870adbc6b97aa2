#include "core/site.hpp"
#include "base/param_types.hpp"
#include "base/read_file.hpp"
#include "core/secrets.hpp"
#include "core/xml_source.hpp"
#include <fstream>
#include <sstream>

namespace pf {

SiteFile load_site_file(const std::string& path) {
    XmlSource src(read_input_file(path, site_file_limit, render(msg("input.site_file"))), path);
    auto root = src.doc().document_element();
    if (std::string(root.name()) != "site")
        src.fail(root, msg("input.root_not_site", {{"element", root.name()}}));
    src.expect_only(root, {"checklist", "users", "servers", "lang"}, {"service", "param", "proxy"});
    SiteFile site;
    site.checklist = root.attribute("checklist").value();
    if (auto l = root.attribute("lang")) {
        std::string v = l.value();
        if (v != "ja" && v != "en")
            src.fail(root, "lang", msg("input.site_lang", {{"value", v.substr(0, 40)}}));
        site.lang = language_of_tag(v);
    }
    if (auto u = root.attribute("users")) {
        auto n = parse_integer(u.value());
        if (!n || *n < users_bounds.min || *n > users_bounds.max)
            src.fail(root, "users",
                     msg("input.site_users",
                         {{"value", u.value()}, {"bounds", bounds_text(users_bounds)}}));
        site.users = *n;
    }
    if (auto s = root.attribute("servers")) {
        auto n = parse_integer(s.value());
        if (!n || *n == 0 || *n > 1000)
            src.fail(root, "servers", msg("input.site_servers", {{"value", s.value()}}));
        site.servers = static_cast<std::uint32_t>(*n);
    }
    for (auto s : root.children("service")) {
        src.expect_only(s, {"id"}, {});
        auto id = src.required_attribute(s, "id");
        site.settings.services.insert(id);
        site.settings.service_origins[id] = src.where(s, "id").str();
    }
    site.settings.services_origin = path;
    for (auto p : root.children("param")) {
        src.expect_only(p, {"name", "value"}, {});
        auto name = src.required_attribute(p, "name");
        if (!p.attribute("value")) src.fail(p, msg("input.site_param_value", {{"name", name}}));
        site.settings.values[name] =
            SettingValue{p.attribute("value").value(), src.where(p, "value").str()};
    }
    if (auto p = root.child("proxy")) {
        src.expect_only(p, {"url", "user", "password", "no_proxy"}, {});
        site.proxy_url = src.required_attribute(p, "url");
        site.proxy_user = p.attribute("user").value();
        site.proxy_password_source = p.attribute("password").value();
        site.no_proxy = p.attribute("no_proxy").value();
        site.proxy_origin = src.where(p).str();
        if (!site.proxy_password_source.empty())
            require_secret_source(site.proxy_password_source, src.where(p, "password").str(),
                                  render(msg("input.proxy_password")));
    }
    return site;
}

} // namespace pf
