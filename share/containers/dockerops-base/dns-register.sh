#!/bin/bash
# Registers this instance with the project's DNS (dockerops-dns) while it
# runs: <container>-<instance> -> its address, removed again when supervisord
# stops it (the instance stops). The DNS is the instance linked as DNS (the
# seed wrote "dns"), or DNS_CONTAINER_IP as set; with neither, nothing to do.
dns=${DNS_CONTAINER_IP:-${dns_CONTAINER_IP:-}}
[ -n "$dns" ] || exit 0
name=$(printf '%s-%s' "${CONTAINER:-$(hostname)}" "${INSTANCE:-}" | tr 'A-Z_' 'a-z-' | sed 's/-$//')
address=$(hostname -i | awk '{print $1}')
say() {   # say REQUEST: one request, one answer
  local reply
  exec 3<>"/dev/tcp/$dns/5380" || return 1
  printf '%s\n' "$1" >&3
  read -r -t 5 reply <&3
  exec 3<&- 3>&-
  [ "$reply" = ok ]
}
for _ in $(seq 1 60); do
  say "add $name $address" && break
  sleep 1
done || { echo "dns-register: the DNS at $dns did not take $name" >&2; exit 1; }
echo "dns-register: $name -> $address at $dns"
trap 'say "del $name"; exit 0' TERM INT
sleep infinity &
wait
