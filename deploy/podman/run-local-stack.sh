#!/usr/bin/env bash
# Runs the images that build-local-images.sh built as the compose stack, with docker-compose 1.29 talking to
# `podman system service` (no Docker engine needed), and drives the gateway with curl.
#
#   deploy/podman/run-local-stack.sh probe     # each backend image alone with the broker: its HEALTHCHECK passes
#   deploy/podman/run-local-stack.sh up [N]    # podman API socket, health ticker, compose up with N trainers (2)
#   deploy/podman/run-local-stack.sh smoke     # curl: health, import, train, SIGTERM the busy trainer, resume, generate
#   deploy/podman/run-local-stack.sh ps        # the containers and their health
#   deploy/podman/run-local-stack.sh down      # compose down -v, stop the ticker and the API socket
#
# Settings (environment): AIGC_PODMAN_WORK (/var/tmp/aigcmesh-podman), AIGC_GATEWAY_PORT (8080),
# AIGC_API_KEY (made once and kept in $AIGC_PODMAN_WORK/api-key), AIGC_COMPOSE_PROJECT (aigcmesh).
# Needs: podman, docker-compose (1.29), curl, jq. See deploy/podman/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=deploy/podman/podman-env.sh
. "$here/podman-env.sh"
work="$aigc_podman_work"
project="${AIGC_COMPOSE_PROJECT:-aigcmesh}"
socket="$work/podman.sock"
export DOCKER_HOST="unix://$socket"
export AIGC_GATEWAY_PORT="${AIGC_GATEWAY_PORT:-8080}"
gateway="http://127.0.0.1:$AIGC_GATEWAY_PORT"
if [ -z "${AIGC_API_KEY:-}" ]; then
  [ -s "$work/api-key" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/api-key"
  AIGC_API_KEY="$(cat "$work/api-key")"
fi
export AIGC_API_KEY_SHA256="$(printf %s "$AIGC_API_KEY" | sha256sum | cut -d' ' -f1)"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
# podman without systemd says on every run/rm that it cannot add or remove its health-check timers (the ticker
# below stands in for them) and that syslog is missing: drop those lines, keep everything else.
podman() { command podman "$@" 2> >(grep -v -e 'systemd connection' -e 'connect to syslog' >&2); }
compose() { docker-compose -p "$project" --project-directory "$repo" -f "$repo/docker-compose.yml" -f "$here/docker-compose.podman.yml" "$@"; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The Docker API on a unix socket, served by podman (what docker-compose talks to).
start_api() {
  alive "$work/service.pid" && return
  rm -f "$socket"
  podman system service --time=0 "unix://$socket" > "$work/service.log" 2>&1 &
  echo $! > "$work/service.pid"
  for _ in $(seq 1 50); do [ -S "$socket" ] && return; sleep 0.2; done
  echo "podman system service did not open $socket" >&2; exit 1
}

# Podman runs HEALTHCHECKs from systemd timers; without systemd (containers, sandboxes) nothing runs them and
# every container stays "starting", so compose's `condition: service_healthy` would wait forever. This loop
# does the engine's part: every 15 s (the images' interval) it runs each running container's health check.
start_ticker() {
  alive "$work/ticker.pid" && return
  (
    while :; do
      for id in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
        podman healthcheck run "$id" >/dev/null 2>&1 &
      done
      wait
      sleep 15
    done
  ) > /dev/null 2>&1 &
  echo $! > "$work/ticker.pid"
}

stop_pid() {
  if alive "$1"; then
    local pid; pid="$(cat "$1")"
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

api() { # METHOD PATH [JSON]
  local args=(-sS -X "$1" -H "X-Api-Key: $AIGC_API_KEY" "$gateway$2")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl "${args[@]}"
}

await() { # SECONDS DESCRIPTION COMMAND...: retries COMMAND every second until it succeeds
  local seconds="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out after ${seconds}s: $what" >&2; return 1; }
    sleep 1
  done
}

container_of() { # a trainer id (<hostname>-<pid>) -> its container's name
  local host="${1%-*}"
  podman ps --filter "label=com.docker.compose.service=trainer" --format '{{.ID}} {{.Names}}' \
    | awk -v h="$host" 'index($1, h) == 1 || index(h, $1) == 1 { print $2 }'
}

smoke() {
  log "gateway ready: $(curl -sS "$gateway/health/ready")"
  local consumers
  consumers="$(podman exec "$(podman ps -q --filter label=com.docker.compose.service=rabbitmq | head -1)" \
    rabbitmqctl list_queues -q name consumers | awk '$1 == "start-training" { print $2 }')"
  log "consumers on start-training: $consumers"

  log "import the built-in images"
  local imported dataset
  imported="$(api POST '/api/datasets?wait=true' '{"source":"builtin","name":"synthetic-images"}')"
  dataset="$(jq -r .datasetId <<< "$imported")"
  [ "$(jq -r .state <<< "$imported")" = succeeded ] || { echo "import failed: $imported" >&2; exit 1; }
  log "data set $dataset"

  log "train a small DCGAN (2000 steps)"
  local run
  run="$(api POST /api/runs "{\"datasetId\":\"$dataset\",\"family\":\"dcgan\",\"maxSteps\":2000,\"seed\":7,
    \"hyperparameters\":{\"latent_size\":16,\"generator_width\":8,\"discriminator_width\":8,\"batch_size\":16}}" | jq -r .id)"
  log "run $run"
  running() { api GET "/api/runs/$run" | jq -e '.status == "running" and .step >= 100' > /dev/null; }
  await 180 "run $run running past step 100" running
  local before trainer victim stopped_at
  before="$(api GET "/api/runs/$run")"
  trainer="$(jq -r .trainerId <<< "$before")"
  victim="$(container_of "$trainer")"
  log "run at step $(jq -r .step <<< "$before") on trainer $trainer (container $victim): podman stop (SIGTERM, 60 s grace)"
  local t0=$SECONDS
  podman stop -t 60 "$victim" > /dev/null
  log "container $victim stopped after $(( SECONDS - t0 )) s; its log:"
  podman logs "$victim" 2>&1 | grep -E "handed back|shutting down|checkpoint" | tail -3 || true
  resumed() { api GET "/api/runs/$run" | jq -e --arg t "$trainer" '.trainerId != $t and .resumedFromStep != null' > /dev/null; }
  await 120 "run $run resumed by another trainer" resumed
  done_() { api GET "/api/runs/$run" | jq -e '.status == "completed" or .status == "failed"' > /dev/null; }
  await 600 "run $run finished" done_
  local after
  after="$(api GET "/api/runs/$run")"
  log "run $(jq -c '{status, step, trainerId, resumedFromStep, modelId}' <<< "$after")"
  [ "$(jq -r .status <<< "$after")" = completed ] || { echo "run did not complete" >&2; exit 1; }
  podman start "$victim" > /dev/null
  log "restarted $victim"

  log "generate 4 images"
  local model generated
  model="$(jq -r .modelId <<< "$after")"
  # The generator learns of the model from ModelRegistered (its own registry): wait until it lists it.
  known() { api GET /api/generations/models | jq -e --arg m "$model" 'any(.[]; .modelId == $m)' > /dev/null; }
  await 60 "the generator knowing model $model" known
  generated="$(api POST /api/generations "{\"modelId\":\"$model\",\"images\":{\"count\":4,\"seed\":1}}")"
  [ "$(jq '.images | length' <<< "$generated" 2>/dev/null)" = 4 ] || { echo "generation failed: $generated" >&2; exit 1; }
  log "generated $(jq -c '{images: (.images | length), worker, modelMilliseconds}' <<< "$generated")"
  log "smoke test passed"
}

# Each backend image alone with the broker stand-in on a network of its own: how long until its HEALTHCHECK
# (the image's own probe, `podman healthcheck run`) passes. The gateway's probe needs its upstreams: `up` shows it.
probe() {
  local prefix="${AIGC_IMAGE_PREFIX:-aigcmesh}" tag="${AIGC_IMAGE_TAG:-latest}" net=aigcmesh-probe
  podman network exists "$net" || podman network create "$net" > /dev/null
  podman rm -f aigcmesh-probe-rabbitmq > /dev/null 2>&1 || true
  podman run -d --name aigcmesh-probe-rabbitmq --network "$net" --network-alias rabbitmq \
    -e RABBITMQ_DEFAULT_USER=aigc -e RABBITMQ_DEFAULT_PASS=aigc localhost/aigcmesh-standin/rabbitmq:3-management > /dev/null
  rabbit_ok() { podman exec aigcmesh-probe-rabbitmq rabbitmq-diagnostics -q check_port_connectivity > /dev/null 2>&1; }
  await 120 "broker stand-in" rabbit_ok
  local service failed=0
  for service in ${AIGC_PROBE_SERVICES:-dataset trainer generator evaluator}; do
    local name="aigcmesh-probe-$service" t0 result
    podman rm -f "$name" > /dev/null 2>&1 || true
    t0="$(date +%s.%N)"
    podman run -d --name "$name" --network "$net" -e Messaging__Transport=RabbitMq \
      -e Messaging__RabbitMqUrl=amqp://aigc:aigc@rabbitmq:5672/ "$prefix/$service:$tag" > /dev/null
    healthy() { podman healthcheck run "$name" > /dev/null 2>&1; }
    if await 120 "$service healthy" healthy; then
      result="healthy after $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s"
    else
      result="NOT healthy: $(podman inspect "$name" --format '{{json .State.Health.Log}}' | tail -c 400)"; failed=1
    fi
    log "$prefix/$service:$tag, $(podman image inspect "$prefix/$service:$tag" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }'), user $(podman exec "$name" id -u): $result"
    podman rm -f -t 30 "$name" > /dev/null
  done
  podman rm -f aigcmesh-probe-rabbitmq > /dev/null
  podman network rm "$net" > /dev/null
  return "$failed"
}

case "${1:-}" in
  probe) probe ;;
  up)
    start_api
    start_ticker
    log "compose up with ${2:-2} trainers (gateway on $gateway, API key in $work/api-key)"
    t0=$SECONDS
    compose up -d --no-build --scale trainer="${2:-2}"
    log "compose up returned after $(( SECONDS - t0 )) s (every dependency healthy)"
    await 180 "gateway ready" curl -sf -o /dev/null "$gateway/health/ready"
    log "gateway ready after $(( SECONDS - t0 )) s"
    ;;
  smoke) smoke ;;
  ps)
    podman ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}\t{{.Status}}\t{{.Image}}'
    ;;
  down)
    alive "$work/service.pid" && compose down -v --remove-orphans || true
    stop_pid "$work/ticker.pid"
    stop_pid "$work/service.pid"
    ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
