#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema with python3-jsonschema.

usage: validate_json.py SCHEMA FILE...
Exit 0 when every file is valid; 1 with each error (file, path, message)."""
import json
import sys

import jsonschema


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for name in argv[2:]:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        for e in validator.iter_errors(doc):
            bad += 1
            path = "/".join(str(p) for p in e.absolute_path)
            print(f"{name}: /{path}: {e.message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
