#include "reports/console.hpp"
#include "base/catalog.hpp"
#include "reports/report_util.hpp"
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace pf {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string_view color_of(Status s) {
    switch (s) {
    case Status::pass:
        return "\x1b[32m"; // green
    case Status::warn:
        return "\x1b[33m"; // yellow
    case Status::fail:
        return "\x1b[1;31m"; // bold red
    case Status::error:
        return "\x1b[35m"; // magenta: the check itself could not decide
    case Status::skip:
        return "\x1b[2m"; // dim
    }
    return "";
}

constexpr std::string_view reset = "\x1b[0m";

// Text from probes and checklists may hold newlines or escape sequences; on a
// terminal either would break the one-line-per-check layout or worse.
std::string one_line(std::string_view s) {
    std::string t = clean_text(s);
    for (char& c : t)
        if (c == '\n' || c == '\t') c = ' ';
    return t;
}

// Columns a clean UTF-8 text takes, counting each code point as one: check
// ids and the catalog's words hold no wide characters that matter here.
std::size_t columns(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// The first n columns of s, cut at a code point.
std::string first_columns(std::string_view s, std::size_t n) {
    std::size_t cols = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((s[i] & 0xC0) != 0x80 && cols++ == n) break;
    }
    return std::string(s.substr(0, i));
}

// A count with its noun: the catalog has a text for one and one for more,
// since a number in a sentence needs its plural in English.
MessageArg plural(std::size_t n, const Message& one, const Message& many) {
    return part(n == 1 ? one : many);
}

class ConsoleReporter : public RunObserver {
  public:
    ConsoleReporter(std::ostream& out, ConsoleOptions opts) : out_(out), opts_(std::move(opts)) {
        if (!opts_.now) opts_.now = [] { return SteadyClock::now(); };
        if (opts_.live && opts_.redraw.count() > 0) ticker_ = std::thread([this] { tick(); });
    }

    ~ConsoleReporter() override { stop_ticker(); }

    void run_started(std::size_t checks) override {
        std::lock_guard lock(mutex_);
        total_ = checks;
        draw_progress();
    }

    void check_started(const Check& c, SteadyClock::time_point deadline) override {
        std::lock_guard lock(mutex_);
        running_.emplace_back(&c, deadline);
        draw_progress();
    }

    void check_finished(const CheckResult& r) override {
        std::lock_guard lock(mutex_);
        // A skipped check finishes without having started.
        std::erase_if(running_, [&](const auto& e) { return e.first == r.check; });
        ++done_;
        clear_progress();
        // Quiet: problems only; a skip (not selected, service off) is none.
        if (!opts_.quiet || (r.status != Status::pass && r.status != Status::skip)) print_result(r);
        draw_progress();
    }

    void run_finished(const RunReport& report) override {
        stop_ticker();
        std::lock_guard lock(mutex_);
        clear_progress();
        const Counts& c = report.counts;
        out_ << "\n";
        print_problems(report);
        if (report.interrupted) {
            const std::size_t n = unfinished_checks(report);
            out_ << tag(render(msg("console.tag_interrupted")), Status::fail) << ": "
                 << render(msg("console.interrupted",
                               {{"checks", plural(n, msg("console.check_one"),
                                                  msg("console.checks", {{"count", n}}))}}))
                 << "\n";
        }
        out_ << render(msg("console.summary",
                           {{"pass", c.pass},
                            {"warnings", plural(c.warn, msg("console.warning_one"),
                                                msg("console.warnings", {{"count", c.warn}}))},
                            {"fail", c.fail},
                            {"errors", plural(c.error, msg("console.error_one"),
                                              msg("console.errors", {{"count", c.error}}))},
                            {"skip", c.skip},
                            {"checks", plural(c.total(), msg("console.check_one"),
                                              msg("console.checks", {{"count", c.total()}}))},
                            {"duration", format_duration(run_duration(report))}}))
             << "\n";
        if (report.changes) print_changes(*report.changes);
        out_.flush();
    }

  private:
    // The recap after the last check: a long run's problems are scattered
    // among its passes, and the fix is what the admin came for. The same
    // order as the HTML report's Problems list.
    void print_problems(const RunReport& report) {
        auto problems = problems_worst_first(report);
        if (problems.empty()) return;
        out_ << render(msg("console.problems")) << "\n";
        for (const CheckResult* r : problems) {
            const Check& c = check_of(*r);
            std::string t = status_label(r->status);
            out_ << "  " << tag(t, r->status) << tag_padding(t, 6) << one_line(c.id);
            if (!r->result.summary.empty()) out_ << "  " << one_line(r->result.summary);
            out_ << "\n";
            if (!c.fix.empty())
                out_ << "        " << render(msg("console.fix", {{"fix", one_line(c.fix)}}))
                     << "\n";
        }
        out_ << "\n";
    }

    // After the summary: what a scheduled run's reader looks for first.
    void print_changes(const RunChanges& ch) {
        const std::size_t n = ch.new_failures();
        MessageArg failures =
            plural(n, msg("console.new_failure_one"), msg("console.new_failures", {{"count", n}}));
        const std::string baseline = one_line(ch.baseline), started = one_line(ch.baseline_started);
        Message line =
            ch.changes.empty()
                ? msg("console.since_unchanged",
                      {{"baseline", baseline}, {"started", started}, {"new_failures", failures}})
                : msg("console.since",
                      {{"baseline", baseline}, {"started", started}, {"new_failures", failures}});
        out_ << render(line) << "\n";
        for (const auto& c : ch.changes) {
            out_ << "  " << change_label(c.kind) << "  " << one_line(c.check);
            if (!c.before.empty() || !c.after.empty())
                out_ << ": " << (c.before.empty() ? "-" : one_line(c.before)) << " -> "
                     << (c.after.empty() ? "-" : one_line(c.after));
            out_ << "\n";
        }
    }

    std::string tag(std::string_view text, Status s) const {
        std::string t;
        if (opts_.color) t += color_of(s);
        t += text;
        if (opts_.color) t += reset;
        return t;
    }

    void print_result(const CheckResult& r) {
        const Check& c = check_of(r);
        std::string t = status_label(r.status);
        // Pad outside the colour codes so columns line up either way.
        out_ << tag(t, r.status) << tag_padding(t, 6) << one_line(c.id) << "  "
             << one_line(c.title);
        if (!r.result.summary.empty()) out_ << ": " << one_line(r.result.summary);
        out_ << " (" << with_milliseconds(std::to_string(r.elapsed.count())) << ")\n";
        if (!r.result.alert.empty())
            out_ << "      " << tag(render(msg("console.tag_alert")), Status::fail) << " "
                 << one_line(r.result.alert) << "\n";
    }

    void draw_progress() {
        if (!opts_.live || finished_) return;
        std::string line = progress_line(done_, total_, running_, opts_.now(), opts_.width);
        std::size_t cols = columns(line);
        out_ << '\r' << line;
        // Shorter than the previous line: blank out the tail rather than use an
        // escape sequence, so colour-less output holds no ESC byte at all.
        if (cols < shown_) out_ << std::string(shown_ - cols, ' ') << '\r' << line;
        shown_ = cols;
        out_.flush();
    }

    void clear_progress() {
        if (!opts_.live || shown_ == 0) return;
        out_ << '\r' << std::string(shown_, ' ') << '\r';
        shown_ = 0;
    }

    // Counts the time left down while no check starts or finishes.
    void tick() {
        std::unique_lock lock(mutex_);
        while (!finished_) {
            wake_.wait_for(lock, opts_.redraw);
            if (!finished_ && total_ > 0) draw_progress();
        }
    }

    void stop_ticker() {
        {
            std::lock_guard lock(mutex_);
            finished_ = true;
        }
        wake_.notify_all();
        if (ticker_.joinable()) ticker_.join();
    }

    std::ostream& out_;
    ConsoleOptions opts_;
    std::size_t total_ = 0, done_ = 0;
    std::vector<std::pair<const Check*, SteadyClock::time_point>> running_; // by start
    std::size_t shown_ = 0; // columns of the progress line now on screen
    // The ticker thread draws too: every write to out_ holds the mutex.
    std::mutex mutex_;
    std::condition_variable wake_;
    bool finished_ = false;
    std::thread ticker_;
};

} // namespace

std::string
progress_line(std::size_t done, std::size_t total,
              const std::vector<std::pair<const Check*, SteadyClock::time_point>>& running,
              SteadyClock::time_point now, std::size_t width) {
    // One column short of the width: a line that fills it wraps on some
    // terminals, and the \r then returns to the wrong row.
    const std::size_t room = width > 1 ? width - 1 : 1;
    if (running.empty())
        return first_columns(render(msg("console.progress", {{"done", done}, {"total", total}})),
                             room);
    auto soonest = running;
    std::stable_sort(soonest.begin(), soonest.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    auto line_with = [&](const std::string& checks) {
        return render(msg("console.progress_running",
                          {{"done", done}, {"total", total}, {"checks", checks}}));
    };
    auto more = [](std::size_t n) { return render(msg("console.progress_more", {{"count", n}})); };
    // Greedy, in columns, so that thousands of checks in flight cost one pass.
    const std::size_t frame = columns(line_with(""));
    std::string checks;
    std::size_t used = frame;
    for (std::size_t i = 0; i < soonest.size(); ++i) {
        auto left = std::max(
            std::chrono::milliseconds{0},
            std::chrono::duration_cast<std::chrono::milliseconds>(soonest[i].second - now));
        const Check* c = soonest[i].first;
        std::string item = (i == 0 ? "" : ", ") +
                           render(msg("console.progress_check", {{"id", one_line(c ? c->id : "")},
                                                                 {"left", format_duration(left)}}));
        const std::size_t rest = soonest.size() - i - 1;
        const std::size_t tail = rest == 0 ? 0 : 2 + columns(more(rest));
        if (used + columns(item) + tail > room) {
            // What does not fit is counted, never cut in the middle of an id.
            checks += (i == 0 ? "" : ", ") + more(soonest.size() - i);
            break;
        }
        checks += item;
        used += columns(item);
    }
    std::string line = line_with(checks);
    // Too narrow for even one name: the count alone.
    if (columns(line) > room)
        return first_columns(render(msg("console.progress", {{"done", done}, {"total", total}})),
                             room);
    return line;
}

std::unique_ptr<RunObserver> make_console_reporter(std::ostream& out, ConsoleOptions opts) {
    return std::make_unique<ConsoleReporter>(out, std::move(opts));
}

} // namespace pf
