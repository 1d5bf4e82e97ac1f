#!/usr/bin/env bash
# Builds every AigcMesh image with podman on a host without a Docker engine and without access to
# mcr.microsoft.com or docker.io (the project's build machines): it first makes local stand-ins for the
# .NET SDK and ASP.NET runtime base images (and for rabbitmq:3.13-management) from a minimal Debian rootfs
# (mmdebstrap) plus this host's .NET 10 SDK, then builds the UNCHANGED deploy/docker/Dockerfile for each
# service with DOTNET_SDK_IMAGE / DOTNET_RUNTIME_IMAGE pointing at the stand-ins.
#
#   sudo apt-get install -y podman buildah mmdebstrap
#   deploy/podman/build-local-images.sh                     # stand-ins + the five service images (CPU)
#   AIGC_SERVICES="AigcMesh.Trainer" deploy/podman/build-local-images.sh
#
# Settings (environment): AIGC_PODMAN_WORK (/var/tmp/aigcmesh-podman: rootfs tarball, staged contexts,
# logs), AIGC_STANDIN_SUITE (trixie), AIGC_DEBIAN_MIRROR (http://deb.debian.org/debian), DOTNET_ROOT
# (/usr/share/dotnet), AIGC_EXTRA_CA_DIR (/usr/local/share/ca-certificates: *.crt trusted by the SDK stand-in,
# for a package mirror behind a private CA), AIGC_SERVICES, AIGC_IMAGE_PREFIX (aigcmesh), AIGC_IMAGE_TAG
# (latest), AIGC_REBUILD_STANDINS=1 (make the stand-ins again). See deploy/podman/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=deploy/podman/podman-env.sh
. "$here/podman-env.sh"
work="$aigc_podman_work"
suite="${AIGC_STANDIN_SUITE:-trixie}"
mirror="${AIGC_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
dotnet_root="${DOTNET_ROOT:-/usr/share/dotnet}"
extra_ca="${AIGC_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"
prefix="${AIGC_IMAGE_PREFIX:-aigcmesh}"
tag="${AIGC_IMAGE_TAG:-latest}"
read -r -a services <<< "${AIGC_SERVICES:-AigcMesh.Gateway AigcMesh.Dataset AigcMesh.Trainer AigcMesh.Generator AigcMesh.Evaluator}"
rebuild="${AIGC_REBUILD_STANDINS:-0}"

base_image=localhost/aigcmesh-standin/${suite}-base:latest
aspnet_image=localhost/aigcmesh-standin/dotnet-aspnet:10.0
sdk_image=localhost/aigcmesh-standin/dotnet-sdk:10.0
rabbitmq_image=localhost/aigcmesh-standin/rabbitmq:3-management

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
need() { command -v "$1" >/dev/null || { echo "$1 is missing: apt-get install -y ${2:-$1}" >&2; exit 1; }; }
need podman; need mmdebstrap
image_missing() { [ "$rebuild" = 1 ] || ! podman image exists "$1"; }

# 1. A minimal Debian rootfs with what the .NET runtime needs (the packages of the real runtime-deps image).
if image_missing "$base_image"; then
  log "rootfs: mmdebstrap $suite from $mirror"
  mmdebstrap --variant=minbase \
    --include=ca-certificates,libicu76,libssl3t64,tzdata,zlib1g,libstdc++6,libgcc-s1,passwd \
    "$suite" "$work/$suite-base.tar" "$mirror" > "$work/mmdebstrap.log" 2>&1 \
    || { tail -20 "$work/mmdebstrap.log" >&2; exit 1; }
  podman import "$work/$suite-base.tar" "$base_image" >/dev/null
  rm -f "$work/$suite-base.tar"
fi

# 2. The ASP.NET runtime stand-in: the host's runtimes only (dotnet muxer, host/, shared/).
runtime_version="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -1)"
aspnet_version="$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)"
sdk_version="$(ls "$dotnet_root/sdk" | sort -V | tail -1)"
if image_missing "$aspnet_image"; then
  log "stand-in $aspnet_image (.NET $runtime_version, ASP.NET Core $aspnet_version)"
  ctx="$work/ctx-aspnet"; rm -rf "$ctx"; mkdir -p "$ctx/dotnet"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/shared" "$ctx/dotnet/"
  cp -a "$dotnet_root"/LICENSE.txt "$dotnet_root"/ThirdPartyNotices.txt "$ctx/dotnet/" 2>/dev/null || true
  podman build --format docker --network host -f "$here/standin/Containerfile.aspnet" \
    --build-arg BASE_IMAGE="$base_image" --build-arg DOTNET_VERSION="$runtime_version" \
    --build-arg ASPNET_VERSION="$aspnet_version" -t "$aspnet_image" "$ctx" > "$work/standin-aspnet.log" 2>&1 \
    || { tail -20 "$work/standin-aspnet.log" >&2; exit 1; }
fi

# 3. The SDK stand-in: the runtime stand-in plus the host's SDK (and the host's extra CA certificates).
if image_missing "$sdk_image"; then
  log "stand-in $sdk_image (SDK $sdk_version)"
  ctx="$work/ctx-sdk"; rm -rf "$ctx"; mkdir -p "$ctx/dotnet" "$ctx/ca"
  for part in sdk packs sdk-manifests templates metadata dnx; do
    [ -e "$dotnet_root/$part" ] && cp -a "$dotnet_root/$part" "$ctx/dotnet/"
  done
  if [ -d "$extra_ca" ]; then find "$extra_ca" -maxdepth 1 -name '*.crt' -exec cp {} "$ctx/ca/" \; ; fi
  podman build --format docker --network host -f "$here/standin/Containerfile.sdk" \
    --build-arg RUNTIME_IMAGE="$aspnet_image" --build-arg DOTNET_SDK_VERSION="$sdk_version" \
    -t "$sdk_image" "$ctx" > "$work/standin-sdk.log" 2>&1 \
    || { tail -20 "$work/standin-sdk.log" >&2; exit 1; }
fi

# 4. The RabbitMQ stand-in (compose's rabbitmq:3.13-management; used through docker-compose.podman.yml).
if image_missing "$rabbitmq_image"; then
  log "stand-in $rabbitmq_image (Debian $suite's rabbitmq-server)"
  ctx="$work/ctx-rabbitmq"; rm -rf "$ctx"; mkdir -p "$ctx"
  podman build --format docker --network host -f "$here/standin/Containerfile.rabbitmq" \
    --build-arg BASE_IMAGE="$base_image" -t "$rabbitmq_image" "$ctx" > "$work/standin-rabbitmq.log" 2>&1 \
    || { tail -20 "$work/standin-rabbitmq.log" >&2; exit 1; }
fi

# 5. The services, from the unchanged Dockerfile. Docker format keeps the HEALTHCHECK (OCI drops it).
cd "$repo"
for service in "${services[@]}"; do
  name="$(printf %s "${service#AigcMesh.}" | tr '[:upper:]' '[:lower:]')"
  image="$prefix/$name:$tag"
  log "build $image from deploy/docker/Dockerfile (log: $work/build-$name.log)"
  start=$(date +%s)
  podman build --format docker --network host -f deploy/docker/Dockerfile \
    --build-arg SERVICE="$service" \
    --build-arg DOTNET_SDK_IMAGE="$sdk_image" \
    --build-arg DOTNET_RUNTIME_IMAGE="$aspnet_image" \
    -t "$image" . > "$work/build-$name.log" 2>&1 \
    || { tail -30 "$work/build-$name.log" >&2; exit 1; }
  log "built $image in $(( $(date +%s) - start )) s"
done
podman images --filter reference="$prefix/*" --filter reference='localhost/aigcmesh-standin/*' \
  --format '{{.Repository}}:{{.Tag}}\t{{.Size}}'
