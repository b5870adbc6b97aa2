#include "core/runner.hpp"
#include "base/catalog.hpp"
#include "base/human_format.hpp"
#include <asio/post.hpp>
#include <csignal>

namespace pf {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

static std::string seconds_text(milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", d.count() / 1000.0);
    return with_seconds(buf);
}

void redact_result(ProbeResult& r, const std::vector<SecretRef>& secrets) {
    for (const auto& s : secrets) {
        if (!s) continue;
        redact(r.summary, *s);
        redact(r.alert, *s);
        // The JSON report carries the message's arguments as data.
        for (auto& [name, value] : r.message.args)
            redact(value, *s);
        for (auto& e : r.evidence)
            redact(e, *s);
        for (auto& b : r.blocks) {
            redact(b.title, *s);
            for (auto& l : b.lines)
                redact(l, *s);
        }
        for (auto& c : r.certificates)
            for (auto* f : {&c.source, &c.subject, &c.issuer, &c.names})
                redact(*f, *s);
    }
}

Runner::Runner(asio::io_context& io, const RunEnvironment& env, RunnerOptions options,
               RunObserver* observer)
    : io_(io), env_(env), options_(options), observer_(observer) {}

std::vector<CheckResult> Runner::run(const std::vector<PlannedCheck>& plan) {
    plan_ = &plan;
    slots_ = std::vector<Slot>(plan.size());
    results_ = std::vector<CheckResult>(plan.size());
    secrets_.clear();
    if (env_.proxy.password) secrets_.push_back(env_.proxy.password);
    for (const auto& pc : plan)
        for (const auto& [name, s] : pc.args.secrets())
            secrets_.push_back(s);
    if (observer_) observer_->run_started(plan.size());
    if (options_.handle_signals) {
        signals_ = std::make_unique<asio::signal_set>(io_, SIGINT, SIGTERM);
        signals_->async_wait([this](std::error_code ec, int) {
            if (!ec) interrupt();
        });
    }
    // Skipped checks are reported first so the console shows them at once.
    // All are marked before any completes: completing one launches others.
    for (std::size_t i = 0; i < plan.size(); ++i)
        slots_[i].started = plan[i].skip.has_value();
    for (std::size_t i = 0; i < plan.size(); ++i)
        if (plan[i].skip) complete(i, *plan[i].skip);
    launch_more();
    finish_if_done();
    // A handler that throws is its check's error verdict: bound handlers
    // report through CheckCancel::on_exception; one that escapes the loop is
    // attributed here, and the loop goes on.
    while (finished_ < plan.size()) {
        try {
            io_.run();
            break;
        } catch (const std::exception& e) {
            escaped(e.what());
        } catch (...) {
            escaped("an exception of unknown type");
        }
    }
    return std::move(results_);
}

void Runner::launch_more() {
    while (!interrupted_ && (options_.jobs == 0 || active_ < options_.jobs) &&
           next_ < plan_->size()) {
        std::size_t i = next_++;
        if (!slots_[i].started) launch(i);
    }
}

void Runner::launch(std::size_t i) {
    const PlannedCheck& pc = (*plan_)[i];
    Slot& slot = slots_[i];
    slot.started = true;
    slot.start = Clock::now();
    ++active_;
    auto deadline = slot.start + pc.timeout;
    if (observer_) observer_->check_started(*pc.check, deadline);
    std::weak_ptr<int> alive = alive_;
    slot.check = CheckCancel::create(deadline);
    slot.check->on_exception = [this, i, alive](const std::string& what) {
        if (alive.lock()) failed(i, what);
    };
    // The check's one timer: at the deadline its operations are cancelled
    // and the probe reports; past the grace the runner reports for it.
    slot.timer = std::make_unique<asio::steady_timer>(io_, deadline);
    slot.timer->async_wait([this, i, timeout = pc.timeout](std::error_code ec) {
        if (ec || slots_[i].done) return;
        slots_[i].check->emit(CheckCancel::Cause::deadline);
        if (slots_[i].done) return; // a callback of the cancellation failed the check
        slots_[i].timer->expires_at(slots_[i].check->deadline() + options_.grace);
        slots_[i].timer->async_wait([this, i, timeout](std::error_code ec2) {
            if (ec2 || slots_[i].done) return;
            stop(i, CheckCancel::Cause::deadline);
            complete(i, make_result(Status::error, Reason::deadline_exceeded,
                                    msg("runner.deadline", {{"time", seconds_text(timeout)}})));
        });
    });
    auto done = [this, i, alive](ProbeResult r) {
        // Completion always goes through the loop, even when a probe reports
        // from inside start(), so runner state changes in one place.
        asio::post(io_, [this, i, alive, r = std::move(r)]() mutable {
            if (alive.lock()) complete(i, std::move(r));
        });
    };
    try {
        slot.cancel = pc.kind->start(ProbeContext(io_, env_, slot.check), pc.args, done);
    } catch (const std::exception& e) {
        complete(i, ProbeResult::make(Status::error, Reason::internal_error,
                                      std::string("the probe could not start: ") + e.what()));
    }
}

// Stops what the probe has in flight; its late reports are ignored.
void Runner::stop(std::size_t i, CheckCancel::Cause why) {
    Slot& slot = slots_[i];
    if (slot.check) slot.check->emit(why);
    auto cancel = std::move(slot.cancel);
    slot.cancel = nullptr;
    if (!cancel) return;
    try {
        cancel();
    } catch (const std::exception&) {
        // The check already has its verdict; a failing cleanup changes nothing.
    }
}

void Runner::failed(std::size_t i, const std::string& what) {
    if (slots_[i].done) return;
    stop(i, CheckCancel::Cause::failed);
    complete(i, ProbeResult::make(Status::error, Reason::internal_error,
                                  "preflight itself failed while running this check: " + what));
}

void Runner::escaped(const std::string& what) {
    // Bound handlers report their own exceptions, so this one came from a
    // handler the probe did not bind: every running check could be its
    // source, and none of them can be trusted to finish.
    // Collected first: each verdict launches waiting checks, which are not suspects.
    std::vector<std::size_t> running;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i].started && !slots_[i].done && slots_[i].timer) running.push_back(i);
    for (auto i : running)
        failed(i, what);
}

void Runner::complete(std::size_t i, ProbeResult r) {
    Slot& slot = slots_[i];
    if (slot.done) return;
    slot.done = true;
    const PlannedCheck& pc = (*plan_)[i];
    CheckResult& out = results_[i];
    out.check = pc.check;
    out.status = effective_status(r.status, pc.check->severity);
    out.result = std::move(r);
    redact_result(out.result, secrets_);
    // A secret parameter's value is its source (env:NAME…), shown as such.
    out.args = pc.args.shared();
    if (slot.check) slot.check->release();
    if (slot.timer) {
        out.elapsed = duration_cast<milliseconds>(Clock::now() - slot.start);
        --active_;
    }
    // The verdict is all the reports need: the probe's cancel function holds
    // its whole state (sockets, TLS streams, curl handles), which would
    // otherwise stay until the run ends (~130 KiB per tls check).
    slot.cancel = nullptr;
    slot.check.reset();
    slot.timer.reset(); // cancels its wait; safe inside that wait's handler
    ++finished_;
    if (observer_) observer_->check_finished(out);
    launch_more();
    finish_if_done();
}

void Runner::finish_if_done() {
    if (finished_ != slots_.size()) return;
    if (signals_) signals_->cancel();
    // Stop rather than drain: a cancelled probe may still have work queued
    // (a name lookup on a worker thread) that must not delay the reports.
    io_.stop();
}

void Runner::interrupt() {
    if (interrupted_) return;
    interrupted_ = true;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        Slot& slot = slots_[i];
        if (slot.done) continue;
        if (slot.started) {
            stop(i, CheckCancel::Cause::interrupted);
            auto ran = duration_cast<milliseconds>(Clock::now() - slot.start);
            complete(i,
                     make_result(Status::error, Reason::interrupted,
                                 msg("runner.interrupted_after", {{"time", seconds_text(ran)}})));
        } else {
            slot.started = true;
            complete(i, make_result(Status::skip, Reason::interrupted, msg("runner.not_run")));
        }
    }
}

} // namespace pf
