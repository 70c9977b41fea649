#!/usr/bin/env bash
# Proves the README's two commands on a fresh Debian bookworm: makes a
# minimal root with debootstrap, clones this repository's HEAD into it, and
# runs scripts/run-example.sh then scripts/test.sh inside chroot with nothing
# else installed. Prints the time of each. Needs root and Debian's
# debootstrap (installed here if missing); takes about an hour on 2 cores.
#
# Usage: scripts/check-fresh-machine.sh [ROOT_DIR]   (default /tmp/whittle-fresh)
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-/tmp/whittle-fresh}

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
fi
if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "== debootstrap bookworm into $root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi
# What the machine's network gives any installation: its apt sources (main,
# updates and security, where the LLVM 22 packages come from), name
# resolution, and the site's TLS trust anchors (a proxy that re-signs HTTPS
# needs its CA in /usr/local/share/ca-certificates, which Debian's
# ca-certificates adds to the system bundle, and pip told to use that bundle).
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
rm -f "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  [ -x "$root/usr/sbin/update-ca-certificates" ] &&
    chroot "$root" update-ca-certificates >/dev/null
fi
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"

rm -rf "$root/root/whittle"
git clone -q "$PWD" "$root/root/whittle"

for fs in proc sys dev dev/pts; do
  mountpoint -q "$root/$fs" || mount --bind "/$fs" "$root/$fs"
done
trap 'for fs in dev/pts dev sys proc; do umount "$root/$fs" 2>/dev/null || true; done' EXIT

run() {
  local start=$SECONDS
  echo "== chroot: $1"
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 bash -c "cd /root/whittle && $1"
  echo "== $1: $((SECONDS - start)) s"
}
run scripts/run-example.sh
run scripts/test.sh
