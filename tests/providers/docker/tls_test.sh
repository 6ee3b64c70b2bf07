#!/usr/bin/env bash
# An engine reached over TCP with TLS and client certificates: socat terminates
# TLS on a loopback port (requiring a client certificate signed by our CA) in
# front of the engine's socket. Certificates are made here with openssl.
set -euo pipefail
engine_tests=$1
sock=/var/run/docker.sock
[ -S "$sock" ] || { echo "no engine socket at $sock"; exit 1; }
dir=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
cd "$dir"

ca() {   # ca NAME
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$1-key.pem" -out "$1.pem" 2>/dev/null
}
signed() {   # signed NAME CA EXT
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
ca ca
signed server ca "subjectAltName=IP:127.0.0.1"
signed client ca "extendedKeyUsage=clientAuth"
mkdir -p certs certs/other
cp ca.pem certs/ca.pem; cp client.pem certs/cert.pem; cp client-key.pem certs/key.pem
# A client certificate from another CA, which the terminator must refuse.
ca rogue
signed intruder rogue "extendedKeyUsage=clientAuth"
cp ca.pem certs/other/ca.pem; cp intruder.pem certs/other/cert.pem; cp intruder-key.pem certs/other/key.pem

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
socat "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,cert=server.pem,key=server-key.pem,cafile=ca.pem,verify=1" \
  "UNIX-CONNECT:$sock" 2>socat.log &
pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

DOCKER_HOST="tcp://127.0.0.1:$port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$dir/certs" \
  "$engine_tests" "[tls]" --warn NoTests
