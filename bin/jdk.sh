# Sourced by ./mvnw and ./trino-spot: finds a JDK 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25+, then the usual install locations.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk25() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" "${TRINO_SPOT_JAVA_HOME:-}" \
      /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* /usr/lib/jvm/*25* \
      /opt/java/openjdk* /opt/jdk-25* "$HOME"/.sdkman/candidates/java/25* \
      /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

require_jdk25() {
  local found
  if ! found=$(find_jdk25); then
    cat >&2 <<MSG
trino-spot: no JDK 25 found. Trino 483 needs Java 25.
  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), \$TRINO_SPOT_JAVA_HOME and /usr/lib/jvm/*25*.
  Install one (for example Eclipse Temurin 25, Debian/Ubuntu package temurin-25-jdk) and set JAVA_HOME to it.
MSG
    exit 1
  fi
  export JAVA_HOME="$found"
  export PATH="$JAVA_HOME/bin:$PATH"
}
