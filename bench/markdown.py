#!/usr/bin/python3
"""Prints a results file of bench/run.sh as the Markdown table of README.md's
"Benchmark" section, with the machine it came from:
    python3 bench/markdown.py [bench/results.json]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import table  # noqa: E402


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results.json"
    with open(path) as f:
        data = json.load(f)
    m = data["machine"]
    print(f"Machine: {m['nproc']} cores ({m['cpu_model']}), Linux {m['kernel']}, {m['date']}, "
          f"load average {m.get('load_average', '?')} at the start; {data['mode']} run.\n")
    head, lines = table(data["rows"])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for line in lines:
        print("| " + " | ".join(c.replace("|", "\\|") for c in line) + " |")
    for n in data["notes"]:
        print(f"\nNote: {n}")


if __name__ == "__main__":
    main()
