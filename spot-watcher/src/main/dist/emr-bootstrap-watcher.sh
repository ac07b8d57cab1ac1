#!/bin/bash
# EMR bootstrap action: installs the trino-spot watcher on task (and optionally core) nodes.
#
#   Script:    s3://YOUR-BUCKET/trino-spot/emr-bootstrap-watcher.sh
#   Arguments: s3://YOUR-BUCKET/trino-spot/spot-watcher-all.jar [--include-core] [--dry-run]
#              [--shared-secret-ssm-parameter NAME | --shared-secret-secret-id ID] [--set key=value ...]
#
# The worker's internal-communication.shared-secret never goes on a command line, where the EMR console, ps and the
# bootstrap logs would show it: name the SSM SecureString parameter or the Secrets Manager secret (SecretString) that
# holds it, readable by the instance profile. It is fetched into a root-only file that systemd hands to the watcher
# (LoadCredential= in trino-spot-watcher.service). --set refuses the secret's keys.
#
# Bootstrap actions run before applications are installed, so the watcher starts before Trino exists;
# it reads the worker's config (default /etc/trino/conf on EMR) when a notice arrives and keeps polling meanwhile.
#
# DESTDIR (unset on a node) is prepended to every path the script installs to, to try it out in a scratch directory.
set -euo pipefail

USAGE="usage: emr-bootstrap-watcher.sh S3_URI_OF_JAR [--include-core] [--dry-run] [--shared-secret-ssm-parameter NAME | --shared-secret-secret-id ID] [--set key=value ...]"
fail() {
  echo "emr-bootstrap-watcher: $*" >&2
  exit 2
}
die() {
  echo "emr-bootstrap-watcher: $*" >&2
  exit 1
}

[ $# -ge 1 ] || fail "$USAGE"
JAR_URI=$1
shift
INCLUDE_CORE=false
DRY_RUN=false
SECRET_SOURCE=
SECRET_NAME=
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --include-core) INCLUDE_CORE=true ;;
    --dry-run) DRY_RUN=true ;;
    --shared-secret-ssm-parameter | --shared-secret-secret-id)
      [ -z "$SECRET_SOURCE" ] || fail "give the shared secret's source once (--shared-secret-ssm-parameter or --shared-secret-secret-id)"
      [ $# -ge 2 ] && [ -n "$2" ] || fail "$1 needs the name of the parameter or secret"
      SECRET_SOURCE=$1
      SECRET_NAME=$2
      shift
      ;;
    --set)
      [ $# -ge 2 ] || fail "--set needs key=value"
      setting=$2
      shift
      # Only the part before '=' is ever printed: the value may be the secret itself.
      key=${setting%%=*}
      [ "$key" != "$setting" ] || fail "--set needs key=value"
      case "$setting" in *$'\n'* | *$'\r'*) fail "--set $key: one setting per --set" ;; esac
      # As java.util.Properties reads the key: surrounding blanks and backslash escapes do not change it.
      normalized=${key//[[:space:]\\]/}
      case "$normalized" in
        watcher.trino.shared-secret*)
          fail "--set $normalized: the shared secret does not belong on a command line (EMR console, ps, bootstrap logs); use --shared-secret-ssm-parameter NAME or --shared-secret-secret-id ID" ;;
      esac
      EXTRA+=("$setting")
      ;;
    *) fail "unknown argument $1 ($USAGE)" ;;
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

ROOT=${DESTDIR:-}
INSTALL_DIR=$ROOT/opt/trino-spot-watcher
CONF_DIR=$ROOT/etc/trino-spot-watcher
UNIT_DIR=$ROOT/etc/systemd/system
# The unit's LoadCredential= reads this file; the agent finds the copy under this name in $CREDENTIALS_DIRECTORY.
SECRET_FILE=$CONF_DIR/shared-secret
CREDENTIAL=trino-shared-secret

sudo mkdir -p "$INSTALL_DIR" "$CONF_DIR" "$UNIT_DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -n "$SECRET_SOURCE" ]; then
  # aws prints the value; it goes straight into a file only root (and this user, until the trap) can read, and is
  # never an argument of any process.
  (
    umask 077
    if [ "$SECRET_SOURCE" = --shared-secret-ssm-parameter ]; then
      aws ssm get-parameter --name "$SECRET_NAME" --with-decryption --query Parameter.Value --output text >"$WORK/shared-secret"
    else
      aws secretsmanager get-secret-value --secret-id "$SECRET_NAME" --query SecretString --output text >"$WORK/shared-secret"
    fi
  ) || die "cannot read the shared secret $SECRET_NAME (does the instance profile allow it?)"
  # --output text prints None for a field that is missing, such as the SecretString of a binary secret.
  if ! grep -q '[^[:space:]]' "$WORK/shared-secret" || grep -qx 'None' "$WORK/shared-secret"; then
    die "the shared secret $SECRET_NAME is empty or not text"
  fi
  (umask 077 && sudo install -m 0600 "$WORK/shared-secret" "$SECRET_FILE")
  rm -f "$WORK/shared-secret"
else
  echo "emr-bootstrap-watcher: no shared secret given; the watcher takes internal-communication.shared-secret from the worker's config and refuses to drain without one"
fi

aws s3 cp "$JAR_URI" "$WORK/spot-watcher.jar"
sudo install -m 0644 "$WORK/spot-watcher.jar" "$INSTALL_DIR/spot-watcher.jar"

# EMR keeps Trino's configuration here; the watcher reads the worker's port and discovery.uri from it, which the
# unit's unprivileged user must be able to read (see trino-spot-watcher.service).
{
  echo "watcher.trino.config-file=/etc/trino/conf/config.properties"
  echo "watcher.trino.node-properties-file=/etc/trino/conf/node.properties"
  echo "watcher.dry-run=$DRY_RUN"
  if [ -n "$SECRET_SOURCE" ]; then
    echo "watcher.trino.shared-secret-file=\${ENV:CREDENTIALS_DIRECTORY}/$CREDENTIAL"
  fi
  for setting in "${EXTRA[@]+"${EXTRA[@]}"}"; do
    echo "$setting"
  done
} >"$WORK/watcher.properties"
sudo install -m 0644 "$WORK/watcher.properties" "$CONF_DIR/watcher.properties"

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
if [ -r "$SCRIPT_DIR/trino-spot-watcher.service" ]; then
  sudo install -m 0644 "$SCRIPT_DIR/trino-spot-watcher.service" "$UNIT_DIR/trino-spot-watcher.service"
else
  aws s3 cp "$(dirname "$JAR_URI")/trino-spot-watcher.service" "$WORK/trino-spot-watcher.service"
  sudo install -m 0644 "$WORK/trino-spot-watcher.service" "$UNIT_DIR/trino-spot-watcher.service"
fi
if ! command -v java >/dev/null 2>&1; then
  # The watcher needs Java 25, the JDK Trino 483 itself runs on.
  echo "JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)" >"$WORK/watcher.env"
  sudo install -m 0644 "$WORK/watcher.env" "$CONF_DIR/watcher.env"
fi
sudo systemctl daemon-reload
sudo systemctl enable --now trino-spot-watcher.service
echo "emr-bootstrap-watcher: watcher installed and started"
