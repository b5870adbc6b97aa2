#pragma once
#include "base/language.hpp"
#include "core/plan.hpp"
#include <cstdint>
#include <optional>
#include <string>

namespace pf {

// A site file keeps one installation's answers (hosts, enabled services,
// sizing) so that a nightly run and the admin's run agree:
//   <site checklist="acc-saas" users="20000" servers="2">
//     <service id="ldap"/>
//     <param name="awcm_host" value="awcm274.awmdm.com"/>
//     <proxy url="http://proxy.corp.example:8080" user="svc-acc"
//     password="env:ACC_PROXY_PASSWORD"/>
//   </site>
struct SiteFile {
    std::string checklist;
    std::optional<Language> lang; // <site lang="ja">: the language unless --lang says another
    RunSettings settings;
    std::optional<std::uint64_t> users;
    std::optional<std::uint32_t> servers;
    std::string proxy_url, proxy_user, proxy_password_source, no_proxy;
    std::string proxy_origin; // file:line:column of <proxy>
};

SiteFile load_site_file(const std::string& path);

} // namespace pf
