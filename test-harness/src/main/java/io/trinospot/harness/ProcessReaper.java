package io.trinospot.harness;

import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and kills server processes whose owning harness JVM is gone (a test fork killed mid-run,
 * a crashed CLI). Every process the harness starts carries {@code -Dtrinospot.owner=<pid>} or,
 * for a cluster left running on purpose by {@code trino-spot cluster up}, {@code -Dtrinospot.owner=detached-<id>}.
 */
public final class ProcessReaper
{
    private static final Logger LOG = Logger.getLogger(ProcessReaper.class.getName());
    private static final String PROPERTY = "trinospot.owner";
    private static final Pattern OWNER = Pattern.compile("-D" + Pattern.quote(PROPERTY) + "=(\\S+)");

    private ProcessReaper() {}

    /** The JVM argument that marks a process as owned by this JVM. */
    public static String markerArgument()
    {
        return "-D" + PROPERTY + "=" + ProcessHandle.current().pid();
    }

    public static String detachedMarkerArgument(String clusterId)
    {
        return "-D" + PROPERTY + "=detached-" + clusterId;
    }

    /** Kills processes of owners that no longer run. Detached clusters are left alone. Returns the count. */
    public static int reapOrphans()
    {
        int reaped = 0;
        for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
            Optional<String> owner = owner(process);
            if (owner.isEmpty() || owner.get().startsWith("detached-")) {
                continue;
            }
            long ownerPid;
            try {
                ownerPid = Long.parseLong(owner.get());
            }
            catch (NumberFormatException e) {
                continue;
            }
            if (ownerPid != ProcessHandle.current().pid() && ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            if (ownerPid == ProcessHandle.current().pid()) {
                continue;
            }
            LOG.warning("Killing orphan " + process.pid() + " left by dead harness " + ownerPid);
            process.destroyForcibly();
            reaped++;
        }
        return reaped;
    }

    /** Processes marked with the given owner value (a pid, or detached-&lt;id&gt;). */
    public static List<ProcessHandle> ownedBy(String ownerValue)
    {
        return ProcessHandle.allProcesses()
                .filter(process -> owner(process).filter(ownerValue::equals).isPresent())
                .toList();
    }

    static Optional<String> owner(ProcessHandle process)
    {
        return process.info().commandLine().flatMap(commandLine -> {
            Matcher matcher = OWNER.matcher(commandLine);
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        });
    }
}
