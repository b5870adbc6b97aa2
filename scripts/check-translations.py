#!/usr/bin/env python3
"""Every text of every built-in checklist has its Japanese translation, where
checklists/README.md puts it.

A Japanese-reading admin must be able to act on every check (issue 14), so for
each checklists/*.xml (or the files given after the source folder):
- the checklist: <title xml:lang="ja"> as its first element, and
  <description xml:lang="ja"> right after the English <description>;
- each param: <description xml:lang="ja">, and <hint xml:lang="ja"> exactly
  when the English has a hint;
- each service, section and check: <title xml:lang="ja"> as the first element; a check's
  <requirement xml:lang="ja"> and <fix xml:lang="ja"> right after the English.
A translation must hold Japanese (kana or kanji), must not repeat the English,
and must keep what an admin types or reads off the screen unchanged: every
${parameter}, --option and number of the English text appears in it.
Problems are printed as file:line: message; the exit status is 1 if any.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET
import xml.parsers.expat

LANG = "xml:lang"  # expat without namespace processing keeps the prefix
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Kept verbatim in a translation: parameter references, command-line options
# and numbers (ports, sizes, user counts). Digits inside a name (ENS2, SHA-1,
# v2) belong to the name and are not checked.
KEPT = re.compile(
    r"\$\{[A-Za-z0-9_]+\}"  # ${parameter}
    r"|(?<![\w-])--[a-z][a-z-]*"  # --option
    r"|(?<![\w.,-])\d[\d,.]*\d(?!\w)"  # 443, 10,000, 2.0
    r"|(?<![\w.,-])\d(?![\w.,])"  # 1 GB, but not the step number "1."
)


class Node(ET.Element):
    """An element that knows its line."""


def parse(path):
    """The tree, with each element's line in .line (expat knows it)."""
    parser = xml.parsers.expat.ParserCreate()
    stack, root = [], []

    def start(tag, attrs):
        e = Node(tag, attrs)
        e.line = parser.CurrentLineNumber
        if stack:
            stack[-1].append(e)
        else:
            root.append(e)
        stack.append(e)

    def end(tag):
        stack.pop()

    def data(t):
        e = stack[-1]
        if len(e):
            e[-1].tail = (e[-1].tail or "") + t
        else:
            e.text = (e.text or "") + t

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = data
    with open(path, "rb") as f:
        parser.Parse(f.read(), True)
    return root[0]


def text(e):
    return " ".join((e.text or "").split()) if e is not None else ""


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []

    def fail(self, element, message):
        self.problems.append(f"{self.path}:{element.line}: {message}")

    def compare(self, where, english, ja):
        """ja (an element) translates english (a string) well enough to act on."""
        t = text(ja)
        if not t:
            self.fail(ja, f"{where}: the Japanese text is empty")
            return
        if t == " ".join(english.split()):
            self.fail(ja, f"{where}: the Japanese text repeats the English")
        if not JAPANESE.search(t):
            self.fail(ja, f"{where}: the Japanese text holds no Japanese")
        for token in dict.fromkeys(KEPT.findall(english)):
            if token not in t:
                self.fail(ja, f"{where}: '{token}' of the English is missing from the Japanese")

    def first_is_title(self, where, e):
        kids = list(e)
        if not kids or kids[0].tag != "title" or kids[0].get(LANG) != "ja":
            self.fail(e, f'{where} needs <title xml:lang="ja"> as its first element')
            return
        self.compare(where + " title", e.get("title", ""), kids[0])

    def after(self, where, e, tag):
        """The English <tag> of e followed by its Japanese one."""
        kids = list(e)
        for i, k in enumerate(kids):
            if k.tag == tag and k.get(LANG) is None:
                nxt = kids[i + 1] if i + 1 < len(kids) else None
                if nxt is None or nxt.tag != tag or nxt.get(LANG) != "ja":
                    self.fail(k, f'{where} needs <{tag} xml:lang="ja"> right after <{tag}>')
                else:
                    self.compare(f"{where} {tag}", k.text or "", nxt)
                return
        self.fail(e, f"{where} has no English <{tag}>")

    def child_ja(self, where, e, tag, english):
        found = [k for k in e if k.tag == tag and k.get(LANG) == "ja"]
        if english and not found:
            self.fail(e, f'{where} needs <{tag} xml:lang="ja">')
        elif not english and found:
            self.fail(found[0], f"{where} has a Japanese {tag} but no English one")
        elif found:
            self.compare(f"{where} {tag}", english, found[0])

    def run(self):
        root = parse(self.path)
        self.first_is_title("checklist", root)
        self.after("checklist", root, "description")
        for p in root.iter("param"):
            where = f"param '{p.get('name')}'"
            self.child_ja(where, p, "description", p.get("description", ""))
            self.child_ja(where, p, "hint", p.get("hint", ""))
        for sv in root.iter("service"):
            self.first_is_title(f"service '{sv.get('id')}'", sv)
        for s in root.iter("section"):
            self.first_is_title(f"section '{s.get('id')}'", s)
            for c in s.iter("check"):
                where = f"check '{c.get('id')}'"
                self.first_is_title(where, c)
                self.after(where, c, "requirement")
                self.after(where, c, "fix")
        return self.problems


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "."
    files = sys.argv[2:] or sorted(glob.glob(os.path.join(source, "checklists", "*.xml")))
    if not files:
        print("no checklists found", file=sys.stderr)
        return 1
    problems = []
    for f in files:
        problems += Checker(f).run()
    for p in problems:
        print(p)
    print(f"{len(files)} checklists, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
