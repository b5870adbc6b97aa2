#include "net/resolve.hpp"
#include "base/catalog.hpp"
#include "net/detached_call.hpp"
#include "net/probe_util.hpp"
#include <algorithm>
#include <cstring>
#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <netdb.h>
#include <sys/socket.h>
#endif

namespace pf {

static Resolution lookup(const std::string& host) {
    auto t0 = std::chrono::steady_clock::now();
    Resolution r;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    if (rc != 0) {
        r.detail = gai_strerror(rc);
        switch (rc) {
        case EAI_NONAME:
            r.outcome = Resolution::Outcome::not_found;
            break;
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
        case EAI_NODATA:
            r.outcome = Resolution::Outcome::no_address;
            break;
#endif
        case EAI_AGAIN:
            r.outcome = Resolution::Outcome::temporary_failure;
            break;
        default:
            r.outcome = Resolution::Outcome::failure;
        }
        return r;
    }
    for (auto* ai = list; ai; ai = ai->ai_next) {
        asio::ip::address a;
        if (ai->ai_family == AF_INET) {
            asio::ip::address_v4::bytes_type b;
            std::memcpy(b.data(), &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
            a = asio::ip::address_v4(b);
        } else if (ai->ai_family == AF_INET6) {
            auto* s6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
            asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &s6->sin6_addr, 16);
            a = asio::ip::address_v6(b, s6->sin6_scope_id);
        } else {
            continue;
        }
        if (std::find(r.addresses.begin(), r.addresses.end(), a) == r.addresses.end())
            r.addresses.push_back(a);
    }
    freeaddrinfo(list);
    r.outcome =
        r.addresses.empty() ? Resolution::Outcome::no_address : Resolution::Outcome::resolved;
    return r;
}

Message lookup_failure(const std::string& host, const Resolution& r) {
    switch (r.outcome) {
    case Resolution::Outcome::resolved:
        return msg("lookup.resolves", {{"host", host}});
    case Resolution::Outcome::not_found:
        return msg("lookup.not_found", {{"host", host}, {"detail", r.detail}});
    case Resolution::Outcome::no_address:
        return msg("lookup.no_address", {{"host", host}, {"detail", r.detail}});
    case Resolution::Outcome::temporary_failure:
        return msg("lookup.temporary_failure", {{"host", host}, {"detail", r.detail}});
    case Resolution::Outcome::failure:
        break;
    }
    return msg("lookup.failed", {{"host", host}, {"detail", r.detail}});
}

std::string describe_failure(const std::string& host, const Resolution& r) {
    return render(lookup_failure(host, r));
}

Reason lookup_reason(Resolution::Outcome o) {
    switch (o) {
    case Resolution::Outcome::resolved:
        return Reason::ok;
    case Resolution::Outcome::not_found:
        return Reason::name_not_found;
    case Resolution::Outcome::no_address:
        return Reason::dns_no_answer;
    case Resolution::Outcome::temporary_failure:
    case Resolution::Outcome::failure:
        break;
    }
    return Reason::dns_failure;
}

std::function<void()> resolve_host(asio::io_context& io, const std::string& host,
                                   std::function<void(Resolution)> on_done) {
    std::error_code ec;
    auto literal = asio::ip::make_address(host, ec);
    if (!ec) {
        Resolution r;
        r.outcome = Resolution::Outcome::resolved;
        r.addresses.push_back(literal);
        r.detail = "IP address literal";
        r.literal = true;
        asio::post(io, [on_done, r] { on_done(r); });
        return [] {};
    }
    return detached_call<Resolution>(
        io, [host] { return lookup(host); }, std::move(on_done));
}

std::function<void()> resolve_for_probe(asio::io_context& io, const std::string& host,
                                        Clock::time_point deadline,
                                        std::function<void(Resolution)> on_resolved,
                                        std::function<void(ProbeResult)> on_failed) {
    struct Lookup {
        explicit Lookup(asio::io_context& io) : timer(io) {}
        asio::steady_timer timer;
        bool over = false;
        std::function<void()> abandon;
    };
    auto l = std::make_shared<Lookup>(io);
    auto t0 = Clock::now();
    l->timer.expires_at(deadline);
    l->timer.async_wait([l, host, t0, deadline, on_failed](std::error_code ec) {
        if (ec || l->over) return;
        l->over = true;
        if (l->abandon) l->abandon();
        on_failed(make_result(Status::fail, Reason::dns_failure,
                              msg("lookup.no_answer",
                                  {{"host", host}, {"seconds", seconds_left_text(t0, deadline)}})));
    });
    l->abandon = resolve_host(io, host, [l, host, on_resolved, on_failed](Resolution res) {
        if (l->over) return;
        l->over = true;
        l->timer.cancel();
        if (res.outcome == Resolution::Outcome::resolved) return on_resolved(std::move(res));
        auto v = make_result(Status::fail, lookup_reason(res.outcome), lookup_failure(host, res));
        v.measurements.push_back({"resolve", double(res.took.count()), "ms"});
        on_failed(std::move(v));
    });
    return [l] {
        l->over = true;
        l->timer.cancel();
        if (l->abandon) l->abandon();
        l->abandon = nullptr;
    };
}

} // namespace pf
