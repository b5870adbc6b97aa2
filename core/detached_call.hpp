#pragma once
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace pf {

// Runs a blocking call (getaddrinfo, parts of libldap) on its own thread and
// hands the result to the event loop. The thread is detached: a call that
// hangs must never hold up a run, so it is abandoned instead of joined.
// Calling the returned function abandons the call; after it returns, on_done
// will not be called and nothing more is posted to the loop.
template <class Result>
std::function<void()> detached_call(asio::io_context& io, std::function<Result()> call,
                                    std::function<void(Result)> on_done) {
    struct Shared {
        std::mutex m;
        bool abandoned = false;
    };
    auto shared = std::make_shared<Shared>();
    std::thread([shared, &io, call = std::move(call), on_done]() mutable {
        Result r = call();
        std::lock_guard<std::mutex> lock(shared->m);
        if (shared->abandoned) return;
        asio::post(io, [shared, on_done, r = std::move(r)]() mutable {
            {
                std::lock_guard<std::mutex> lock(shared->m);
                if (shared->abandoned) return;
                shared->abandoned = true; // delivered once
            }
            on_done(std::move(r));
        });
    }).detach();
    return [shared] {
        std::lock_guard<std::mutex> lock(shared->m);
        shared->abandoned = true;
    };
}

} // namespace pf
