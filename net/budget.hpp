#pragma once
#include <asio/io_context.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>

namespace pf {

// A unit of a Budget, given back when the last copy goes away: whoever owns
// what the unit pays for (a socket, a handshake) holds it, so that nothing
// has to remember to release it on every path.
using BudgetToken = std::shared_ptr<void>;

// What a run can afford at once, shared by every check on one event loop:
// a check that needs a unit waits for one, on the loop and in the order it
// asked, instead of failing (EMFILE) or starving the loop. Checks that only
// wait cost nothing and are not limited; what they hold is.
class Budget {
  public:
    Budget(asio::io_context& io, std::size_t limit);
    ~Budget();
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;

    // grant runs with a token at once when a unit is free and nobody waits,
    // else from the loop once one is, in the order of the calls. The returned
    // function withdraws a request not yet granted (grant is then not called).
    std::function<void()> acquire(std::function<void(BudgetToken)> grant);

    std::size_t limit() const;
    std::size_t in_use() const;
    std::size_t waiting() const;
    // A test (or a run told to go slower) changes the limit; units already
    // out stay out until given back.
    void set_limit(std::size_t limit);
    // The loop is going away: waiters are dropped and tokens given back later
    // are ignored.
    void shut();

    struct State;

  private:
    std::shared_ptr<State> state_;
};

// The run's budget of sockets: the soft limit on open files (raised to the
// hard one at start) less a reserve for what is not a check's socket (the
// loop's own descriptors, name lookups, trust files, reports).
Budget& descriptor_budget(asio::io_context& io);
std::size_t descriptor_limit_for(std::size_t open_file_limit);

// The run's budget of CPU-heavy work in flight (TLS handshakes): eight per
// hardware thread, enough to keep every core busy while each waits on the
// network between its steps, and bounded so that hundreds started at once
// do not each hold their TLS state and share the cores.
Budget& cpu_slots(asio::io_context& io);

} // namespace pf
