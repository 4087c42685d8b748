# Sourced by the .bench scripts: need_packages PKG... installs with apt-get
# the Debian packages that dpkg does not list as installed, as root or with
# sudo without a password, or stops the script saying what is missing.
need_packages() {
  local missing="" p sudo=""
  for p in "$@"; do
    dpkg -s "$p" 2>/dev/null | grep -x 'Status: install ok installed' >/dev/null || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    if ! sudo -n true 2>/dev/null; then
      echo "missing:$missing; installing them needs root or sudo without a password" >&2
      exit 1
    fi
    sudo="sudo -n"
  fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
}
