#!/usr/bin/env python3
"""Every message key the product uses is in the English catalog, and every
placeholder of its text gets an argument at each use; every other catalog
(base/messages/<language>.txt) has exactly the keys of the English one, each
with the same placeholders.

Reads base/messages/en.txt and every msg("key", {{"name", value}, ...}) call
in the product folders: a call whose key is not a string literal, a key
missing from the catalog, or a {placeholder}
of the key's text with no argument of that name in the call, fails with the
file and line of the call. A key of the catalog that no code uses is
reported too (dead wording drifts).

One family of keys is made in code rather than written at a call: the meaning
of each reason code, reason.<code> (base/reason_text.cpp), for every X(code,
...) of base/reason.hpp. A code without its key fails; the keys count as used.
"""
import os
import re
import sys

FOLDERS = ["base", "hardware", "core", "pki", "net", "probes", "reports", "app"]
CALL = re.compile(r'\bmsg\(\s*"([a-z0-9_.]+)"')
# A call whose key is not a string literal ("msg(cond ? \"a\" : \"b\")") hides
# its keys from this check; the declarations of msg itself are not calls.
ANY_CALL = re.compile(r'\bmsg\((?!\s*")(?!std::string key)')
ARG = re.compile(r'\{\s*"([a-z0-9_]+)"\s*,')
# {name}, or the plural choice {name|one|other} (base/catalog.hpp).
PLACEHOLDER = re.compile(r"\{([a-z0-9_]{1,32})(?:\|[^{}|]{0,64}\|[^{}|]{0,64})?\}")
# An entry of the PF_REASONS list: X(code, "meaning").
REASON = re.compile(r"\bX\(([a-z0-9_]+),")


def reason_codes(root):
    """The codes of base/reason.hpp's X-macro list (none in a tree without it)."""
    path = os.path.join(root, "base", "reason.hpp")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        source = f.read()
    # The list starts at its #define; the comment above it shows X(code, meaning).
    return REASON.findall(source[source.find("#define PF_REASONS") :])


def catalog(path):
    entries = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, text = line.partition("=")
            entries[key.strip()] = (text.strip(), n)
    return entries


def call_text(source, start):
    """The text of the call opening at start, up to its closing parenthesis."""
    depth, i, quote = 0, start, None
    while i < len(source):
        c = source[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return source[start : i + 1]
        i += 1
    return source[start:]


def translation_problems(root, en):
    """Keys and placeholders of each translation against the English file."""
    problems = []
    folder = os.path.join(root, "base", "messages")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".txt") or name == "en.txt":
            continue
        rel = "base/messages/" + name
        other = catalog(os.path.join(folder, name))
        for key, (_, line) in sorted(en.items()):
            if key not in other:
                problems.append("%s: key '%s' (en.txt:%d) is missing" % (rel, key, line))
        for key, (text, line) in sorted(other.items()):
            if key not in en:
                problems.append("%s:%d: key '%s' is not in en.txt" % (rel, line, key))
                continue
            want, got = set(PLACEHOLDER.findall(en[key][0])), set(PLACEHOLDER.findall(text))
            if want != got:
                problems.append(
                    "%s:%d: key '%s' has the placeholders {%s}, en.txt has {%s}"
                    % (rel, line, key, ", ".join(sorted(got)), ", ".join(sorted(want)))
                )
    return problems


def main(root):
    en = catalog(os.path.join(root, "base", "messages", "en.txt"))
    problems, used = [], set()
    for folder in FOLDERS:
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    source = f.read()
                for m in ANY_CALL.finditer(source):
                    where = "%s:%d" % (os.path.relpath(path, root), source.count("\n", 0, m.start()) + 1)
                    problems.append("%s: the message key is not a string literal" % where)
                for m in CALL.finditer(source):
                    key = m.group(1)
                    where = "%s:%d" % (os.path.relpath(path, root), source.count("\n", 0, m.start()) + 1)
                    used.add(key)
                    if key not in en:
                        problems.append("%s: message key '%s' is not in base/messages/en.txt" % (where, key))
                        continue
                    call = call_text(source, source.index("(", m.start()))
                    given = set(ARG.findall(call))
                    for p in PLACEHOLDER.findall(en[key][0]):
                        if p not in given:
                            problems.append("%s: message '%s' has no argument for {%s}" % (where, key, p))
    for code in reason_codes(root):
        used.add("reason." + code)
        if "reason." + code not in en:
            problems.append("base/reason.hpp: reason code '%s' has no key reason.%s in en.txt" % (code, code))
    for key, (_, line) in sorted(en.items()):
        if key not in used:
            problems.append("base/messages/en.txt:%d: key '%s' is used nowhere" % (line, key))
    problems += translation_problems(root, en)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
