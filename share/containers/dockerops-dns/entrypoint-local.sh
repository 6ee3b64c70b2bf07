#!/bin/bash
# dockerops-dns start-up: the zone and an empty registry (a restarted DNS
# starts clean; instances register again when they start).
set -e
zone=${DNS_ZONE:-local.zone}
: > /etc/dockerops-dns/hosts
cat > /etc/dockerops-dns/dnsmasq.conf <<CONF
# Written at start by /entrypoint-local.sh.
keep-in-foreground
user=root
log-facility=-
domain=$zone
local=/$zone/
addn-hosts=/etc/dockerops-dns/hosts
no-hosts
CONF
echo "$zone" > /etc/dockerops-dns/zone
