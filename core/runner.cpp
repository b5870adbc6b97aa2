#include "core/runner.hpp"
#include <asio/post.hpp>
#include <csignal>

namespace pf {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

static std::string seconds_text(milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g s", d.count() / 1000.0);
    return buf;
}

void redact_result(ProbeResult& r, const std::vector<SecretRef>& secrets) {
    for (const auto& s : secrets) {
        if (!s) continue;
        redact(r.summary, *s);
        redact(r.alert, *s);
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
    : io_(io), env_(env), options_(options), observer_(observer) {
    if (options_.jobs == 0) options_.jobs = 1;
}

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
    if (finished_ < plan.size()) io_.run();
    return std::move(results_);
}

void Runner::launch_more() {
    while (!interrupted_ && active_ < options_.jobs && next_ < plan_->size()) {
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
    if (observer_) observer_->check_started(*pc.check);
    slot.timer = std::make_unique<asio::steady_timer>(io_, deadline + options_.grace);
    slot.timer->async_wait([this, i, timeout = pc.timeout](std::error_code ec) {
        if (ec || slots_[i].done) return;
        if (slots_[i].cancel) slots_[i].cancel();
        complete(i, ProbeResult::make(Status::error, Reason::deadline_exceeded,
                                      "no verdict within the " + seconds_text(timeout) +
                                          " deadline: the probe was stopped"));
    });
    std::weak_ptr<int> alive = alive_;
    auto done = [this, i, alive](ProbeResult r) {
        // Completion always goes through the loop, even when a probe reports
        // from inside start(), so runner state changes in one place.
        asio::post(io_, [this, i, alive, r = std::move(r)]() mutable {
            if (alive.lock()) complete(i, std::move(r));
        });
    };
    try {
        slot.cancel = pc.kind->start(ProbeContext{io_, deadline, env_}, pc.args, done);
    } catch (const std::exception& e) {
        complete(i, ProbeResult::make(Status::error, Reason::internal_error,
                                      std::string("the probe could not start: ") + e.what()));
    }
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
    for (const auto& [name, value] : pc.args.all())
        out.args[name] = value;
    if (slot.timer) {
        slot.timer->cancel();
        out.elapsed = duration_cast<milliseconds>(Clock::now() - slot.start);
        --active_;
    }
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
            if (slot.cancel) slot.cancel();
            auto ran = duration_cast<milliseconds>(Clock::now() - slot.start);
            complete(i, ProbeResult::make(Status::error, Reason::interrupted,
                                          "interrupted after " + seconds_text(ran) +
                                              ", before the probe reached a verdict"));
        } else {
            slot.started = true;
            complete(i, ProbeResult::make(Status::skip, Reason::interrupted,
                                          "not run: the run was interrupted"));
        }
    }
}

} // namespace pf
