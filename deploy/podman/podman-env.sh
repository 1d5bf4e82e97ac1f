# Sourced by the scripts in deploy/podman: podman settings for hosts like the project's build machines.
#
# runc refuses podman's default container rlimits there ("error setting rlimit type 7/6: operation not
# permitted": podman asks for nofile and nproc limits above what the sandbox lets a process raise), so the
# containers get the host's own open-files limit and at most 32768 processes. CONTAINERS_CONF points podman,
# buildah and `podman system service` at that file only, so nothing under /etc/containers is changed.
aigc_podman_work="${AIGC_PODMAN_WORK:-/var/tmp/aigcmesh-podman}"
mkdir -p "$aigc_podman_work"
aigc_nofile="$(ulimit -Hn)"
[ "$aigc_nofile" = unlimited ] && aigc_nofile=1048576
aigc_nproc="$(ulimit -Hu)"
{ [ "$aigc_nproc" = unlimited ] || [ "$aigc_nproc" -gt 32768 ]; } && aigc_nproc=32768
cat > "$aigc_podman_work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=${aigc_nofile}:${aigc_nofile}", "nproc=${aigc_nproc}:${aigc_nproc}"]
CONF
export CONTAINERS_CONF="$aigc_podman_work/containers.conf"
