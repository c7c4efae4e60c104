#!/usr/bin/env bash
# Installs what ebpf-workshop needs and builds it. Run from anywhere:
#
#   ./scripts/setup.sh
#
# Installing packages needs root: run by a user, the script starts itself again with sudo
# (and says so); run as root (a root login, a container, CI) it needs no sudo at all.
#
# - System packages through the distribution's package manager: BCC (library, headers,
#   tools), kernel headers, a C/C++ toolchain with cmake and pkg-config, OpenSSL's headers
#   (the demo server's HTTPS listener), python3 (the TLS track's second server), bpftool, and
#   the helpers the levels use (curl, wrk, strace, tmux); on Debian, Chromium for the classroom
#   board's browser test. apt is tested; dnf and pacman are written the same way but untested.
# - Then `npm ci` and `npm run build` in this repository, as the user who ran sudo so no
#   root-owned files land in their tree.
#
# Safe to rerun: packages already installed are not looked up again, so a rerun is fast and
# works offline. It mounts nothing: the workshop mounts tracefs and prepares kernel headers
# itself when it starts (`npx ebpf-workshop doctor --fix` does it on demand).
set -Eeuo pipefail

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
on_error() {
  printf 'error: setup stopped at line %s (%s, exit %s). Fix what is reported above and rerun: the script is safe to rerun.\n' "$1" "$2" "$3" >&2
}
trap 'on_error "$LINENO" "$BASH_COMMAND" "$?"' ERR

[[ $(uname -s) == Linux ]] || die "eBPF needs Linux; this is $(uname -s). Use a Linux VM."
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "installing packages needs root, and sudo is not installed: run this as root (su -c '$0')"
  printf '==> Installing packages needs root: running %s again with sudo\n' "$0"
  exec sudo env "PATH=$PATH" "$0" "$@" # keeps a node installed for the user (nvm, fnm) on the PATH
fi

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
release=$(uname -r)

# ---------------------------------------------------------------- distribution
os_id=unknown
os_like=
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  read -r os_id os_like < <(. /etc/os-release && printf '%s %s\n' "${ID:-unknown}" "${ID_LIKE:-}")
fi
family=
case " $os_id $os_like " in
  *" ubuntu "* | *" debian "*) family=apt ;;
  *" fedora "* | *" rhel "* | *" centos "*) family=dnf ;;
  *" arch "*) family=pacman ;;
esac
[[ -n $family ]] || die "unsupported distribution '$os_id': install BCC (libbcc + headers), kernel headers, cmake, g++, make, pkg-config by hand (see docs/troubleshooting.md), then run: npm ci && npm run build"

# ---------------------------------------------------------------- apt (tested)
# (No `| grep -q` here: under pipefail, grep quitting early makes the pipeline fail.)
apt_installed() { [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]; }
apt_available() { [[ $(apt-cache policy "$1" 2>/dev/null) =~ Candidate:\ [^\(] ]]; }

# The package lists are refreshed at most once per run, and only when needed.
apt_lists_refreshed=no
apt_refresh_lists() {
  [[ $apt_lists_refreshed == yes ]] && return 0
  step "Refreshing the package lists (apt-get update)"
  apt-get update -qq || die "apt-get update failed: check the network and /etc/apt/sources.list, then rerun"
  apt_lists_refreshed=yes
}
apt_lists_old() {
  # Missing, or older than a week.
  [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mtime -7 -print -quit 2>/dev/null) ]]
}

# Headers for exactly the running kernel when the distribution has them, else its
# always-current headers package (the workshop uses those through a merged tree).
apt_header_package() {
  local exact="linux-headers-$release"
  if apt_installed "$exact" || apt_available "$exact"; then
    printf '%s' "$exact"
  elif [[ " $os_id $os_like " == *" ubuntu "* ]]; then
    printf 'linux-headers-generic'
  else
    printf 'linux-headers-%s' "$(dpkg --print-architecture)"
  fi
}

# bpftool is its own package on Debian (and newer Ubuntu); older Ubuntu ships it in linux-tools.
apt_bpftool_packages() {
  if apt_installed bpftool || apt_available bpftool; then
    printf 'bpftool'
  elif apt_installed "linux-tools-$release" || apt_available "linux-tools-$release"; then
    printf 'linux-tools-common linux-tools-%s' "$release"
  else
    printf 'linux-tools-common linux-tools-generic'
  fi
}

apt_wanted() {
  printf '%s\n' libbpfcc-dev bpfcc-tools python3-bpfcc cmake g++ make pkg-config libssl-dev python3 curl wrk strace tmux
  # Headless Chromium for the classroom board's browser test (npm test). Ubuntu's chromium
  # package is only a wrapper around a snap, so it is left out there.
  [[ " $os_id $os_like " == *" ubuntu "* ]] || printf 'chromium\n'
  apt_header_package
  printf '\n'
  apt_bpftool_packages | tr ' ' '\n'
}

install_with_apt() {
  local missing=() wanted=() pkg
  mapfile -t wanted < <(apt_wanted)
  for pkg in "${wanted[@]}"; do apt_installed "$pkg" || missing+=("$pkg"); done
  if [[ ${#missing[@]} -eq 0 ]]; then
    info "all ${#wanted[@]} packages already installed: ${wanted[*]}"
    return 0
  fi
  # Stale or missing lists make packages look unavailable: refresh, then decide again.
  local unavailable=no
  for pkg in "${missing[@]}"; do apt_available "$pkg" || unavailable=yes; done
  if [[ $unavailable == yes ]] || apt_lists_old; then
    apt_refresh_lists
    missing=()
    mapfile -t wanted < <(apt_wanted)
    for pkg in "${wanted[@]}"; do apt_installed "$pkg" || missing+=("$pkg"); done
  fi
  local hint="check /etc/apt/sources.list"
  [[ " $os_id $os_like " == *" ubuntu "* ]] && hint="enable 'universe' (sudo add-apt-repository universe)"
  for pkg in "${missing[@]}"; do
    apt_available "$pkg" || die "package $pkg is not available from your apt sources: $hint, then rerun"
  done
  step "Installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed (see above). Fix it, or install by hand: apt-get install ${missing[*]}"
}

# ---------------------------------------------------------------- dnf (written, untested)
install_with_dnf() {
  local headers="kernel-devel-$release"
  dnf list --quiet "$headers" >/dev/null 2>&1 || headers=kernel-devel
  local wanted=(bcc-devel bcc-tools python3-bcc "$headers" cmake gcc-c++ make pkgconf-pkg-config openssl-devel python3 bpftool curl wrk strace tmux)
  local missing=() pkg
  for pkg in "${wanted[@]}"; do rpm -q "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [[ ${#missing[@]} -eq 0 ]]; then
    info "all ${#wanted[@]} packages already installed"
    return 0
  fi
  step "Installing ${missing[*]}"
  dnf install -y "${missing[@]}" || die "dnf install failed (see above). Fix it, or install by hand: dnf install ${missing[*]}"
}

# ---------------------------------------------------------------- pacman (written, untested)
install_with_pacman() {
  # Arch's linux-headers match the stock `linux` kernel; other kernels have their own
  # (linux-lts-headers, linux-zen-headers).
  local headers=linux-headers
  case "$release" in
    *-lts*) headers=linux-lts-headers ;;
    *-zen*) headers=linux-zen-headers ;;
  esac
  local wanted=(bcc bcc-tools python-bcc "$headers" cmake gcc make pkgconf openssl python bpf curl wrk strace tmux)
  local missing=() pkg
  for pkg in "${wanted[@]}"; do pacman -Q "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [[ ${#missing[@]} -eq 0 ]]; then
    info "all ${#wanted[@]} packages already installed"
    return 0
  fi
  step "Installing ${missing[*]}"
  pacman -S --needed --noconfirm "${missing[@]}" || die "pacman failed (see above). Fix it, or install by hand: pacman -S ${missing[*]}"
}

step "System packages ($family, kernel $release)"
"install_with_$family"

# ---------------------------------------------------------------- Node.js
step "Node.js"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  die "node and npm are not on root's PATH. Install Node.js 20 or newer (https://nodejs.org). If it is installed for your user (nvm, fnm), keep your PATH: sudo env \"PATH=\$PATH\" $0"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ $node_major -ge 20 ]] || die "Node.js $(node -v) is too old: the workshop needs 20 or newer (https://nodejs.org)"
info "node $(node -v), npm $(npm -v)"

# ---------------------------------------------------------------- build
# As the user who ran sudo, so node_modules/, build/ and dist/ stay theirs. Real root (CI,
# a root shell) builds as root.
build_user=root
if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
  build_user=$SUDO_USER
fi
build_home=$(getent passwd "$build_user" | cut -d: -f6)

as_build_user() {
  if [[ $build_user == root ]]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$build_user" -- env "HOME=$build_home" "PATH=$PATH" "$@"
  else
    sudo -u "$build_user" -H env "PATH=$PATH" "$@"
  fi
}

if [[ $build_user != root ]]; then
  unwritable=
  for dir in "$repo_dir" "$repo_dir/node_modules" "$repo_dir/build" "$repo_dir/dist"; do
    [[ -e $dir ]] || continue
    as_build_user test -w "$dir" || {
      unwritable=$dir
      break
    }
  done
  if [[ -n $unwritable ]]; then
    warn "$build_user cannot write to $unwritable: building as root instead, so new files there will be owned by root"
    warn "to hand the tree back later: sudo chown -R $build_user: $repo_dir"
    build_user=root
  fi
fi

cd "$repo_dir"
step "Dependencies (npm ci, as $build_user)"
# npm records what it installed in node_modules/.package-lock.json: when that is newer than
# the lockfile and package.json, node_modules is current and the (network) step is skipped.
if [[ node_modules/.package-lock.json -nt package-lock.json && node_modules/.package-lock.json -nt package.json ]]; then
  info "node_modules is up to date"
else
  as_build_user npm ci --no-audit --no-fund || die "npm ci failed (see above): check the network, then rerun"
fi

step "Build (npm run build, as $build_user): the native addon over libbcc and the TypeScript"
as_build_user npm run build || die "the build failed (see above). If cmake cannot find libbcc, check: pkg-config --modversion libbcc"

# ---------------------------------------------------------------- check
step "Checking the kernel side (ebpf-workshop doctor)"
if node dist/cli.js doctor; then
  step "Ready. Start the workshop with: npx ebpf-workshop start"
else
  warn "setup finished, but doctor reports problems above: see docs/troubleshooting.md"
fi
