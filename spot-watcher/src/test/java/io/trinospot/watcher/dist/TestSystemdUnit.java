package io.trinospot.watcher.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped unit runs the agent unprivileged and locked down, with the secret as a systemd credential. */
class TestSystemdUnit
{
    static final Path UNIT = Path.of("src/main/dist/trino-spot-watcher.service");

    /** The directives of the [Service] section, as written, without comments. */
    static List<String> serviceDirectives()
            throws IOException
    {
        List<String> directives = new ArrayList<>();
        boolean inService = false;
        for (String line : Files.readAllLines(UNIT)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                inService = trimmed.equals("[Service]");
            }
            else if (inService && !trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
                directives.add(trimmed);
            }
        }
        return directives;
    }

    @Test
    void runsAsAnUnprivilegedUserWithTheUsualHardening()
            throws IOException
    {
        List<String> directives = serviceDirectives();
        assertThat(directives).contains(
                "DynamicUser=yes",
                "NoNewPrivileges=yes",
                "CapabilityBoundingSet=",
                "AmbientCapabilities=",
                "UMask=0077",
                "ProtectSystem=strict",
                "ProtectHome=yes",
                "PrivateTmp=yes",
                "PrivateDevices=yes",
                "ProtectKernelTunables=yes",
                "ProtectKernelModules=yes",
                "ProtectKernelLogs=yes",
                "ProtectControlGroups=yes",
                "ProtectClock=yes",
                "ProtectHostname=yes",
                "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                "RestrictNamespaces=yes",
                "LockPersonality=yes",
                "RestrictRealtime=yes",
                "RestrictSUIDSGID=yes",
                "SystemCallArchitectures=native",
                "SystemCallFilter=@system-service");
        assertThat(directives).noneMatch(directive -> directive.startsWith("User="));
        assertThat(directives).noneMatch(directive -> directive.startsWith("Group="));
        // the JVM's JIT compiler needs memory that is written and then executed
        assertThat(directives).noneMatch(directive -> directive.startsWith("MemoryDenyWriteExecute="));
    }

    @Test
    void theSecretIsACredentialWhereTheBootstrapScriptPutsIt()
            throws IOException
    {
        assertThat(serviceDirectives())
                .contains("LoadCredential=" + TestEmrBootstrapScript.CREDENTIAL + ":/etc/trino-spot-watcher/shared-secret")
                .noneMatch(directive -> directive.startsWith("Environment=") && directive.toLowerCase(java.util.Locale.ROOT).contains("secret"));
    }
}
