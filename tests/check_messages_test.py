#!/usr/bin/env python3
"""scripts/check-messages.py against small trees: a translation that lacks a
key, has an extra one or other placeholders fails; a complete one, with a
plural choice where English has one, passes."""
import os
import subprocess
import sys
import tempfile

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "check-messages.py")
EN = "a.one = {host} has {count} {count|address|addresses}\na.two = port {port}\n"
CODE = 'msg("a.one", {{"host", h}, {"count", n}}); msg("a.two", {{"port", p}});\n'


def check(ja, reasons=None, en=EN):
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "base", "messages"))
        with open(os.path.join(root, "base", "messages", "en.txt"), "w", encoding="utf-8") as f:
            f.write(en)
        if ja is not None:
            with open(os.path.join(root, "base", "messages", "ja.txt"), "w", encoding="utf-8") as f:
                f.write(ja)
        with open(os.path.join(root, "base", "x.cpp"), "w", encoding="utf-8") as f:
            f.write(CODE)
        if reasons is not None:
            with open(os.path.join(root, "base", "reason.hpp"), "w", encoding="utf-8") as f:
                f.write(reasons)
        r = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True)
        return r.returncode, r.stdout


def main():
    failures = []

    def expect(ja, code, text):
        got_code, out = check(ja)
        if got_code != code or text not in out:
            failures.append("ja=%r: exit %d, output %r; expected exit %d with %r" % (ja, got_code, out, code, text))

    expect(None, 0, "")
    expect("a.one = {host} のアドレス {count} 個\na.two = ポート {port}\n", 0, "")
    expect("a.one = {host} のアドレス {count} 個\n", 1, "base/messages/ja.txt: key 'a.two' (en.txt:2) is missing")
    expect(
        "a.one = {host} のアドレス {count} 個\na.two = ポート {port}\na.three = x\n",
        1,
        "base/messages/ja.txt:3: key 'a.three' is not in en.txt",
    )
    expect(
        "a.one = {host} のアドレス 個\na.two = ポート {port}\n",
        1,
        "base/messages/ja.txt:1: key 'a.one' has the placeholders {host}, en.txt has {count, host}",
    )
    # reason.<code> keys are made in code: one per code of base/reason.hpp.
    reasons = '// X(code, meaning)\n#define PF_REASONS(X) \\\n    X(ok, "met") \\\n    X(refused, "no")\n'
    for ja, en, code, text in [
        (None, EN + "reason.ok = met\nreason.refused = no\n", 0, ""),
        (None, EN + "reason.ok = met\n", 1, "reason code 'refused' has no key reason.refused"),
        ("a.one = {host} のアドレス {count} 個\na.two = ポート {port}\nreason.ok = 満たす\n",
         EN + "reason.ok = met\nreason.refused = no\n", 1, "key 'reason.refused' (en.txt:4) is missing"),
    ]:
        got_code, out = check(ja, reasons, en)
        if got_code != code or text not in out:
            failures.append("reasons, en=%r: exit %d, output %r; expected exit %d with %r" % (en, got_code, out, code, text))
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
