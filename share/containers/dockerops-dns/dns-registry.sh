#!/bin/bash
# One registration per connection (socat runs one of these each):
#   add NAME ADDRESS   ->  NAME.<zone> (and NAME) answer ADDRESS, and the reverse
#   del NAME           ->  the record is gone
# dnsmasq re-reads the hosts file on SIGHUP.
set -u
hosts=/etc/dockerops-dns/hosts
zone=$(cat /etc/dockerops-dns/zone 2>/dev/null || echo local.zone)
read -r -t 10 verb name address || { echo "error: no request"; exit 0; }
address=${address%$'\r'}; name=${name%$'\r'}
valid_name='^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
[[ "$name" =~ $valid_name ]] || { echo "error: bad name"; exit 0; }
exec 9>"$hosts.lock"
flock 9
case "$verb" in
  add)
    [[ "$address" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "error: bad address"; exit 0; }
    grep -v " $name\.$zone " "$hosts" > "$hosts.new" || true
    echo "$address $name.$zone $name" >> "$hosts.new" ;;
  del)
    grep -v " $name\.$zone " "$hosts" > "$hosts.new" || true ;;
  *) echo "error: unknown request"; exit 0 ;;
esac
mv "$hosts.new" "$hosts"
pkill -HUP -x dnsmasq || true
echo ok
