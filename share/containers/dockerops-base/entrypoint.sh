#!/bin/bash
# The base container's entrypoint. Runs as root at every start.
set -e

# 1. The container's environment, for login shells (ssh sessions start clean).
env | grep -vE '^(HOME|HOSTNAME|PWD|SHLVL|TERM|_|PATH)=' | while IFS='=' read -r k v; do
  printf 'export %s=%q\n' "$k" "$v"
done > /etc/profile.d/dockerops-env.sh

# A persistent /var/log starts empty: supervisord needs its folder.
mkdir -p /var/log/supervisor /run/sshd

# 2. Host keys, made per container (none is ever in the image).
ssh-keygen -A >/dev/null 2>&1

# 3. The project's key pair, mounted read-only by dockerops at run time: the
#    public half lets `dockerops ssh` in, the private half lets one instance
#    ssh into another.
keys=/run/dockerops/ssh
home=/home/dockerops
if [ -d "$keys" ]; then
  for pub in "$keys"/*.pub; do
    [ -f "$pub" ] || continue
    install -m 0600 -o dockerops -g dockerops "$pub" "$home/.ssh/authorized_keys"
    priv="${pub%.pub}"
    if [ -f "$priv" ]; then
      install -m 0600 -o dockerops -g dockerops "$priv" "$home/.ssh/$(basename "$priv")"
      install -m 0644 -o dockerops -g dockerops "$pub" "$home/.ssh/$(basename "$pub")"
    fi
  done
  printf 'Host *\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n' \
    > "$home/.ssh/config"
  chown dockerops:dockerops "$home/.ssh/config"
fi

# 4. The project's DNS (dockerops-dns), when the instance links it as DNS or
#    has DNS_CONTAINER_IP: it becomes the resolver, with its zone searched.
#    Names it does not hold, it asks the engine's resolver for.
dns=${DNS_CONTAINER_IP:-${dns_CONTAINER_IP:-}}
if [ -n "$dns" ]; then
  printf 'nameserver %s
search %s
' "$dns" "${DNS_ZONE:-local.zone}" > /etc/resolv.conf
fi

# 5. The image's own start-up, unless in safemode (to debug an instance that
#    cannot even start).
if [ "${SAFEMODE:-False}" != "True" ] && [ -x /entrypoint-local.sh ]; then
  /entrypoint-local.sh
fi

exec "$@"
