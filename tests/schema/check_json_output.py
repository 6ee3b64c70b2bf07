#!/usr/bin/python3
"""check_json_output.py SOURCE SCHEMA FILE [--lines]: FILE (a command's stdout)
must parse as JSON -- or with --lines as JSON Lines, at least one line -- and
every document must match schemas/SCHEMA. Prints what does not."""
import json
import pathlib
import sys

import jsonschema

source, schema_name, path = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
lines = "--lines" in sys.argv[4:]
schema = json.loads((source / "schemas" / schema_name).read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
text = path.read_text()
docs = []
try:
    if lines:
        docs = [json.loads(line) for line in text.splitlines()]
        if not docs:
            raise ValueError("no line")
    else:
        docs = [json.loads(text)]
except ValueError as e:
    print(f"{path}: not {'JSON Lines' if lines else 'JSON'}: {e}\n{text[:2000]}")
    sys.exit(1)
bad = 0
for i, doc in enumerate(docs, 1):
    for err in validator.iter_errors(doc):
        bad += 1
        print(f"{path}: document {i}: {err.message} at {list(err.absolute_path)}")
sys.exit(1 if bad else 0)
