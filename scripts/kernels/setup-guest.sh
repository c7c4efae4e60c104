#!/usr/bin/env bash
# Prepares the QEMU guest that runs the workshop on Debian's stock kernel (where kprobes
# exist, unlike on kernels built without them). Run as root; safe to rerun:
#
#   sudo scripts/kernels/setup-guest.sh      # prints the guest's directory on stdout
#
# - Installs qemu-system-x86 through apt when it is missing.
# - Picks the kernel: the release of the installed Debian `linux-headers-*-amd64` package
#   (BCC in the guest compiles against those very headers, through /lib/modules/<release>/build
#   on the shared root filesystem), or $WORKSHOP_GUEST_KERNEL. With no such headers it installs
#   linux-headers-amd64 first.
# - Downloads linux-image-<release> and busybox-static with `apt-get download` and unpacks
#   them into the cache with `dpkg-deb -x`. Nothing is installed on this machine: installing a
#   linux-image package (or initramfs-tools, which pulls in udev and a newer systemd) would
#   run the host's kernel and boot hooks.
# - Builds a small initramfs: busybox, the 9p/virtio and overlay modules, and
#   initramfs-init.sh as /init.
#
# Everything lands in $WORKSHOP_GUEST_CACHE (default /var/cache/ebpf-workshop/qemu)/<release>:
# vmlinuz, initrd.img, release, and a stamp; a rerun with the same inputs does nothing and
# needs no network.
set -Eeuo pipefail

say() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
trap 'printf "error: guest setup stopped at line %s (%s). Fix what is reported above and rerun.\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

[[ $(id -u) -eq 0 ]] || die "run this as root: sudo $0"
[[ $(uname -m) == x86_64 ]] || die "the guest is an amd64 Debian kernel run by qemu-system-x86_64; this machine is $(uname -m)"
command -v apt-get >/dev/null || die "this script uses apt (Debian or Ubuntu); on other systems install QEMU and a Debian kernel by hand (see docs/kernels.md)"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_root=${WORKSHOP_GUEST_CACHE:-/var/cache/ebpf-workshop/qemu}
# The modules the initramfs loads (their own dependencies come from modules.dep): what it
# takes to mount the host's root over virtio 9p, and overlayfs, with which guest-init.sh
# makes directories of that read-only root writable. The guest has no other modules.
initramfs_modules=(virtio_pci 9pnet_virtio 9p overlay)

installed() { [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]; }
version_of() { dpkg-query -W -f='${Version}' "$1"; }

lists_refreshed=no
apt_install() {
  if [[ $lists_refreshed == no ]]; then
    say "Refreshing the package lists (apt-get update)"
    apt-get update -qq || die "apt-get update failed: check the network and the apt sources, then rerun"
    lists_refreshed=yes
  fi
  say "Installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || die "could not install $*: see apt's message above"
}

# Downloads package $1 (optionally =version) and unpacks it into directory $2.
apt_unpack() {
  local spec=$1 dest=$2 work
  work=$(mktemp -d "$cache_root/download.XXXXXX")
  # apt drops privileges to _apt for downloads; let it write there.
  chown _apt "$work" 2>/dev/null || true
  if ! (cd "$work" && apt-get download -qq "$spec" >&2); then
    if [[ $lists_refreshed == no ]]; then
      say "Refreshing the package lists (apt-get update)"
      apt-get update -qq || die "apt-get update failed: check the network and the apt sources, then rerun"
      lists_refreshed=yes
    fi
    (cd "$work" && apt-get download -qq "$spec" >&2) || {
      rm -rf "$work"
      die "could not download $spec with apt-get download"
    }
  fi
  mkdir -p "$dest"
  dpkg-deb -x "$work"/*.deb "$dest"
  rm -rf "$work"
}

# ---------------------------------------------------------------- QEMU
if ! command -v qemu-system-x86_64 >/dev/null; then
  apt_install qemu-system-x86
fi

# ---------------------------------------------------------------- the kernel release
newest_header_release() {
  dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'linux-headers-*-amd64' 2>/dev/null \
    | awk '$1 ~ /^ii/ && $2 ~ /^linux-headers-[0-9].*-amd64$/ { sub(/^linux-headers-/, "", $2); print $2 }' \
    | sort -V | tail -n 1
}
release=${WORKSHOP_GUEST_KERNEL:-$(newest_header_release)}
if [[ -z $release ]]; then
  apt_install linux-headers-amd64
  release=$(newest_header_release)
  [[ -n $release ]] || die "linux-headers-amd64 installed no linux-headers-<release>-amd64 package"
fi
headers=linux-headers-$release
installed "$headers" || apt_install "$headers"
[[ -d /lib/modules/$release/build/include/generated ]] \
  || die "/lib/modules/$release/build is missing after installing $headers: reinstall it (apt-get install --reinstall $headers)"
# The image of the same build as the headers: the guest's kernel and BCC's headers agree.
image_version=$(version_of "$headers")

# ---------------------------------------------------------------- cache
guest_dir=$cache_root/$release
mkdir -p "$guest_dir"
exec 9>"$guest_dir/.lock"
flock 9 # one setup at a time per release

stamp=$(printf 'image=%s\nmodules=%s\ninit=%s\n' "$image_version" "${initramfs_modules[*]}" \
  "$(sha256sum "$here/initramfs-init.sh" | cut -d' ' -f1)")
if [[ -f $guest_dir/stamp && $(cat "$guest_dir/stamp") == "$stamp" && -f $guest_dir/vmlinuz && -f $guest_dir/initrd.img ]]; then
  printf '%s\n' "$guest_dir"
  exit 0
fi
rm -f "$guest_dir/stamp"

say "Unpacking linux-image-$release $image_version into $guest_dir"
unpacked=$guest_dir/unpacked
rm -rf "$unpacked"
apt_unpack "linux-image-$release=$image_version" "$unpacked/image"
apt_unpack busybox-static "$unpacked/busybox"
busybox=$unpacked/busybox/bin/busybox
[[ -x $busybox ]] || die "busybox-static has no bin/busybox"
modules=$unpacked/image/lib/modules/$release
[[ -d $modules/kernel ]] || die "linux-image-$release has no lib/modules/$release"
# The package's postinst would run depmod; busybox's depmod writes the modules.dep we need.
"$busybox" depmod -b "$unpacked/image" "$release"

say "Building the initramfs"
staging=$unpacked/initramfs
mkdir -p "$staging"/{bin,dev,proc,sys,newroot,"lib/modules/$release"}
cp "$busybox" "$staging/bin/busybox"
for applet in $("$busybox" --list); do
  [[ $applet == busybox ]] || ln -s busybox "$staging/bin/$applet"
done
ln -s bin "$staging/sbin"
cp "$here/initramfs-init.sh" "$staging/init"
chmod 755 "$staging/init"
cp "$modules/modules.dep" "$staging/lib/modules/$release/"
printf '%s\n' "${initramfs_modules[@]}" >"$staging/modules"
# Each module and everything it depends on, at the paths modules.dep names.
needed=()
for name in "${initramfs_modules[@]}"; do
  line=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$modules/modules.dep") || die "no module $name in linux-image-$release"
  read -ra parts <<<"${line//:/}"
  needed+=("${parts[@]}")
done
for rel in $(printf '%s\n' "${needed[@]}" | sort -u); do
  mkdir -p "$staging/lib/modules/$release/$(dirname "$rel")"
  cp "$modules/$rel" "$staging/lib/modules/$release/$rel"
done
(cd "$staging" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null | gzip -9 >"$guest_dir/initrd.img.new")
mv "$guest_dir/initrd.img.new" "$guest_dir/initrd.img"
cp "$unpacked/image/boot/vmlinuz-$release" "$guest_dir/vmlinuz"
printf '%s\n' "$release" >"$guest_dir/release"
rm -rf "$unpacked"
printf '%s\n' "$stamp" >"$guest_dir/stamp"
say "Guest kernel $release ready in $guest_dir"
printf '%s\n' "$guest_dir"
