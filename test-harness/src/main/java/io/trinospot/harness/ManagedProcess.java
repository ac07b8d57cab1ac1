package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * One server process started by the harness (a Trino node, an HDFS daemon, the S3 server), with its
 * output in one log file. Every process carries a marker naming its owner so that leftovers of a
 * crashed run can be found and reaped (see {@link ProcessReaper}).
 */
public final class ManagedProcess
{
    private static final Logger LOG = Logger.getLogger(ManagedProcess.class.getName());
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final ProcessHandle handle;
    private final Instant startedAt;
    private final Path logFile;

    private ManagedProcess(String name, ProcessHandle handle, Instant startedAt, Path logFile)
    {
        this.name = requireNonNull(name, "name is null");
        this.handle = requireNonNull(handle, "handle is null");
        this.startedAt = requireNonNull(startedAt, "startedAt is null");
        this.logFile = requireNonNull(logFile, "logFile is null");
    }

    /**
     * Starts {@code command} in {@code workDir} with stdout and stderr appended to {@code logFile}.
     * The command must already contain the owner marker (see {@link ProcessReaper#markerArgument}).
     */
    public static ManagedProcess start(String name, List<String> command, Path workDir, Path logFile, Map<String, String> environment)
    {
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(workDir);
            List<String> fullCommand = new ArrayList<>();
            // A session of its own: a closed terminal or Ctrl-C in the shell that ran `cluster up` must not kill the node.
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                fullCommand.add("/usr/bin/setsid");
            }
            fullCommand.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(fullCommand)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            LOG.fine(() -> "started " + name + " pid " + process.pid());
            return new ManagedProcess(name, process.toHandle(), Instant.now(), logFile);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
        }
    }

    /** Re-attaches to a process started earlier (by another JVM), if it is still the same process. */
    public static Optional<ManagedProcess> attach(String name, long pid, Instant startedAt, Path logFile)
    {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                // a recycled pid belongs to a process started after ours
                .filter(handle -> handle.info().startInstant().map(start -> !start.isAfter(startedAt.plusSeconds(5))).orElse(true))
                .map(handle -> new ManagedProcess(name, handle, startedAt, logFile));
    }

    public String name()
    {
        return name;
    }

    public long pid()
    {
        return handle.pid();
    }

    public Instant startedAt()
    {
        return startedAt;
    }

    public Path logFile()
    {
        return logFile;
    }

    public boolean isAlive()
    {
        return handle.isAlive();
    }

    /** SIGKILL, as a reclaimed Spot instance or an OOM killer would do it. Returns once the process is gone. */
    public void kill()
    {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /**
     * SIGSTOP: the process stays, its sockets still accept connections in the kernel, and nothing answers, as with a
     * hung JVM or a host whose packets go nowhere. {@link #thaw()} resumes it.
     */
    public void freeze()
    {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw()
    {
        signal("CONT");
    }

    private void signal(String signal)
    {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(handle.pid())).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + handle.pid() + " (" + name + ") failed: " + output);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + signal + " for " + name, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted sending SIG" + signal + " to " + name, e);
        }
    }

    /**
     * SIGTERM, then SIGKILL if the process has not exited within the stop timeout.
     *
     * @return whether it had to be killed
     */
    public boolean stop()
    {
        if (!handle.isAlive()) {
            return false;
        }
        handle.destroy();
        if (!awaitExit(STOP_TIMEOUT)) {
            LOG.warning(name + " did not stop within " + STOP_TIMEOUT + "; killing it");
            kill();
            return true;
        }
        return false;
    }

    /**
     * Stops all of them at once (SIGTERM, SIGKILL after the timeout) and returns when every one is gone.
     *
     * @return those that had to be killed
     */
    public static Set<ManagedProcess> stopInParallel(List<ManagedProcess> processes)
    {
        Set<ManagedProcess> killed = ConcurrentHashMap.newKeySet();
        List<Thread> stoppers = processes.stream().map(process -> Thread.ofVirtual().start(() -> {
            if (process.stop()) {
                killed.add(process);
            }
        })).toList();
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Set.copyOf(killed);
    }

    public boolean awaitExit(Duration timeout)
    {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
        catch (Exception e) {
            return !handle.isAlive();
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines)
    {
        return tail(logFile, lines);
    }

    public static String tail(Path file, int lines)
    {
        if (!Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** A description of a process that died unexpectedly, with its log tail. */
    public String deathReport()
    {
        return name + " (pid " + pid() + ") is not running. Last lines of " + logFile + ":\n" + logTail(40);
    }

    @Override
    public String toString()
    {
        return name + "[pid " + pid() + "]";
    }
}
