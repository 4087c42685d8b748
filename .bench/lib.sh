# Sourced by the .bench scripts.

# need_packages PKG... installs with apt-get the Debian packages that dpkg
# does not list as installed, as root or with sudo without a password, or
# stops the script saying what is missing.
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

# wait_ready URL PID LOG [TRIES]: waits until URL answers 2xx, 0.1 s between
# tries (600 unless TRIES), and stops the script, showing LOG, when the
# process PID dies first or it never answers.
wait_ready() {
  local i
  for i in $(seq 1 "${4:-600}"); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.1
  done
  echo "no answer from $1; see $3" >&2
  exit 1
}

# stop_pid PID: TERM, then wait for it; nothing for "" (none started).
stop_pid() {
  if [ -n "$1" ]; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
