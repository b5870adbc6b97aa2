#!/usr/bin/env python3
"""The structure drawing of the sources, checked.

Reads every #include "folder/..." in the product folders and fails when one
points from a lower layer to a higher one, or when folders (probes/web,
probes/tls, ...) include each other in a cycle. With --dot, prints the folder
graph for Graphviz. The layer order is the one CMakeLists.txt builds.
"""
import os
import re
import sys

# Each layer and the layers it may include (CMakeLists.txt: LAYER_BELOW_*).
ALLOWED = {
    "base": set(),
    "hardware": {"base"},
    "core": {"base", "hardware"},
    "pki": {"base", "hardware", "core"},
    "net": {"base", "hardware", "core", "pki"},
    "probes": {"base", "hardware", "core", "pki", "net"},
    "reports": {"base", "hardware", "core"},
    "app": {"base", "hardware", "core", "pki", "net", "probes", "reports"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+(?:/[a-z_]+)*)/[^"/]+"')


def folder_edges(root):
    edges = {}  # (from folder, to folder) -> first "file:line"
    for layer in ALLOWED:
        for dirpath, _, files in os.walk(os.path.join(root, layer)):
            for name in files:
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                src = os.path.dirname(rel)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and m.group(1) != src:
                            edges.setdefault((src, m.group(1)), f"{rel}:{n}")
    return edges


def find_cycle(edges):
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    args = sys.argv[1:]
    dot = "--dot" in args
    args = [a for a in args if a != "--dot"]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..")
    edges = folder_edges(root)
    if dot:
        print("digraph preflight {")
        for a, b in sorted(edges):
            print(f'  "{a}" -> "{b}";')
        print("}")
        return 0
    problems = []
    for (a, b), where in sorted(edges.items()):
        la, lb = a.split("/")[0], b.split("/")[0]
        if lb not in ALLOWED:
            problems.append(f"{where}: includes {b}/, which is no layer")
        elif la != lb and lb not in ALLOWED[la]:
            problems.append(f"{where}: {la}/ includes {lb}/, a layer above it")
    cycle = find_cycle(edges)
    if cycle:
        steps = " -> ".join(cycle)
        problems.append(f"folders include each other in a cycle: {steps} "
                        f"(first: {edges[(cycle[0], cycle[1])]})")
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(edges)} folder dependencies, all downward, no cycle")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
