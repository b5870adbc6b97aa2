#include "reports/console.hpp"
#include "reports/report_util.hpp"
#include <set>
#include <string>

namespace pf {

namespace {

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

class ConsoleReporter : public RunObserver {
  public:
    ConsoleReporter(std::ostream& out, ConsoleOptions opts) : out_(out), opts_(opts) {}

    void run_started(std::size_t checks) override {
        total_ = checks;
        draw_progress();
    }

    void check_started(const Check& c) override {
        running_.insert(&c);
        draw_progress();
    }

    void check_finished(const CheckResult& r) override {
        // A skipped check finishes without having started.
        running_.erase(r.check);
        ++done_;
        clear_progress();
        // Quiet: problems only; a skip (not selected, service off) is none.
        if (!opts_.quiet || (r.status != Status::pass && r.status != Status::skip)) print_result(r);
        draw_progress();
    }

    void run_finished(const RunReport& report) override {
        clear_progress();
        const Counts& c = report.counts;
        out_ << "\n";
        if (report.interrupted)
            out_ << tag("INTERRUPTED", Status::fail) << ": not every check ran ("
                 << counted(unfinished_checks(report), "check") << " did not finish)\n";
        out_ << "Summary: " << c.pass << " passed, " << counted(c.warn, "warning") << ", " << c.fail
             << " failed, " << counted(c.error, "error") << ", " << c.skip << " skipped ("
             << counted(c.total(), "check") << ") in " << format_duration(run_duration(report))
             << "\n";
        if (report.changes) print_changes(*report.changes);
        out_.flush();
    }

  private:
    // After the summary: what a scheduled run's reader looks for first.
    void print_changes(const RunChanges& ch) {
        out_ << "Since " << one_line(ch.baseline) << " (" << ch.baseline_started
             << "): " << counted(ch.new_failures(), "new failure");
        if (ch.changes.empty()) out_ << ", nothing changed";
        out_ << "\n";
        for (const auto& c : ch.changes) {
            out_ << "  " << to_string(c.kind) << "  " << one_line(c.check);
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
        std::string_view t = status_tag(r.status);
        // Pad outside the colour codes so columns line up either way.
        out_ << tag(t, r.status) << std::string(6 - t.size(), ' ') << one_line(c.id) << "  "
             << one_line(c.title);
        if (!r.result.summary.empty()) out_ << ": " << one_line(r.result.summary);
        out_ << " (" << with_milliseconds(std::to_string(r.elapsed.count())) << ")\n";
        if (!r.result.alert.empty())
            out_ << "      " << tag("ALERT", Status::fail) << " " << one_line(r.result.alert)
                 << "\n";
    }

    void draw_progress() {
        if (!opts_.live) return;
        std::string line = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "] " +
                           std::to_string(running_.size()) + " running...";
        out_ << '\r' << line;
        // Shorter than the previous line: blank out the tail rather than use an
        // escape sequence, so colour-less output holds no ESC byte at all.
        if (line.size() < shown_) out_ << std::string(shown_ - line.size(), ' ') << '\r' << line;
        shown_ = line.size();
        out_.flush();
    }

    void clear_progress() {
        if (!opts_.live || shown_ == 0) return;
        out_ << '\r' << std::string(shown_, ' ') << '\r';
        shown_ = 0;
    }

    std::ostream& out_;
    ConsoleOptions opts_;
    std::size_t total_ = 0, done_ = 0;
    std::set<const Check*> running_;
    std::size_t shown_ = 0; // width of the progress line now on screen
};

} // namespace

std::unique_ptr<RunObserver> make_console_reporter(std::ostream& out, ConsoleOptions opts) {
    return std::make_unique<ConsoleReporter>(out, opts);
}

} // namespace pf
