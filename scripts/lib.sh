# Shared helpers for the project's scripts. Sourced, never run.
say() { printf '[dockerops setup] %s\n' "$*" >&2; }
die() { printf '[dockerops setup] error: %s\n' "$*" >&2; exit 1; }
# A step's time: t0=$(now) ... elapsed "$t0" -> "12.3 s".
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# The engine address the docker CLI would use: DOCKER_HOST, else the default socket.
engine_host() { printf '%s' "${DOCKER_HOST:-unix:///var/run/docker.sock}"; }

# True when an engine answers /_ping at engine_host.
engine_answers() {
  local host; host=$(engine_host)
  case "$host" in
    unix://*)
      local sock=${host#unix://}
      [ -S "$sock" ] || return 1
      curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1 ;;
    tcp://*)
      local hp=${host#tcp://} scheme=http args=()
      if [ -n "${DOCKER_TLS_VERIFY:-}" ]; then
        local d=${DOCKER_CERT_PATH:-$HOME/.docker}
        scheme=https; args=(--cacert "$d/ca.pem" --cert "$d/cert.pem" --key "$d/key.pem")
      fi
      curl -fsS --max-time 3 "${args[@]}" "$scheme://$hp/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

# The first Debian mirror URI from the machine's apt sources (deb822 or one-line format).
# Read at run time: no mirror host name is ever written into the repository.
apt_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822: stanzas separated by blank lines; take the first "deb" stanza
    # whose suites are not a security suite.
    uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
      { types = ""; uris = ""; suites = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/)  types = $i
          if ($i ~ /^URIs:/)   { split($i, a, /[ \t]+/); uris = a[2] }
          if ($i ~ /^Suites:/) suites = $i
        }
        if (types ~ /deb( |$)/ && suites !~ /security/ && uris != "") { print uris; exit } }' "$f")
    [ -n "$uri" ] && { printf '%s' "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {
        for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; exit } }' "$f" | head -n1)
    [ -n "$uri" ] && { printf '%s' "$uri"; return 0; }
  done
  return 1
}

# A clean Debian root in DIR: debootstrap --variant=minbase of this machine's
# suite from its apt mirror, made once and kept pristine as a tar file in
# /var/cache/dockerops/, unpacked afresh for every caller. Needs root.
#   clean_root DIR    (DIR must not exist)
clean_root() {
  local dir=$1 suite cache mirror tmp t0
  suite=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-bookworm}")
  cache=/var/cache/dockerops/minbase-$suite.tar
  if [ ! -f "$cache" ]; then
    t0=$(now)
    mirror=$(apt_mirror) || die "no Debian mirror in /etc/apt/sources.list*: cannot debootstrap a clean root"
    tmp=$(mktemp -d /var/tmp/dockerops-minbase.XXXXXX)
    debootstrap --variant=minbase "$suite" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1 \
      || { tail -n 20 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; die "debootstrap of a clean root failed"; }
    mkdir -p "$(dirname "$cache")"
    tar -C "$tmp/root" -cf "$cache.$$" . && mv "$cache.$$" "$cache"
    rm -rf "$tmp"
    say "clean root: debootstrap --variant=minbase $suite in $(elapsed "$t0"), kept as $cache"
  fi
  mkdir "$dir"
  tar -C "$dir" -xf "$cache"
}

# grep that reads all of its input: `producer | grep -q` stops at the first
# match, so a producer still writing gets SIGPIPE, and under pipefail the
# pipeline fails (or, after `&& fail`, a match is hidden). Use grep_all in pipes.
grep_all() { grep "$@" >/dev/null; }
