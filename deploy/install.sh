#!/usr/bin/env bash
# Installs or upgrades DeskQL on a plain Linux server with systemd (docs/operations.md,
# "Installing on a Linux server"). Run as root from a built copy of the repository
# (`npm ci && npm run build && npm prune --omit=dev`), or with --from naming one:
#
#   deploy/install.sh --database-url mysql://deskql:PASSWORD@127.0.0.1:3306/deskql --public-url https://desk.example.org
#
# Idempotent: run it again for an upgrade. It creates the deskql user, /opt/deskql (the code,
# owned by root), /var/lib/deskql (data), /var/backups/deskql, /etc/deskql/deskql.env (settings
# with generated secrets; never overwritten) and the systemd units; on an existing installation
# it takes a backup with the installed version first; then migrates, restarts and waits for /ready.
#
# Testing: --root DIR (or DESTDIR=DIR) installs into a throwaway root instead of /, and
# --no-systemctl (implied where systemd is not running) skips systemctl and the /ready check.
set -euo pipefail

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --from DIR            the built copy to install (default: the repository holding this script)
  --database-url URL    MySQL/MariaDB URL, written to a new settings file (required in production)
  --public-url URL      the address users open (default: https://<host name>:4000)
  --root DIR            install under DIR instead of / (tests); DESTDIR=DIR works too
  --no-systemctl        do not call systemctl (no enable, restart or /ready check)
  --no-backup           upgrade without taking a backup first
  --ready-timeout SEC   how long to wait for /ready after the restart (default 120)
EOF
}

script_dir="$(cd "$(dirname "$0")" && pwd)"
from="$(dirname "$script_dir")"
root="${DESTDIR:-}"
database_url=""
public_url=""
use_systemctl=1
take_backup=1
ready_timeout=120

while (($#)); do
  case "$1" in
    --from) from="$2"; shift 2 ;;
    --database-url) database_url="$2"; shift 2 ;;
    --public-url) public_url="$2"; shift 2 ;;
    --root) root="$2"; shift 2 ;;
    --no-systemctl) use_systemctl=0; shift ;;
    --no-backup) take_backup=0; shift ;;
    --ready-timeout) ready_timeout="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
root="${root%/}"
if [[ -n "$root" ]]; then
  mkdir -p "$root"
  root="$(cd "$root" && pwd)"
fi
if ((use_systemctl)) && { [[ -n "$root" ]] || [[ ! -d /run/systemd/system ]] || ! command -v systemctl >/dev/null; }; then
  echo "systemd is not running here (or --root was given): not calling systemctl."
  use_systemctl=0
fi

step() { printf '==> %s\n' "$*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

# The installation's paths, under $root when testing.
app="$root/opt/deskql"
etc="$root/etc/deskql"
env_file="$etc/deskql.env"
passphrase_file="$etc/backup-passphrase"
data="$root/var/lib/deskql"
backups="$root/var/backups/deskql"
units="$root/etc/systemd/system"
bin="$root/usr/local/bin/deskql"

[[ $EUID -eq 0 || -n "$root" ]] || die "run as root (or with --root DIR for a test install)"
command -v node >/dev/null || die "Node.js >= 20.19 is needed (node is not on PATH)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  die "Node.js >= 20.19 is needed (found $(node --version))"
[[ -f "$from/package.json" && -f "$from/dist/src/main.js" && -f "$from/dist/src/cli/main.js" && -d "$from/node_modules" ]] ||
  die "$from is not a built copy of DeskQL (run npm ci && npm run build && npm prune --omit=dev there, or pass --from)"
new_version="$(node -p 'require(process.argv[1]).version' "$from/package.json")"

# --- the user ---------------------------------------------------------------------------------
user_exists() {
  if [[ -n "$root" ]]; then grep -q '^deskql:' "$root/etc/passwd" 2>/dev/null; else getent passwd deskql >/dev/null; fi
}
if ! user_exists; then
  step "Creating the system user deskql"
  prefix=()
  if [[ -n "$root" ]]; then
    mkdir -p "$root/etc"
    touch "$root/etc/passwd" "$root/etc/group" "$root/etc/shadow" "$root/etc/gshadow"
    prefix=(--prefix "$root")
  fi
  if [[ -n "$root" && $EUID -ne 0 ]]; then
    # A test root without privileges: useradd would refuse, so record the same entries by hand.
    echo "deskql:x:999:999::/var/lib/deskql:/usr/sbin/nologin" >>"$root/etc/passwd"
    echo "deskql:x:999:" >>"$root/etc/group"
  else
    useradd "${prefix[@]}" --system --user-group --home-dir /var/lib/deskql --no-create-home --shell /usr/sbin/nologin deskql
  fi
fi
# Ownership only where the user exists on this system (not for a throwaway root's user).
own() { if [[ -z "$root" ]]; then chown "$@"; fi; }

# --- folders and settings ----------------------------------------------------------------------
install -d -m 0755 "$root/opt" "$root/usr/local/bin" "$units"
install -d -m 0750 "$etc" "$data" "$backups"
install -d -m 0700 "$data/keys"
own root:deskql "$etc"
own deskql:deskql "$data" "$data/keys" "$backups"

secret() { node -e 'process.stdout.write(require("crypto").randomBytes(Number(process.argv[1])).toString("base64url"))' "$1"; }

if [[ -f "$env_file" ]]; then
  echo "Keeping the settings in $env_file."
else
  step "Writing $env_file (with generated secrets)"
  host="$(hostname -f 2>/dev/null || hostname)"
  umask 027
  {
    echo "# DeskQL settings, written by deploy/install.sh on $(date -u +%Y-%m-%d); it never overwrites this file."
    echo "# Every setting is described in /opt/deskql/.env.example. KEY=value, one a line (systemd's EnvironmentFile)."
    echo "NODE_ENV=production"
    echo "HOST=0.0.0.0"
    echo "PORT=4000"
    echo "PUBLIC_URL=${public_url:-https://$host:4000}"
    echo "DATA_DIR=/var/lib/deskql"
    if [[ -n "$database_url" ]]; then
      echo "DATABASE_URL=$database_url"
    else
      echo "# Required: the MySQL 8 / MariaDB 10.11 database, e.g. mysql://deskql:PASSWORD@127.0.0.1:3306/deskql"
      echo "#DATABASE_URL="
    fi
    echo "# Put your certificate here, then set ALLOW_SELF_SIGNED_TLS=false; until then one is generated for localhost."
    echo "TLS_CERT_FILE=/var/lib/deskql/ssl/cert.pem"
    echo "TLS_KEY_FILE=/var/lib/deskql/ssl/key.pem"
    echo "ALLOW_SELF_SIGNED_TLS=true"
    echo "# The first admin (admin@deskql.localhost unless ADMIN_EMAIL says otherwise) signs in with this password."
    echo "ADMIN_PASSWORD=$(secret 24)"
  } >"$env_file"
  umask 022
fi
chmod 0640 "$env_file"
own root:deskql "$env_file"

if [[ ! -f "$passphrase_file" ]]; then
  step "Generating the backup passphrase in $passphrase_file (keep a copy off this machine)"
  (umask 027 && secret 32 >"$passphrase_file")
fi
chmod 0640 "$passphrase_file"
own root:deskql "$passphrase_file"

configured() { grep -q '^DATABASE_URL=.' "$env_file"; }

# Runs the installed deskql with the service's settings (and user, on a real install).
deskql() {
  (
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    # A throwaway root: the same layout, under $root.
    export DATA_DIR="$data" TLS_CERT_FILE="$data/ssl/cert.pem" TLS_KEY_FILE="$data/ssl/key.pem"
    cd "$data"
    if [[ -z "$root" && $EUID -eq 0 ]]; then
      exec runuser -u deskql -- node "$app/dist/src/cli/main.js" "$@"
    fi
    exec node "$app/dist/src/cli/main.js" "$@"
  )
}

# --- an existing installation: back it up first -----------------------------------------------
if [[ -f "$app/package.json" ]]; then
  old_version="$(node -p 'require(process.argv[1]).version' "$app/package.json")"
  step "Found DeskQL $old_version in $app: upgrading to $new_version"
  if ((take_backup)) && configured; then
    step "Backing up with the installed version before anything changes"
    deskql backup --out "$backups" --passphrase-file "$passphrase_file" ||
      die "the backup failed, so nothing was changed (fix it, or pass --no-backup to upgrade without one)"
  elif ((take_backup)); then
    echo "DATABASE_URL is not set yet: nothing to back up."
  fi
else
  step "Installing DeskQL $new_version into $app"
fi

# --- the code: replaced as a whole, owned by root -----------------------------------------------
staged="$app.new"
rm -rf "$staged"
install -d -m 0755 "$staged" "$staged/frontend" "$staged/docs"
cp -a "$from/package.json" "$from/dist" "$from/node_modules" "$staged/"
[[ -d "$from/frontend/dist" ]] && cp -a "$from/frontend/dist" "$staged/frontend/"
[[ -f "$from/.env.example" ]] && cp -a "$from/.env.example" "$staged/"
[[ -f "$from/docs/operations.md" ]] && cp -a "$from/docs/operations.md" "$staged/docs/"
own -R root:root "$staged"
chmod -R u=rwX,go=rX "$staged"
rm -rf "$app.old"
[[ -d "$app" ]] && mv "$app" "$app.old"
mv "$staged" "$app"
rm -rf "$app.old"

# --- the command and the units ----------------------------------------------------------------
cat >"$bin.new" <<'EOF'
#!/bin/sh
# deskql with the service's settings, as the service's user (written by deploy/install.sh).
set -a
. /etc/deskql/deskql.env
set +a
cd /var/lib/deskql || exit 1
if [ "$(id -u)" = 0 ]; then exec runuser -u deskql -- node /opt/deskql/dist/src/cli/main.js "$@"; fi
exec node /opt/deskql/dist/src/cli/main.js "$@"
EOF
chmod 0755 "$bin.new"
mv "$bin.new" "$bin"
for unit in deskql.service deskql-backup.service deskql-backup.timer; do
  install -m 0644 "$script_dir/systemd/$unit" "$units/$unit"
done

# --- the database and the first signing key ----------------------------------------------------
if ! configured; then
  echo
  echo "Set DATABASE_URL in $env_file, then run this script again to migrate and start DeskQL."
  exit 0
fi
step "Applying the database migrations"
deskql migrate
if ! ls "$data/keys/"*.json >/dev/null 2>&1; then
  step "Creating the first JWT signing key"
  deskql keys rotate
fi

# --- start and check ----------------------------------------------------------------------------
if ((use_systemctl)); then
  step "Restarting deskql.service"
  systemctl daemon-reload
  systemctl enable --quiet deskql.service deskql-backup.timer
  systemctl restart deskql.service
  systemctl start deskql-backup.timer
  port="$(sed -n 's/^PORT=//p' "$env_file" | tail -n 1)"
  step "Waiting for https://127.0.0.1:${port:-4000}/ready"
  deadline=$((SECONDS + ready_timeout))
  until curl -fsk --max-time 5 "https://127.0.0.1:${port:-4000}/ready" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      systemctl --no-pager status deskql.service || true
      die "DeskQL is not ready after ${ready_timeout} s: see journalctl -u deskql"
    fi
    sleep 2
  done
  echo "DeskQL $new_version is ready."
else
  echo "DeskQL $new_version is installed (systemctl not called: start it with systemctl enable --now deskql deskql-backup.timer)."
fi
