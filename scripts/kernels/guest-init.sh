#!/bin/bash
# PID 1 of the guest started by run-in-guest.sh, run from the host's root filesystem (shared
# read-only over 9p). It makes the few places the workshop writes to writable, brings
# up loopback, runs the job the host left in the exchange share, records its exit status
# there, and powers the guest off.
#
# Exchange share (9p tag from ws.exchange= on the kernel command line, mounted at
# /run/ws-exchange): job.sh in; stdout, stderr and rc out.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home LANG=C.UTF-8 TERM=dumb

say() { echo "guest-init: $*" >/dev/console; }
power_off() {
  sync
  # No init system is running to do it: ask the kernel directly.
  echo o >/proc/sysrq-trigger
  sleep 60
}
fail() {
  say "$*"
  power_off
}

mount -t proc proc /proc || fail "cannot mount /proc"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run || fail "cannot mount a tmpfs on /run"
# Where the workshop and its tools write: scratch space (/tmp, also the home directory),
# BCC's program dumps (/var/tmp/bcc), the workshop's merged header tree (/var/cache). Each
# becomes an overlay: the host's files stay visible (a repository cloned under /tmp, as CI
# does, must be found there), and writes go to a tmpfs that vanishes with the guest.
for dir in /tmp /var/tmp /var/cache; do
  layer=/run/overlay$dir
  mkdir -p "$layer/upper" "$layer/work"
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir" \
    || fail "cannot make $dir writable (overlayfs)"
done
chmod 1777 /tmp /var/tmp
mkdir -p "$HOME"
# tracefs and the header tree are left to the workshop: it mounts and builds them itself,
# as it does on a learner's fresh machine.

ip link set lo up || fail "cannot bring up the loopback interface"

exchange_tag=
read -ra cmdline </proc/cmdline
for arg in "${cmdline[@]}"; do
  case $arg in
    ws.exchange=*) exchange_tag=${arg#ws.exchange=} ;;
  esac
done
[[ -n $exchange_tag ]] || fail "no ws.exchange= on the kernel command line"
exchange=/run/ws-exchange
mkdir -p "$exchange"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 "$exchange_tag" "$exchange" \
  || fail "cannot mount the exchange share '$exchange_tag'"

say "running the job on $(uname -r)"
bash "$exchange/job.sh" >"$exchange/stdout" 2>"$exchange/stderr" </dev/null
echo $? >"$exchange/rc"
say "job done (exit $(cat "$exchange/rc"))"
power_off
