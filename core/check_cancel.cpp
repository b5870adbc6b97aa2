#include "core/check_cancel.hpp"

namespace pf {

std::shared_ptr<CheckCancel> CheckCancel::create(Clock::time_point deadline) {
    return std::shared_ptr<CheckCancel>(new CheckCancel(deadline));
}

std::shared_ptr<CheckCancel> CheckCancel::armed(asio::io_context& io, Clock::time_point deadline) {
    auto c = create(deadline);
    c->io_ = &io;
    return c;
}

void CheckCancel::listeners_changed() {
    if (!io_ || cancelled()) return;
    bool listening = busy_ > 0 || !callbacks_.empty();
    if (listening == waiting_) return;
    if (!timer_) timer_ = std::make_unique<asio::steady_timer>(*io_);
    waiting_ = listening;
    if (!listening) {
        timer_->cancel();
        return;
    }
    timer_->expires_at(deadline_);
    // Weak: the timer must not keep the check alive once nothing else does.
    timer_->async_wait([weak = weak_from_this()](std::error_code ec) {
        if (auto self = weak.lock(); self && !ec) self->emit(Cause::deadline);
    });
}

CheckCancel::~CheckCancel() = default;

CheckCancel::Node& CheckCancel::free_node() {
    if (!idle_.empty()) {
        Node* n = idle_.back();
        idle_.pop_back();
        return *n;
    }
    // One node per operation in flight at once: a check has a handful.
    return nodes_.emplace_back();
}

void CheckCancel::emit(Cause cause) {
    if (cancelled() || cause == Cause::none) return;
    cause_ = cause;
    if (timer_) timer_->cancel();
    // Asio posts the aborted completions; nothing runs inside this loop.
    for (auto& n : nodes_)
        if (n.busy) n.signal.emit(asio::cancellation_type::terminal);
    auto callbacks = std::move(callbacks_);
    callbacks_.clear();
    for (auto& [id, f] : callbacks)
        guard(f);
}

std::function<void()> CheckCancel::on_cancel(std::function<void()> f) {
    if (cancelled()) {
        guard(f);
        return [] {};
    }
    auto id = next_callback_++;
    callbacks_.emplace_back(id, std::move(f));
    listeners_changed();
    return [weak = weak_from_this(), id] {
        auto self = weak.lock();
        if (!self) return;
        self->callbacks_.remove_if([id](const auto& c) { return c.first == id; });
        self->listeners_changed();
    };
}

void CheckCancel::release() {
    released_ = true;
    callbacks_.clear();
    listeners_changed();
    on_exception = nullptr;
}

void CheckCancel::report(const std::string& what) {
    // Copied: the handler may release this object.
    auto tell = on_exception;
    if (tell) tell(what);
}

} // namespace pf
