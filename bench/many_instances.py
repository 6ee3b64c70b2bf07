#!/usr/bin/env python3
"""The many-instance file of bench/run.sh and bench/scale.sh: one container,
N instances, every tenth without a link, the others linked to the one before.
  many_instances.py DIR PROJECT N IMAGE   (writes DIR/dockerops.toml and the container's Dockerfile)"""
import os
import sys

folder, name, n, image = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.makedirs(os.path.join(folder, "containers", "web"), exist_ok=True)
with open(os.path.join(folder, "containers", "web", "Dockerfile"), "w") as f:
    f.write(f"FROM {image}\n")
out = [f'[project]\nname = "{name}"\n[containers.web]\n']
for i in range(n):
    link = f'links = ["web-n{i - 1}:PREV"]\n' if i % 10 else ''
    out.append(f'[[instances]]\ncontainer = "web"\nname = "n{i}"\n{link}')
with open(os.path.join(folder, "dockerops.toml"), "w") as f:
    f.write("".join(out))
