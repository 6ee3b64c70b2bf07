#!/usr/bin/env python3
"""The house rules, checked (a CTest test and `scripts/check_structure.py`):

1. Layers, lowest first: util < engine/model < engine/config < engine/desired
   < planner < engine/apply < providers < cli/ops < cli. No file includes a
   layer above its own.
2. Only one file of cli/ names a concrete provider (docker or swarm: the
   composition root); the others see the Provider interface. A provider
   includes another provider's public header only (swarm builds on docker's
   `docker.hpp`, never on its internals).
3. No source file over 700 lines.
4. No function over 80 lines in any layer (measured with Universal Ctags' end
   lines; lambdas count as part of their function).
Prints each breach and exits 1 when there is one."""
import os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = ["util", "engine/model", "engine/config", "engine/desired", "planner", "engine/apply", "providers", "cli/ops", "cli"]
SOURCE_DIRS = LAYERS + ["tests", "fuzz", "bench"]
MAX_FILE_LINES = 700
MAX_FUNCTION_LINES = 80
FUNCTION_DIRS = ["util", "engine", "planner", "providers", "cli"]
# What one provider may include of another: its public face.
PROVIDER_PUBLIC = {"providers/docker/docker.hpp", "providers/docker/engine_json.hpp"}
COMPOSITION_ROOT = "cli/provider.cpp"


def layer_of(path):
    best = None
    for i, layer in enumerate(LAYERS):
        if path == layer or path.startswith(layer + "/"):
            if best is None or len(LAYERS[best]) < len(layer):
                best = i
    return best


def sources():
    out = []
    for top in SOURCE_DIRS:
        base = os.path.join(ROOT, top)
        if not os.path.isdir(base):
            continue
        for dirpath, dirs, files in os.walk(base):
            dirs[:] = [d for d in dirs if d not in ("corpus",)]
            for f in files:
                if f.endswith((".cpp", ".hpp")):
                    out.append(os.path.relpath(os.path.join(dirpath, f), ROOT))
    return sorted(out)


def main():
    breaches = []
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for path in sources():
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        if len(lines) - 1 > MAX_FILE_LINES:
            breaches.append(f"{path}: {len(lines) - 1} lines (at most {MAX_FILE_LINES})")
        mine = layer_of(path)
        for n, line in enumerate(lines, 1):
            m = include.match(line)
            if not m:
                continue
            theirs = layer_of(m.group(1))
            if mine is not None and theirs is not None and theirs > mine:
                breaches.append(f"{path}:{n}: includes {m.group(1)} ({LAYERS[theirs]} is above {LAYERS[mine]})")
            inc = m.group(1)
            if path.startswith("providers/") and inc.startswith("providers/"):
                own, other = path.split("/")[1], inc.split("/")[1]
                if own != other and inc not in PROVIDER_PUBLIC:
                    breaches.append(f"{path}:{n}: includes {inc}, an internal header of providers/{other} (only {', '.join(sorted(PROVIDER_PUBLIC))})")
        if path.startswith("cli/") and path != COMPOSITION_ROOT:
            text = "\n".join(lines)
            if re.search(r"providers/(docker|swarm)/", text) or re.search(r"\b(docker|swarm)::", text):
                breaches.append(f"{path}: names a concrete provider (only {COMPOSITION_ROOT} may)")
    for top in FUNCTION_DIRS:
        files = [p for p in sources() if p.startswith(top + "/") and p.endswith(".cpp")]
        if not files:
            continue
        out = subprocess.run(["ctags", "--fields=+ne", "--c++-kinds=f", "-o", "-"] + files, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        for row in out.splitlines():
            cols = row.split("\t")
            fields = dict(c.split(":", 1) for c in cols[3:] if ":" in c)
            if "line" not in fields or "end" not in fields:
                continue
            length = int(fields["end"]) - int(fields["line"]) + 1
            if length > MAX_FUNCTION_LINES and not cols[0].startswith("__anon"):
                breaches.append(f"{cols[1]}:{fields['line']}: {cols[0]} is {length} lines (at most {MAX_FUNCTION_LINES})")
    for b in breaches:
        print(b)
    print(f"{len(sources())} files checked: " + (f"{len(breaches)} breaches" if breaches else "the house rules hold"))
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
