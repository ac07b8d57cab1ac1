package io.trinospot.it;

import io.trinospot.harness.ManagedProcess;
import io.trinospot.harness.ProcessReaper;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.Waits;
import io.trinospot.harness.imds.ImdsEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent's idle footprint as on a node: the shaded jar with the JVM options of the systemd unit
 * ({@code spot-watcher/src/main/dist/trino-spot-watcher.service}), against an IMDS emulator without notices (polled every 1 s),
 * with a worker config it resolves at start (the worker itself need not run while idle). After a warm-up it reads
 * {@code VmRSS}, threads and {@code utime+stime} from {@code /proc} over the idle window. A measurement, not a
 * timed test: it runs only with {@code -Dtrinospot.footprint.seconds=N}
 * ({@code ./mvnw -pl integration-tests verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WatcherFootprintIT -Dtrinospot.footprint.seconds=60}).
 */
class WatcherFootprintIT
{
    private static final Pattern UNIT_OPTIONS = Pattern.compile("^Environment=\"WATCHER_JAVA_OPTS=([^\"]*)\"$", Pattern.MULTILINE);
    private static final Duration WARM_UP = Duration.ofSeconds(15);

    @Test
    void idleFootprint(@TempDir Path dir)
            throws IOException
    {
        int seconds = Integer.getInteger("trinospot.footprint.seconds", 0);
        assumeTrue(seconds > 0, "set -Dtrinospot.footprint.seconds=N to measure the footprint");
        Path jar = Path.of(System.getProperty(SpotFleet.WATCHER_JAR_PROPERTY, "target/missing.jar"));
        assertThat(jar).as("the shaded agent jar (built in package)").isRegularFile();
        List<String> unitOptions = unitJvmOptions(Path.of(System.getProperty("trinospot.project.dir"), "spot-watcher/src/main/dist/trino-spot-watcher.service"));

        try (ImdsEmulator imds = ImdsEmulator.start()) {
            Path etc = Files.createDirectories(dir.resolve("etc"));
            Files.writeString(etc.resolve("config.properties"), "http-server.http.port=1\ninternal-communication.shared-secret=footprint-secret\n");
            Files.writeString(etc.resolve("node.properties"), "node.environment=footprint\n");
            Path config = dir.resolve("watcher.properties");
            Files.writeString(config, """
                    watcher.imds.endpoint=%s
                    watcher.trino.config-file=%s
                    watcher.trino.node-properties-file=%s
                    watcher.http.port=0
                    """.formatted(imds.endpoint(), etc.resolve("config.properties"), etc.resolve("node.properties")));
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.add(ProcessReaper.markerArgument());
            command.addAll(unitOptions);
            command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
            ManagedProcess agent = ManagedProcess.start("footprint-watcher", command, dir, dir.resolve("watcher.log"), java.util.Map.of());
            try {
                Waits.sleep(WARM_UP);
                assertThat(agent.isAlive()).as("agent alive after warm-up").isTrue();
                long startTicks = SpotFleet.cpuTicks(agent.pid()).orElseThrow();
                long polledBefore = imds.requests().size();
                Waits.sleep(Duration.ofSeconds(seconds));
                long ticks = SpotFleet.cpuTicks(agent.pid()).orElseThrow() - startTicks;
                long polls = imds.requests().size() - polledBefore;
                double rssMib = SpotFleet.rssKib(agent.pid()).orElseThrow() / 1024.0;
                double cpuPercent = 100.0 * ticks / 100 / seconds; // USER_HZ = 100 on Linux
                String threads = Files.readAllLines(Path.of("/proc", String.valueOf(agent.pid()), "status")).stream()
                        .filter(line -> line.startsWith("Threads:")).findFirst().orElse("Threads: ?").substring(8).trim();
                String loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
                System.out.printf("agent footprint, idle %d s after a %d s warm-up, JVM options %s: RSS %.1f MiB, CPU %.2f %% (start-up: %d ticks), %s threads, %d IMDS requests; load average %s%n",
                        seconds, WARM_UP.toSeconds(), String.join(" ", unitOptions), rssMib, cpuPercent, startTicks, threads, polls, loadAverage);
                assertThat(agent.isAlive()).as("agent alive after the idle window").isTrue();
                // Three monitors, one poll a second each (a token PUT now and then): the agent did poll while idle.
                assertThat(polls).as("IMDS requests while idle").isGreaterThanOrEqualTo(seconds);
            }
            finally {
                agent.stop();
                System.out.println("agent log:\n" + agent.logTail(10));
            }
        }
    }

    static List<String> unitJvmOptions(Path unit)
            throws IOException
    {
        Matcher matcher = UNIT_OPTIONS.matcher(Files.readString(unit));
        assertThat(matcher.find()).as("WATCHER_JAVA_OPTS in " + unit).isTrue();
        return Arrays.stream(matcher.group(1).trim().split("\\s+")).toList();
    }
}
