#!/usr/bin/env bash
# Sets up everything Outmail needs on Debian 12: the Debian packages, then the virtual
# environment at .venv/ with the project installed. Safe and fast to run again: it installs
# only what is missing and reinstalls Python packages only when pyproject.toml changed.
#
#   scripts/setup.sh app    # what the window needs, and its entry in the application menu
#   scripts/setup.sh test   # plus what the test suite needs (keyring, Postfix, Dovecot, swaks, dnsmasq,
#                           # an MIT Kerberos KDC unpacked under .cache/mit-kdc)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-app}

app_packages=(
  python3 python3-venv python3-pip
  # Qt runtime (offscreen and real windows)
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 xvfb xauth
  # Kerberos (GSSAPI sign-in): pyspnego's gssapi and krb5 modules have no Linux wheels and build here
  libkrb5-dev gcc python3-dev
)
test_packages=(
  # a real Secret Service for the keyring tests
  dbus gnome-keyring libsecret-tools
  # real mail servers for integration tests, and swaks for the benchmark
  postfix dovecot-core swaks libnet-ssleay-perl
  # a real Kerberos realm: Dovecot's GSSAPI, kinit/kdestroy, and what the unpacked KDC links to
  dovecot-gssapi krb5-user libverto-libev1 libgssrpc4 libkadm5srv-mit12 libkdb5-10
  # a real DNS server (SRV, MX, A/AAAA test zones) for the discovery tests
  dnsmasq-base
  # a real PostgreSQL server (initdb + pg_ctl per test session) for the shared store tests
  postgresql-15
  # the sqlite3 shell: the audit trail tests change the local store around Outmail, as a user could
  sqlite3
)
# Unpacked, never installed: their dependency krb5-config writes /etc/krb5.conf on install.
kdc_packages=(krb5-kdc krb5-admin-server)
kdc_dir=.cache/mit-kdc
packages=("${app_packages[@]}")
[ "$purpose" = test ] && packages+=("${test_packages[@]}")

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  # Postfix asks questions on install; answer them: local delivery only, never relaying.
  echo "postfix postfix/main_mailer_type select Local only" | $sudo debconf-set-selections
  echo "postfix postfix/mailname string outmail.invalid" | $sudo debconf-set-selections
  # One apt at a time on this machine (two set-ups started together would race for dpkg's lock).
  $sudo flock /tmp/outmail-setup-apt.lock sh -c 'apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "$@" >/dev/null' \
    apt-install "${missing[@]}"
fi

# The test realm's KDC (tests/support/kdc.py): the Debian packages' files under $kdc_dir, with
# the version of the installed Kerberos libraries, fetched again when those are upgraded.
if [ "$purpose" = test ]; then
  krb5_version=$(dpkg-query -W -f='${Version}' libkrb5-3)
  if [ "$(cat "$kdc_dir/version" 2>/dev/null)" != "$krb5_version" ]; then
    echo "setup: unpacking the MIT Kerberos KDC into $kdc_dir"
    rm -rf "$kdc_dir" && mkdir -p "$kdc_dir/debs"
    versions=()
    for pkg in "${kdc_packages[@]}"; do versions+=("$pkg=$krb5_version"); done
    # The libraries' own version when the archive still has it, else the current one (same ABI).
    (cd "$kdc_dir/debs" && { apt-get download -q=2 -o APT::Sandbox::User=root "${versions[@]}" 2>/dev/null ||
      apt-get download -q=2 -o APT::Sandbox::User=root "${kdc_packages[@]}"; })
    for deb in "$kdc_dir"/debs/*.deb; do dpkg -x "$deb" "$kdc_dir/root"; done
    rm -rf "$kdc_dir/debs"
    echo "$krb5_version" >"$kdc_dir/version"
  fi
fi

python=${OUTMAIL_PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi
extra=""
[ "$purpose" = test ] && extra="[test]"
stamp=".venv/.outmail-installed-$purpose-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # compat mode: a plain path entry instead of an import hook, which costs every start ~10 ms
  .venv/bin/python -m pip install -q -e ".$extra" --config-settings editable_mode=compat
  # The venv's bundled setuptools is not needed (the build above brings its own, isolated) and
  # its distutils-precedence.pth runs at every Python start in .venv (~1 ms of each CLI test).
  .venv/bin/python -m pip uninstall -q -y setuptools >/dev/null 2>&1 || true
  rm -f .venv/.outmail-installed-"$purpose"-*
  touch "$stamp"
fi

# The application menu entry and icon, for the user who sets up the window (not for test runs).
if [ "$purpose" = app ]; then
  scripts/install-desktop-entry.sh
fi
