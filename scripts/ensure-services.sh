#!/usr/bin/env bash
# Makes sure what the tests and the stack need is present on this machine, and says what it did.
# Used by `npm start`, `npm test`, `npm run services` and CI (.ci/run). Idempotent: a second run
# changes nothing and says so.
#
#   Postgres   on 127.0.0.1:5432, trust auth for local + loopback, database `pki`
#   NATS       on 127.0.0.1:4222 with JetStream and max_payload 8 MB (request bodies up to 3 MB
#              travel over NATS, base64-encoded)
#   openssl    CLI
#   aws        CLI (Debian's awscli, only when no `aws` is on PATH)
#   SoftHSM2   softhsm2-util and the token directory /var/lib/softhsm/tokens
#   cfssl      CLI (Debian's golang-cfssl): the benchmarks' same-run anchor, a stateless signer
#
# When DATABASE_URL / NATS_URL name another host or port, that server is not installed or started
# here: the script only checks that it answers (and, for NATS, that it has JetStream and a large
# enough max_payload) and explains what is wrong otherwise.
#
# Installs (apt) and starting servers need root; without root the script only checks.
# No systemd is assumed: Postgres is started with pg_ctlcluster, NATS with start-stop-daemon.
set -euo pipefail

log() { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

DEFAULT_DATABASE_URL='postgres://postgres@127.0.0.1:5432/pki'
DEFAULT_NATS_URL='nats://127.0.0.1:4222'
NATS_MIN_PAYLOAD=8388608 # 8 MB
NATS_CONF=/etc/nats-server/pki.conf
NATS_PIDFILE=/run/nats-server-pki.pid
NATS_LOG=/var/log/nats-server.log
NATS_DEFAULT_STORE=/var/lib/nats-server
SOFTHSM_TOKENS=/var/lib/softhsm/tokens

CHANGED=0 # set to 1 whenever this run changed anything
changed() { CHANGED=1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------------------------
# apt: `apt-get update` at most once per run, and only when something has to be installed.
APT_UPDATED=0
apt_install() {
  is_root || die "need to install $* but not running as root: run \`sudo apt-get install -y $*\` (or run this script as root)"
  command -v apt-get >/dev/null 2>&1 || die "need to install $* but apt-get is not available: install them with your package manager"
  local apt_opts=(-o DPkg::Lock::Timeout=300 -q)
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update (once, needed to install: $*)"
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >/dev/null
    APT_UPDATED=1
  fi
  log "installing Debian package(s): $*"
  # Without an init system, package maintainer scripts may fail to start services; we start them
  # ourselves below, so a policy-rc.d refusal is fine.
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "$@" >/dev/null
  changed
}

# ---------------------------------------------------------------------------------------------
# URL parsing (scheme://[user[:password]@]host[:port][/path][?query]) in plain bash.
# Sets URL_USER URL_PASS URL_HOST URL_PORT URL_PATH.
parse_url() {
  local url=$1 default_port=$2 rest userinfo hostport
  URL_USER='' URL_PASS='' URL_HOST='' URL_PORT='' URL_PATH=''
  rest=${url#*://}
  rest=${rest%%\?*}
  if [[ $rest == */* ]]; then
    URL_PATH=${rest#*/}
    hostport=${rest%%/*}
  else
    hostport=$rest
  fi
  if [[ $hostport == *@* ]]; then
    userinfo=${hostport%@*}
    hostport=${hostport##*@}
    URL_USER=${userinfo%%:*}
    [[ $userinfo == *:* ]] && URL_PASS=${userinfo#*:}
  fi
  if [[ $hostport =~ ^\[([^]]*)\](:([0-9]+))?$ ]]; then
    URL_HOST=${BASH_REMATCH[1]}
    URL_PORT=${BASH_REMATCH[3]}
  elif [[ $hostport =~ ^([^:]*)(:([0-9]+))?$ ]]; then
    URL_HOST=${BASH_REMATCH[1]}
    URL_PORT=${BASH_REMATCH[3]}
  else
    URL_HOST=$hostport
  fi
  [ -n "$URL_PORT" ] || URL_PORT=$default_port
  [ -n "$URL_HOST" ] || URL_HOST=127.0.0.1
}

is_loopback() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

redact() { sed -E 's#//[^@/]*@#//***@#' <<<"$1"; }

tcp_open() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# NATS probe: connect over TCP, read the INFO line the server sends first, answer CONNECT+PING
# (so the server logs a clean close, not a parser error) and print the INFO JSON.
nats_info() {
  local line
  # shellcheck disable=SC2016 # expanded by the inner bash
  line=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    IFS= read -r line <&3 || exit 1
    printf "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"ensure-services-probe\"}\r\nPING\r\n" >&3
    IFS= read -r -t 2 _ <&3 || true
    exec 3<&-
    printf "%s\n" "$line"
  ' "$1" "$2" 2>/dev/null | tr -d '\r') || return 1
  [[ $line == "INFO "* ]] || return 1
  printf '%s\n' "${line#INFO }"
}
json_field() { # crude but sufficient for NATS INFO: numbers, booleans and plain strings
  sed -nE "s/.*\"$2\":(\"([^\"]*)\"|([^,}]*)).*/\2\3/p" <<<"$1"
}
nats_ok() { # INFO json -> 0 when JetStream is on and max_payload is large enough
  local mp js
  mp=$(json_field "$1" max_payload)
  js=$(json_field "$1" jetstream)
  [ "${mp:-0}" -ge "$NATS_MIN_PAYLOAD" ] && [ "$js" = true ]
}
nats_describe() {
  local mp js
  mp=$(json_field "$1" max_payload)
  js=$(json_field "$1" jetstream)
  printf 'nats-server %s, max_payload=%s bytes, jetstream=%s' "$(json_field "$1" version)" "${mp:-?}" "${js:-false}"
}

# =============================================================================================
# Postgres
# =============================================================================================
DB_URL=${DATABASE_URL:-$DEFAULT_DATABASE_URL}
parse_url "$DB_URL" 5432
PG_HOST=$URL_HOST PG_PORT=$URL_PORT PG_USER=${URL_USER:-postgres} PG_PASS=$URL_PASS
PG_DB=${URL_PATH:-pki}
PG_SUMMARY=''

pg_ready() { # 0 accepting, 1 rejecting (starting up), 2 no response
  local rc=0
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3 || rc=$?
  return $rc
}
pg_wait_ready() {
  local i
  for i in $(seq 1 60); do
    pg_ready && return 0
    sleep 0.5
  done
  return 1
}
psql_admin() { PGPASSWORD=$PG_PASS PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

ensure_database() {
  local db=$1 exists out
  if ! exists=$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${db//\'/\'\'}'" 2>&1); then
    die "cannot connect to Postgres on $PG_HOST:$PG_PORT as user $PG_USER: $exists
  The tests and services expect trust auth for local and loopback connections (or put the password in DATABASE_URL)."
  fi
  if [ "$exists" = 1 ]; then
    log "Postgres: database $db already exists"
    return 0
  fi
  if out=$(psql_admin -c "CREATE DATABASE \"${db//\"/\"\"}\"" 2>&1); then
    log "Postgres: created database $db"
    changed
  elif grep -q 'already exists' <<<"$out"; then
    log "Postgres: database $db already exists (created concurrently)"
  else
    die "could not create database $db: $out"
  fi
}

# The cluster answering (or meant to answer) on port 5432: prints "<version> <name>".
pg_cluster_on_5432() { pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 { print $1, $2; exit }'; }

configure_cluster() { # version name: trust auth for local + loopback, listen on 127.0.0.1:5432
  local ver=$1 name=$2 dir hba conf
  dir=/etc/postgresql/$ver/$name
  hba=$dir/pg_hba.conf
  conf=$dir/conf.d/50-pki-local.conf
  if ! grep -qE '^local[[:space:]]+all[[:space:]]+all[[:space:]]+trust' "$hba" ||
    ! grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" ||
    ! grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+::1/128[[:space:]]+trust' "$hba"; then
    cp -p "$hba" "$hba.bak-$(date +%Y%m%d%H%M%S)"
    {
      echo '# Written by scripts/ensure-services.sh: development/CI only, trust auth on local and loopback.'
      echo 'local   all   all                  trust'
      echo 'host    all   all   127.0.0.1/32   trust'
      echo 'host    all   all   ::1/128        trust'
      # The original entries stay below (first match wins), except earlier copies of these lines.
      grep -vE '^(# Written by scripts/ensure-services.sh|local +all +all +trust$|host +all +all +(127\.0\.0\.1/32|::1/128) +trust$)' "$hba" || true
    } >"$hba.new"
    chown --reference="$hba" "$hba.new"
    chmod --reference="$hba" "$hba.new"
    mv "$hba.new" "$hba"
    log "Postgres: configured trust auth for local and loopback in $hba (backup kept next to it)"
    changed
  fi
  mkdir -p "$dir/conf.d"
  if ! grep -q "listen_addresses = '127.0.0.1'" "$conf" 2>/dev/null; then
    printf "# Written by scripts/ensure-services.sh\nlisten_addresses = '127.0.0.1'\nport = 5432\n" >"$conf"
    chown postgres:postgres "$conf"
    log "Postgres: listen on 127.0.0.1:5432 ($conf)"
    changed
  fi
}

# The e2e suites run stacks with two replicas of every app (about 10 connections each), and
# Debian's default max_connections (100) is too few for them: raise it on the local cluster.
PG_MIN_CONNECTIONS=${PKI_PG_MIN_CONNECTIONS:-300}
ensure_max_connections() {
  local have cluster ver name
  have=$(psql_admin -tAc 'SHOW max_connections' 2>/dev/null) || return 0
  [ "${have:-0}" -ge "$PG_MIN_CONNECTIONS" ] && return 0
  cluster=$(pg_cluster_on_5432)
  if ! is_root || [ -z "$cluster" ]; then
    log "Postgres: max_connections is $have; the test suites need $PG_MIN_CONNECTIONS (ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS, then restart Postgres)"
    return 0
  fi
  read -r ver name <<<"$cluster"
  log "Postgres: raising max_connections from $have to $PG_MIN_CONNECTIONS (the suites run stacks of replicas) and restarting cluster $ver/$name"
  psql_admin -c "ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS" || die "could not raise max_connections"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" restart || die "could not restart Postgres cluster $ver/$name"
  pg_wait_ready || die "Postgres cluster $ver/$name restarted but does not accept connections"
  changed
}

ensure_postgres_local() {
  local rc=0 cluster ver name
  if ! command -v pg_isready >/dev/null 2>&1 && tcp_open 127.0.0.1 5432; then
    log "Postgres: something listens on 127.0.0.1:5432 but the client tools are missing"
    apt_install postgresql-client
  fi
  pg_ready || rc=$?
  if [ "$rc" -eq 1 ]; then
    log "Postgres: 127.0.0.1:5432 is starting up, waiting"
    pg_wait_ready || die "Postgres on 127.0.0.1:5432 did not become ready"
    rc=0
  fi
  if [ "$rc" -eq 0 ]; then
    log "Postgres: already running and accepting connections on $PG_HOST:$PG_PORT (left untouched)"
  else
    is_root || die "nothing answers on 127.0.0.1:5432 and this script is not root, so it cannot install or start Postgres.
  Start Postgres yourself (trust auth for local+loopback), or set DATABASE_URL to a reachable server."
    log "Postgres: nothing answers on 127.0.0.1:5432"
    if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls -d /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
      apt_install postgresql
    fi
    cluster=$(pg_cluster_on_5432)
    if [ -z "$cluster" ]; then
      if [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        die "Postgres clusters exist but none is configured for port 5432:
$(pg_lsclusters)
  Set DATABASE_URL to the right port, or change the port of one cluster (/etc/postgresql/<version>/<cluster>/postgresql.conf)."
      fi
      # shellcheck disable=SC2012
      ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
      log "Postgres: creating cluster $ver/main on port 5432"
      pg_createcluster --port 5432 "$ver" main >/dev/null
      changed
      cluster="$ver main"
    fi
    read -r ver name <<<"$cluster"
    configure_cluster "$ver" "$name"
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    log "Postgres: starting cluster $ver/$name (pg_ctlcluster, runs as user postgres)"
    if ! pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start; then
      tail -n 20 "/var/log/postgresql/postgresql-$ver-$name.log" >&2 2>/dev/null || true
      die "could not start Postgres cluster $ver/$name (log above)"
    fi
    changed
    pg_wait_ready || die "Postgres cluster $ver/$name started but 127.0.0.1:5432 does not accept connections"
    log "Postgres: started, accepting connections on 127.0.0.1:5432"
  fi
  if ! command -v psql >/dev/null 2>&1; then
    apt_install postgresql-client
  fi
  ensure_max_connections
  ensure_database pki
  [ "$PG_DB" = pki ] || ensure_database "$PG_DB"
}

check_postgres_remote() {
  log "Postgres: DATABASE_URL names $(redact "$DB_URL"), not the local default; not installing or starting anything, only checking it answers"
  if command -v pg_isready >/dev/null 2>&1; then
    local rc=0
    pg_isready -q -d "$DB_URL" -t 5 || rc=$?
    case $rc in
      0) log "Postgres: $PG_HOST:$PG_PORT accepts connections" ;;
      1) die "Postgres at $PG_HOST:$PG_PORT answers but rejects connections (starting up?); retry in a moment" ;;
      *) die "nothing answers at $PG_HOST:$PG_PORT (DATABASE_URL). Start that server, fix DATABASE_URL, or unset it to use (and let this script start) the local one on 127.0.0.1:5432" ;;
    esac
  elif tcp_open "$PG_HOST" "$PG_PORT"; then
    log "Postgres: $PG_HOST:$PG_PORT accepts TCP connections (pg_isready not installed, so not checked further)"
  else
    die "nothing answers at $PG_HOST:$PG_PORT (DATABASE_URL). Start that server, fix DATABASE_URL, or unset it to use the local default"
  fi
  log "Postgres: the services create database ${PG_DB} there when it is missing (the user needs CREATEDB)"
}

if [[ $DB_URL != postgres://* && $DB_URL != postgresql://* ]]; then
  die "DATABASE_URL must start with postgres:// or postgresql://"
fi
if is_loopback "$PG_HOST" && [ "$PG_PORT" = 5432 ]; then
  PG_HOST=127.0.0.1
  ensure_postgres_local
  PG_SUMMARY="Postgres $(psql_admin -tAc 'SHOW server_version' 2>/dev/null | awk '{print $1}') on 127.0.0.1:5432, trust auth, database pki"
  [ "$PG_DB" = pki ] || PG_SUMMARY="$PG_SUMMARY and $PG_DB"
else
  check_postgres_remote
  PG_SUMMARY="Postgres at $(redact "$DB_URL") (external, from DATABASE_URL)"
fi

# =============================================================================================
# NATS
# =============================================================================================
NATS_URLS=${NATS_URL:-$DEFAULT_NATS_URL}
NATS_SUMMARY=''

write_nats_conf() { # store_dir
  local store=$1 tmp
  mkdir -p "$(dirname "$NATS_CONF")"
  tmp=$(mktemp)
  cat >"$tmp" <<EOF
# Written by scripts/ensure-services.sh: the local development/CI NATS server of the PKI platform.
listen: 127.0.0.1:4222
# Request bodies up to 3 MB are forwarded over NATS (base64 inflates them by a third).
max_payload: 8MB
jetstream {
  store_dir: "$store"
}
log_file: "$NATS_LOG"
EOF
  if ! /usr/sbin/nats-server -t -c "$tmp" >/dev/null 2>&1; then
    /usr/sbin/nats-server -t -c "$tmp" >&2 || true
    rm -f "$tmp"
    die "the generated NATS configuration does not validate (see above)"
  fi
  if cmp -s "$tmp" "$NATS_CONF" 2>/dev/null; then
    rm -f "$tmp"
  else
    install -m 0644 "$tmp" "$NATS_CONF"
    rm -f "$tmp"
    log "NATS: wrote $NATS_CONF (listen 127.0.0.1:4222, max_payload 8MB, JetStream store $store)"
    changed
  fi
}

start_nats() { # store_dir user
  local store=$1 user=$2 i info
  write_nats_conf "$store"
  touch "$NATS_LOG"
  if [ "$user" != root ]; then chown "$user" "$NATS_LOG"; fi
  log "NATS: starting /usr/sbin/nats-server -c $NATS_CONF as $user (start-stop-daemon, log $NATS_LOG)"
  # --pidfile makes start-stop-daemon match only the server it started (not, say, a test's own
  # nats-server on another port).
  start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$NATS_PIDFILE" \
    --chuid "$user" --exec /usr/sbin/nats-server -- -c "$NATS_CONF" >/dev/null
  changed
  for i in $(seq 1 50); do
    if info=$(nats_info 127.0.0.1 4222) && nats_ok "$info"; then
      log "NATS: started: $(nats_describe "$info")"
      return 0
    fi
    sleep 0.2
  done
  tail -n 20 "$NATS_LOG" >&2 || true
  die "nats-server did not come up on 127.0.0.1:4222 with JetStream and max_payload 8MB (log above)"
}

nats_pid_on_4222() {
  ss -Hltnp 'sport = :4222' 2>/dev/null | grep -oE 'pid=[0-9]+' | head -1 | cut -d= -f2
}

# The JetStream store dir of a running nats-server, from its command line or config file.
nats_store_of() {
  local pid=$1 args=() i conf='' store=''
  mapfile -d '' -t args <"/proc/$pid/cmdline"
  for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
      -sd | --sd | -store_dir | --store_dir) store=${args[i + 1]:-} ;;
      -sd=* | --sd=* | -store_dir=* | --store_dir=*) store=${args[i]#*=} ;;
      -c | --config | -config) conf=${args[i + 1]:-} ;;
      -c=* | --config=* | -config=*) conf=${args[i]#*=} ;;
    esac
  done
  if [ -z "$store" ] && [ -n "$conf" ]; then
    [[ $conf == /* ]] || conf=$(readlink -f "/proc/$pid/cwd")/$conf
    store=$(sed -nE 's/^[[:space:]]*store_dir[[:space:]]*[:=][[:space:]]*"?([^"#]*[^"#[:space:]])"?.*/\1/p' "$conf" 2>/dev/null | head -1)
  fi
  printf '%s' "${store:-$NATS_DEFAULT_STORE}"
}

restart_local_nats() { # pid info
  local pid=$1 info=$2 store user i
  store=$(nats_store_of "$pid")
  user=$(ps -o user= -p "$pid" | tr -d ' ')
  log "NATS: the local Debian nats-server (pid $pid, $(tr '\0' ' ' <"/proc/$pid/cmdline"| sed 's/ $//')) has $(nats_describe "$info");"
  log "NATS: the platform needs JetStream and max_payload >= 8MB, so RESTARTING it with $NATS_CONF, keeping its JetStream store $store"
  write_nats_conf "$store"
  kill -TERM "$pid"
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    die "nats-server pid $pid did not stop within 30s after SIGTERM; stop it yourself and re-run this script"
  fi
  log "NATS: stopped pid $pid"
  start_nats "$store" "${user:-root}"
}

ensure_nats_local() {
  local info pid exe user store
  if info=$(nats_info 127.0.0.1 4222); then
    if nats_ok "$info"; then
      log "NATS: already running on 127.0.0.1:4222: $(nats_describe "$info")"
      return 0
    fi
    pid=$(nats_pid_on_4222 || true)
    if [ -z "$pid" ]; then
      pid=$(pgrep -x nats-server | head -1 || true)
      [ "$(pgrep -xc nats-server || true)" = 1 ] || pid=''
    fi
    exe=''
    [ -n "$pid" ] && exe=$(readlink -f "/proc/$pid/exe" 2>/dev/null || true)
    if is_root && [ "$exe" = /usr/sbin/nats-server ]; then
      restart_local_nats "$pid" "$info"
      return 0
    fi
    die "a NATS server on 127.0.0.1:4222 has $(nats_describe "$info"), but the platform needs
  JetStream and max_payload >= 8MB (request bodies up to 3 MB travel over NATS, base64-encoded).
  It is not the local Debian nats-server this script manages (pid ${pid:-unknown}, ${exe:-unknown executable})$(is_root || echo ', and this script is not root').
  Restart it with \`-js --max_payload 8MB\` (or config \`max_payload: 8MB\` and a \`jetstream {}\` block),
  or point NATS_URL at a server that has both."
  fi
  if tcp_open 127.0.0.1 4222; then
    die "something listens on 127.0.0.1:4222 but does not speak NATS (no INFO line); free the port or set NATS_URL"
  fi
  is_root || die "nothing listens on 127.0.0.1:4222 and this script is not root, so it cannot install or start nats-server.
  Start one yourself: nats-server -a 127.0.0.1 -p 4222 -js --max_payload 8MB, or set NATS_URL."
  log "NATS: nothing listens on 127.0.0.1:4222"
  [ -x /usr/sbin/nats-server ] || apt_install nats-server
  store=$NATS_DEFAULT_STORE
  user=root
  # Run as the Debian package's `nats` user when the store belongs to it (or does not exist yet).
  if id nats >/dev/null 2>&1; then
    if [ ! -d "$store" ]; then
      install -d -o nats -g nats -m 0750 "$store"
      changed
    fi
    [ "$(stat -c %U "$store")" = nats ] && user=nats
  else
    [ -d "$store" ] || { install -d -m 0750 "$store"; changed; }
  fi
  start_nats "$store" "$user"
}

check_nats_remote() {
  local u info all_ok=1 first=1
  log "NATS: NATS_URL names $(redact "$NATS_URLS"), not the local default; not installing or starting anything, only checking it answers"
  IFS=',' read -ra urls <<<"$NATS_URLS"
  for u in "${urls[@]}"; do
    u=$(sed -E 's/^[[:space:]]+|[[:space:]]+$//g' <<<"$u")
    [[ $u == *://* ]] || u="nats://$u"
    parse_url "$u" 4222
    if [[ $u == tls://* ]]; then
      if tcp_open "$URL_HOST" "$URL_PORT"; then
        log "NATS: $URL_HOST:$URL_PORT accepts TCP connections (TLS: JetStream and max_payload not probed; make sure JetStream is on and max_payload >= 8MB)"
      else
        all_ok=0
        warn "NATS: nothing answers at $URL_HOST:$URL_PORT"
      fi
      continue
    fi
    if info=$(nats_info "$URL_HOST" "$URL_PORT"); then
      if nats_ok "$info"; then
        log "NATS: $URL_HOST:$URL_PORT: $(nats_describe "$info")"
      else
        die "NATS at $URL_HOST:$URL_PORT has $(nats_describe "$info"); the platform needs JetStream and max_payload >= 8MB.
  Restart that server with \`-js --max_payload 8MB\` (or \`max_payload: 8MB\` and a \`jetstream {}\` block in its config)."
      fi
      first=0
    else
      all_ok=0
      warn "NATS: nothing answers at $URL_HOST:$URL_PORT"
    fi
  done
  if [ "$first" -eq 1 ] && [ "$all_ok" -eq 0 ]; then
    die "no server named by NATS_URL answers. Start it, fix NATS_URL, or unset it to use (and let this script start) the local one on 127.0.0.1:4222"
  fi
}

if [[ $NATS_URLS != *,* ]] && { [[ $NATS_URLS == nats://* ]] || [[ $NATS_URLS != *://* ]]; }; then
  parse_url "$NATS_URLS" 4222
else
  URL_HOST='' URL_PORT=''
fi
if is_loopback "$URL_HOST" && [ "$URL_PORT" = 4222 ] && [[ $NATS_URLS != *@* ]]; then
  ensure_nats_local
  NATS_SUMMARY="NATS on 127.0.0.1:4222: $(nats_describe "$(nats_info 127.0.0.1 4222 || true)")"
else
  check_nats_remote
  NATS_SUMMARY="NATS at $(redact "$NATS_URLS") (external, from NATS_URL)"
fi

# =============================================================================================
# OpenSSL CLI and SoftHSM2
# =============================================================================================
missing=()
if command -v openssl >/dev/null 2>&1; then
  log "openssl: already installed"
else
  missing+=(openssl)
fi
if command -v softhsm2-util >/dev/null 2>&1; then
  log "SoftHSM2: already installed"
else
  missing+=(softhsm2)
fi
# The aws CLI drives the stack in apps/e2e/src/aws-cli-compat.e2e-spec.ts. Any `aws` on PATH will do
# (v1 or v2, e.g. from pip or pyenv); Debian's awscli package only when there is none.
if command -v aws >/dev/null 2>&1; then
  log "aws CLI: already installed ($(command -v aws))"
else
  missing+=(awscli)
fi
# `cfssl serve` is the stateless signer the issuance benchmark measures beside the stack (bench/kit/anchors.ts).
if command -v cfssl >/dev/null 2>&1; then
  log "cfssl: already installed"
else
  missing+=(golang-cfssl)
fi
# GnuTLS's certtool and NSS's crlutil/vfychain: the independent validators the partitioned-CRL e2e
# (apps/e2e/src/crl-partitioned.e2e-spec.ts) checks certificates and partition CRLs with, beside OpenSSL.
if command -v certtool >/dev/null 2>&1; then
  log "GnuTLS certtool: already installed"
else
  missing+=(gnutls-bin)
fi
if command -v vfychain >/dev/null 2>&1 && command -v crlutil >/dev/null 2>&1; then
  log "NSS tools: already installed"
else
  missing+=(libnss3-tools)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi
if [ -d "$SOFTHSM_TOKENS" ]; then
  log "SoftHSM2: token directory $SOFTHSM_TOKENS already exists"
elif is_root; then
  install -d -m 0770 "$SOFTHSM_TOKENS"
  log "SoftHSM2: created token directory $SOFTHSM_TOKENS"
  changed
else
  warn "SoftHSM2: $SOFTHSM_TOKENS is missing and this script is not root; create it, or set SOFTHSM2_CONF to a config whose directories.tokendir you can write"
fi

# =============================================================================================
# Summary
# =============================================================================================
if [ "$CHANGED" -eq 0 ]; then
  log "nothing to do: everything was already there"
fi
log "available:"
log "  $PG_SUMMARY"
log "  $NATS_SUMMARY"
log "  $(openssl version 2>/dev/null || echo 'openssl: missing')"
log "  SoftHSM2 $(softhsm2-util --version 2>/dev/null || echo '?') (tokens in $SOFTHSM_TOKENS)"
log "  $(command -v aws >/dev/null 2>&1 && AWS_PAGER='' aws --version 2>&1 | head -n 1 || echo 'aws CLI: missing')"
log "  $(command -v cfssl >/dev/null 2>&1 && cfssl version 2>/dev/null | head -n 1 || echo 'cfssl: missing')"
log "  node $(node --version 2>/dev/null || echo 'missing'), npm $(npm --version 2>/dev/null || echo 'missing')"
