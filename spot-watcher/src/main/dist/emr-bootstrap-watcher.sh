#!/bin/bash
# EMR bootstrap action: installs the trino-spot watcher on task (and optionally core) nodes.
#
#   Script:    s3://YOUR-BUCKET/trino-spot/emr-bootstrap-watcher.sh
#   Arguments: s3://YOUR-BUCKET/trino-spot/spot-watcher-all.jar [--include-core] [--dry-run] [--set key=value ...]
#
# Bootstrap actions run before applications are installed, so the watcher starts before Trino exists;
# it reads the worker's config (default /etc/trino/conf on EMR) when a notice arrives and keeps polling meanwhile.
set -euo pipefail

JAR_URI=${1:?usage: emr-bootstrap-watcher.sh S3_URI_OF_JAR [--include-core] [--dry-run] [--set key=value ...]}
shift
INCLUDE_CORE=false
DRY_RUN=false
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --include-core) INCLUDE_CORE=true ;;
    --dry-run) DRY_RUN=true ;;
    --set) shift; EXTRA+=("${1:?--set needs key=value}") ;;
    *) echo "emr-bootstrap-watcher: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

INSTANCE_INFO=/mnt/var/lib/info/instance.json
if [ -r "$INSTANCE_INFO" ]; then
  if grep -q '"isMaster"[[:space:]]*:[[:space:]]*true' "$INSTANCE_INFO"; then
    echo "emr-bootstrap-watcher: primary node, nothing to do"
    exit 0
  fi
  ROLE=$(sed -n 's/.*"instanceRole"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$INSTANCE_INFO" | tr '[:upper:]' '[:lower:]')
  if [ "$ROLE" = "core" ] && [ "$INCLUDE_CORE" != true ]; then
    echo "emr-bootstrap-watcher: core node and --include-core not given, nothing to do"
    exit 0
  fi
fi

INSTALL_DIR=/opt/trino-spot-watcher
CONF_DIR=/etc/trino-spot-watcher
sudo mkdir -p "$INSTALL_DIR" "$CONF_DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
aws s3 cp "$JAR_URI" "$WORK/spot-watcher.jar"
sudo install -m 0644 "$WORK/spot-watcher.jar" "$INSTALL_DIR/spot-watcher.jar"

# EMR keeps Trino's configuration here; the watcher reads the worker's port and internal secret from it.
sudo tee "$CONF_DIR/watcher.properties" >/dev/null <<PROPS
watcher.trino.config-file=/etc/trino/conf/config.properties
watcher.trino.node-properties-file=/etc/trino/conf/node.properties
watcher.dry-run=$DRY_RUN
PROPS
for setting in "${EXTRA[@]+"${EXTRA[@]}"}"; do
  echo "$setting" | sudo tee -a "$CONF_DIR/watcher.properties" >/dev/null
done

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
if [ -r "$SCRIPT_DIR/trino-spot-watcher.service" ]; then
  sudo install -m 0644 "$SCRIPT_DIR/trino-spot-watcher.service" /etc/systemd/system/trino-spot-watcher.service
else
  aws s3 cp "$(dirname "$JAR_URI")/trino-spot-watcher.service" "$WORK/trino-spot-watcher.service"
  sudo install -m 0644 "$WORK/trino-spot-watcher.service" /etc/systemd/system/trino-spot-watcher.service
fi
if ! command -v java >/dev/null 2>&1; then
  # The watcher needs Java 25, the JDK Trino 483 itself runs on.
  echo "JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)" | sudo tee "$CONF_DIR/watcher.env" >/dev/null
fi
sudo systemctl daemon-reload
sudo systemctl enable --now trino-spot-watcher.service
echo "emr-bootstrap-watcher: watcher installed and started"
