#!/bin/sh
# /init of the guest's initramfs (busybox sh; built by setup-guest.sh). It does what Debian's
# initramfs does for `root=<tag> rootfstype=9p rootflags=...`, and nothing else: loads the
# virtio, 9p and overlay modules, mounts the host's root filesystem read-only from the 9p share named
# by root=, and hands over to the program named by init= on it.
export PATH=/bin

fail() {
  echo "initramfs: $*" >&2
  # Nothing else can run: end the guest at once rather than hang until the host's timeout.
  poweroff -f
  sleep 60
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

root=
rootflags=
init=/sbin/init
read -r cmdline </proc/cmdline
for arg in $cmdline; do
  case $arg in
    root=*) root=${arg#root=} ;;
    rootflags=*) rootflags=${arg#rootflags=} ;;
    init=*) init=${arg#init=} ;;
  esac
done
[ -n "$root" ] || fail "no root= on the kernel command line"

# /modules: written by setup-guest.sh, one module name a line.
while read -r module; do
  modprobe "$module" || fail "could not load $module"
done </modules

# The virtio device may register its 9p channel a moment after the module loads.
tries=0
until mount -t 9p -o "ro,$rootflags" "$root" /newroot 2>/dev/null; do
  tries=$((tries + 1))
  [ "$tries" -lt 50 ] || fail "could not mount the 9p share '$root' (rootflags: $rootflags)"
  sleep 0.1
done
[ -x "/newroot$init" ] || fail "$init is not an executable file on the shared root filesystem"

umount /proc /sys /dev
exec switch_root /newroot "$init"
