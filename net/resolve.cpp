#include "net/resolve.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/worker_pool.hpp"
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
    case Resolution::Outcome::cancelled:
        return msg("lookup.no_answer", {{"host", host},
                                        {"seconds", seconds_left_text(Clock::time_point{},
                                                                      Clock::time_point{r.took})}});
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
    case Resolution::Outcome::cancelled:
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
    return worker_pool(io).run<Resolution>([host] { return lookup(host); }, std::move(on_done));
}

std::function<void()> resolve_host(asio::io_context& io, const std::string& host,
                                   const CheckCancelPtr& cancel,
                                   std::function<void(Resolution)> on_done) {
    // The lookup itself cannot be cancelled (getaddrinfo blocks): at the
    // cancellation it is abandoned, and its late result dropped by the pool.
    struct Lookup {
        std::function<void(Resolution)> on_done;
        std::function<void()> abandon, unregister;
        void end(Resolution r) {
            auto f = std::move(on_done);
            on_done = nullptr;
            if (abandon) abandon();
            if (unregister) unregister();
            abandon = unregister = nullptr;
            if (f) f(std::move(r));
        }
    };
    auto l = std::make_shared<Lookup>();
    l->on_done = std::move(on_done);
    auto t0 = Clock::now();
    auto cancelled = [l, t0] {
        Resolution r;
        r.outcome = Resolution::Outcome::cancelled;
        r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        l->end(std::move(r));
    };
    if (cancel->cancelled()) {
        asio::post(io, cancelled);
        return [l] { l->on_done = nullptr; };
    }
    // Weak in the callback: the check's cancellation must not keep the lookup alive.
    l->unregister = cancel->on_cancel([weak = std::weak_ptr<Lookup>(l), t0] {
        if (auto l = weak.lock()) {
            Resolution r;
            r.outcome = Resolution::Outcome::cancelled;
            r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
            l->end(std::move(r));
        }
    });
    l->abandon = resolve_host(io, host, [l](Resolution r) {
        l->abandon = nullptr;
        l->end(std::move(r));
    });
    return [l] {
        l->on_done = nullptr;
        l->end({});
    };
}

std::function<void()> resolve_for_probe(asio::io_context& io, const std::string& host,
                                        const CheckCancelPtr& cancel,
                                        std::function<void(Resolution)> on_resolved,
                                        std::function<void(ProbeResult)> on_failed) {
    return resolve_host(io, host, cancel, [host, on_resolved, on_failed](Resolution res) {
        if (res.outcome == Resolution::Outcome::resolved) return on_resolved(std::move(res));
        if (res.outcome == Resolution::Outcome::cancelled)
            return on_failed(
                make_result(Status::fail, Reason::dns_failure, lookup_failure(host, res)));
        auto v = make_result(Status::fail, lookup_reason(res.outcome), lookup_failure(host, res));
        v.measurements.push_back({"resolve", double(res.took.count()), "ms"});
        on_failed(std::move(v));
    });
}

} // namespace pf
