#!/usr/bin/env bash
# Runs one command inside a QEMU guest booted on Debian's stock kernel, in the current
# directory, on this machine's own root filesystem (shared read-only over 9p): the same
# node, BCC and build as here, on a kernel that has kprobes. Run as root:
#
#   sudo scripts/kernels/run-in-guest.sh [--timeout SECONDS] [--console] [--] COMMAND [ARGS...]
#
# The command's stdout and stderr are printed once the guest has powered off, and its exit
# status is this script's. 124: the guest ran out of time (default 600 s; QEMU is killed);
# 125: the guest did not get to run the command (its console log is printed). --console
# shows the guest's console while it runs.
#
# The guest: scripts/kernels/setup-guest.sh (run first, cached) provides the kernel and the
# initramfs; guest-init.sh is its PID 1. QEMU emulates the CPU (TCG), which works on any
# machine, nested VMs included; WORKSHOP_GUEST_ACCEL=kvm uses KVM instead where it works
# (untested here: this machine's /dev/kvm cannot run a guest).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
timeout_s=600
console=no
while (($#)); do
  case $1 in
    --timeout) timeout_s=${2:?--timeout needs a number of seconds}; shift 2 ;;
    --console) console=yes; shift ;;
    --) shift; break ;;
    -*) printf 'error: unknown option %s\n' "$1" >&2; exit 2 ;;
    *) break ;;
  esac
done
(($#)) || { printf 'usage: %s [--timeout SECONDS] [--console] [--] COMMAND [ARGS...]\n' "$0" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { printf 'error: run this as root (QEMU shares / and the guest loads BPF programs): sudo %s\n' "$0" >&2; exit 2; }

guest_dir=$("$here/setup-guest.sh") || { printf 'error: the guest could not be set up (see above)\n' >&2; exit 125; }
[[ -f $guest_dir/vmlinuz && -f $guest_dir/initrd.img ]] || { printf 'error: setup-guest.sh left no kernel in %s\n' "$guest_dir" >&2; exit 125; }

exchange=$(mktemp -d /tmp/ebpf-workshop-guest.XXXXXX)
qemu_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [[ -n $qemu_pid ]] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  rm -rf "$exchange"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

{
  printf 'cd %q || exit 125\n' "$PWD"
  printf 'exec'
  printf ' %q' "$@"
  printf '\n'
} >"$exchange/job.sh"
: >"$exchange/console.log"

# 9p: msize 512000 rather than the default 8 KiB (fewer round trips per read), and
# cache=loose, which lets the guest keep what it read in its page cache: safe, since the
# root is mounted read-only and nothing changes it while the guest runs.
# shellcheck disable=SC2054 # the commas separate 9p mount options, not array elements
append=(
  console=ttyS0 panic=1 loglevel=4
  root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro
  "init=$here/guest-init.sh" ws.exchange=exchange
)
case ${WORKSHOP_GUEST_ACCEL:-tcg} in
  tcg) accel=(-accel tcg -cpu max) ;;
  kvm) accel=(-accel kvm -cpu host) ;;
  *) printf 'error: WORKSHOP_GUEST_ACCEL must be tcg or kvm\n' >&2; exit 2 ;;
esac
# `timeout` kills QEMU when the guest hangs; it forwards our own TERM to it as well.
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
  "${accel[@]}" -smp "$(nproc)" -m 2048 \
  -nodefaults -no-user-config -display none -no-reboot \
  -chardev "file,id=console,path=$exchange/console.log" -serial chardev:console \
  -kernel "$guest_dir/vmlinuz" -initrd "$guest_dir/initrd.img" -append "${append[*]}" \
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -fsdev "local,id=exchange,path=$exchange,security_model=none,multidevs=remap" \
  -device virtio-9p-pci,fsdev=exchange,mount_tag=exchange \
  >"$exchange/qemu.log" 2>&1 &
qemu_pid=$!
if [[ $console == yes ]]; then
  tail -n +1 -f --pid="$qemu_pid" "$exchange/console.log" >&2 &
fi
status=0
wait "$qemu_pid" || status=$?
qemu_pid=

if [[ -f $exchange/rc ]]; then
  cat "$exchange/stdout"
  cat "$exchange/stderr" >&2
  exit "$(cat "$exchange/rc")"
fi
if ((status == 124 || status == 137)); then
  printf 'error: the guest did not finish within %s s (TCG emulation is slow: raise --timeout). Its console ended with:\n' "$timeout_s" >&2
  tail -n 30 "$exchange/console.log" >&2
  exit 124
fi
printf 'error: the guest stopped before running the command (QEMU exit %s).\n' "$status" >&2
grep -v '^$' "$exchange/qemu.log" >&2 || true
printf 'Its console ended with:\n' >&2
tail -n 30 "$exchange/console.log" >&2
exit 125
