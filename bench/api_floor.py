#!/usr/bin/env python3
"""The Engine API floor: the calls dockerops makes, made directly by WORKERS
concurrent clients over the unix socket, nothing else.

  api_floor.py up NAME N IMAGE      network, then N containers created and started (8 at a time)
  api_floor.py one NAME IMAGE       one container created and started (the network exists)
  api_floor.py down NAME            every container labelled NAME stopped and removed, then the network
  api_floor.py stop NAME IMAGE INIT one `sleep 3600` container (init 1 or 0) started, then timed: its stop
Prints the seconds the calls took."""
import http.client
import json
import socket
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

SOCK = "/var/run/docker.sock"
API = "/v1.41"
WORKERS = 8


class UnixConnection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=120)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(SOCK)


def call(method, path, body=None, conn=None):
    c = conn or UnixConnection()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    c.request(method, API + path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    if r.status >= 300 and r.status != 304:
        raise SystemExit(f"{method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None


def create_start(name, project, image, index):
    c = UnixConnection()
    spec = {"Image": image, "Cmd": ["sleep", "3600"], "Labels": {"bench.floor": project},
            "HostConfig": {"Init": True, "NetworkMode": project}}
    cid = call("POST", f"/containers/create?name={name}", spec, c)["Id"]
    call("POST", f"/containers/{cid}/start", None, c)
    return cid


def up(project, n, image):
    t0 = time.monotonic()
    call("POST", "/networks/create", {"Name": project, "Labels": {"bench.floor": project}})
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda i: create_start(f"{project}-app-{i}", project, image, i), range(n)))
    return time.monotonic() - t0


def one(project, image):
    t0 = time.monotonic()
    create_start(f"{project}-one-{int(t0 * 1000)}", project, image, 0)
    return time.monotonic() - t0


def down(project):
    t0 = time.monotonic()
    flt = json.dumps({"label": [f"bench.floor={project}"]})
    ids = [c["Id"] for c in call("GET", "/containers/json?all=1&filters=" + urllib.parse.quote(flt))]

    def stop_remove(cid):
        c = UnixConnection()
        call("POST", f"/containers/{cid}/stop?t=10", None, c)
        call("DELETE", f"/containers/{cid}", None, c)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(stop_remove, ids))
    call("DELETE", f"/networks/{project}")
    return time.monotonic() - t0


def stop(project, image, init):
    """What a stop costs for a process with no SIGTERM handler: as PID 1 the
    kernel drops the signal and the stop waits out its 10 s grace; under init
    (docker-init, dockerops's default) the process is PID 2 and dies at once."""
    spec = {"Image": image, "Cmd": ["sleep", "3600"], "Labels": {"bench.floor": project},
            "HostConfig": {"Init": init}}
    cid = call("POST", f"/containers/create?name={project}-stop-{int(init)}", spec)["Id"]
    try:
        call("POST", f"/containers/{cid}/start")
        time.sleep(0.3)
        t0 = time.monotonic()
        call("POST", f"/containers/{cid}/stop?t=10")
        return time.monotonic() - t0
    finally:
        call("DELETE", f"/containers/{cid}?force=1")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "up":
        print(f"{up(sys.argv[2], int(sys.argv[3]), sys.argv[4]):.3f}")
    elif what == "one":
        print(f"{one(sys.argv[2], sys.argv[3]):.3f}")
    elif what == "down":
        print(f"{down(sys.argv[2]):.3f}")
    elif what == "stop":
        print(f"{stop(sys.argv[2], sys.argv[3], sys.argv[4] == '1'):.3f}")
    else:
        raise SystemExit(__doc__)
