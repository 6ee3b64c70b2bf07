#!/usr/bin/python3
"""Keeps schemas/dockerops.schema.json in step with the loader.

Every example and every fixture in tests/fixtures/schema goes through both
`dockerops validate` and the JSON Schema. A fixture's first line says what each
must answer:  '# expect: valid'  |  '# expect: invalid schema-invalid'  |
'# expect: invalid schema-valid' (a problem only the loader can see: files,
cross references). Valid files must pass both; invalid ones must fail the loader,
and the schema exactly as stated.
"""
import json
import pathlib
import subprocess
import sys
import tomllib

import jsonschema

dockerops, source = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
schema = json.loads((source / "schemas/dockerops.schema.json").read_text())
validator = jsonschema.Draft202012Validator(schema)
jsonschema.Draft202012Validator.check_schema(schema)

def schema_accepts(path):
    try:
        doc = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError:
        return False
    return not list(validator.iter_errors(doc))

def loader_accepts(path):
    r = subprocess.run([str(dockerops), "validate", "-f", str(path)], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{path}: validate exited {r.returncode}: {r.stderr}")
    if r.returncode == 1 and not r.stderr.strip():
        raise SystemExit(f"{path}: validate failed without saying why")
    return r.returncode == 0

failures, checked = [], 0
cases = [(p, "valid") for p in sorted(source.glob("examples/*/dockerops.toml"))]
for p in sorted((source / "tests/fixtures/schema").glob("*.toml")):
    first = p.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{p}: first line must say what to expect"
    cases.append((p, first[len("# expect: "):].strip()))

for path, expect in cases:
    checked += 1
    want_loader = expect == "valid"
    want_schema = expect == "valid" or expect.endswith("schema-valid")
    got_loader, got_schema = loader_accepts(path), schema_accepts(path)
    if got_loader != want_loader:
        failures.append(f"{path.name}: loader {'accepts' if got_loader else 'rejects'}, expected otherwise")
    if got_schema != want_schema:
        failures.append(f"{path.name}: schema {'accepts' if got_schema else 'rejects'}, expected otherwise")

for f in failures:
    print("FAIL", f)
print(f"{checked - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
