#!/usr/bin/env bash
# Runs every benchmark once with tiny counts against a freshly started stack, so they cannot
# rot (CI calls this after the tests; the figures of a tiny run mean nothing). The stack uses
# its own database and NATS namespace and is stopped afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

port=${BENCH_GATEWAY_PORT:-4599}
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pki_ci_bench}
export PKI_NATS_PREFIX=cibench$$
export PKI_HTTP_PORT=$port
export PKI_OBJECT_STORE_DIR=$(mktemp -d)
export PKI_ENDPOINT=http://127.0.0.1:$port
# No gRPC listener (run-stack.js would give it development credentials in .data/grpc, for this database's CA).
export PKI_GRPC_ENABLED=false
log=$(mktemp)

[ -f dist/apps/api-gateway/src/main.js ] || npm run build
node tools/run-stack.js >"$log" 2>&1 &
stack=$!
cleanup() {
  kill -TERM "$stack" 2>/dev/null || true
  wait "$stack" 2>/dev/null || true
  psql "${DATABASE_URL%/*}/postgres" -qc "drop database if exists ${DATABASE_URL##*/} with (force)" >/dev/null 2>&1 || true
  rm -rf "$PKI_OBJECT_STORE_DIR"
  # The stack's JetStream streams are named after its prefix: remove them too.
  node -e "
    const { connect } = require('nats');
    (async () => {
      const nc = await connect({ servers: (process.env.NATS_URL || 'nats://127.0.0.1:4222').split(',') });
      const jsm = await nc.jetstreamManager();
      for await (const s of jsm.streams.list()) if (s.config.name.startsWith(process.env.PKI_NATS_PREFIX.toUpperCase() + '_')) await jsm.streams.delete(s.config.name);
      await nc.close();
    })().catch(() => undefined);" || true
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$stack" 2>/dev/null; then cat "$log"; echo "[bench] the stack exited before it was ready" >&2; exit 1; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { tail -50 "$log"; echo "[bench] the stack did not become ready" >&2; exit 1; }

for bench in $(node -e "console.log(Object.keys(require('./package.json').scripts).filter((s) => s.startsWith('bench:')).join(' '))"); do
  echo "[bench] npm run $bench (tiny counts)"
  BENCH_COUNT=${BENCH_COUNT:-4} BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-2} \
    BENCH_PARTITIONED_CERTS=${BENCH_PARTITIONED_CERTS:-3000} BENCH_PARTITION_SIZE=${BENCH_PARTITION_SIZE:-1000} \
    BENCH_SCALE_CERTS=${BENCH_SCALE_CERTS:-300} BENCH_SCALE_REVOKED=${BENCH_SCALE_REVOKED:-30} BENCH_SCALE_BATCH=${BENCH_SCALE_BATCH:-100} \
    npm run --silent "$bench"
done
