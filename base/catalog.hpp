#pragma once
#include "base/language.hpp"
#include "base/probe_result.hpp"
#include <concepts>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

// A message catalog: key → text with {name} placeholders, kept as data
// (base/messages/<language>.txt, compiled in), so that a second language is
// a second file and no code branches on the English sentence.
class Catalog {
  public:
    // "key = text" per line; '#' starts a comment line. Throws
    // std::runtime_error naming origin:line for a malformed line, a
    // duplicate key or an over-long text.
    static Catalog parse(std::string_view text, const std::string& origin);

    const std::string* find(std::string_view key) const;
    const std::map<std::string, std::string, std::less<>>& entries() const { return texts_; }
    // Adds base's entries for the keys this catalog lacks.
    void fill_from(const Catalog& base);

  private:
    std::map<std::string, std::string, std::less<>> texts_;
};

// base/messages/en.txt.
const Catalog& english_catalog();
// The catalog of l (base/messages/<code>.txt), with English for any key
// the file lacks.
const Catalog& catalog_for(Language l);

// The catalog every sentence of a run is rendered from: English unless a
// command chose another language before its run started (results are
// rendered when they are made, on the loop and the worker threads, so the
// catalog is set once, before, and c must outlive its use).
const Catalog& active_catalog();
void set_active_catalog(const Catalog& c);

// The names of the {name} placeholders of text, in order of appearance; a
// plural choice {name|one|other} counts as name.
std::vector<std::string> placeholders(std::string_view text);

// The sentence of m: its text with each {name} replaced by the argument of
// that name, and each {name|one|other} by one when that argument is "1",
// else by other (English "{count} {count|address|addresses}"; a language
// without plural forms writes the word alone). One pass, and an argument's value is copied as is,
// never scanned for placeholders, so the work is bounded by the text and the arguments' sizes. A
// key the catalog lacks renders as the key and its arguments, so nothing is lost (a test keeps
// every key in the catalog).
std::string render(const Message& m, const Catalog& c);
std::string render(const Message& m); // with the active catalog
// Writes render(m): a parameter's help, say, in the language of the command.
std::ostream& operator<<(std::ostream& out, const Message& m);

// Why m cannot be rendered as meant: "" when its key is in the catalog and
// every placeholder of the text has an argument.
std::string message_problem(const Message& m, const Catalog& c);

// An argument's value: text as is, or a whole number written in digits
// with no grouping and no plural (the texts are phrased so that a number
// needs no plural form: "files: {count}"), the same in every language.
struct MessageArg {
    std::string text;
    MessageArg(std::string s) : text(std::move(s)) {}
    MessageArg(const char* s) : text(s) {}
    MessageArg(std::string_view s) : text(s) {}
    template <std::integral N>
    requires(!std::same_as<N, bool> && !std::same_as<N, char>) MessageArg(N n)
        : text(std::to_string(n)) {}
};

// A message value: msg("connect.refused", {{"host", h}, {"port", p}}).
Message msg(std::string key, std::vector<std::pair<std::string, MessageArg>> args = {});
// A message given as an argument of another: rendered with the active
// catalog, so a line made of parts is in one language.
MessageArg part(const Message& m);

// Sets r's message and its summary rendered from it: the one place a
// probe's sentence is made from a key.
void set_message(ProbeResult& r, Message m);
// Adds an evidence line rendered from m (evidence stays text, rendered when
// the result is made, with the active catalog).
void add_evidence(ProbeResult& r, const Message& m);
std::string evidence_line(const Message& m);
// The verdict with its message (set_message).
ProbeResult make_result(Status s, Reason why, Message m);

} // namespace pf
