#!/usr/bin/python3
"""Validates plan JSON (a file, or stdin) against schemas/plan.schema.json."""
import json, pathlib, sys
import jsonschema
schema = json.loads((pathlib.Path(sys.argv[1]) / "schemas/plan.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.loads(open(sys.argv[2]).read() if len(sys.argv) > 2 else sys.stdin.read())
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
for e in errors:
    print("plan schema:", "/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
