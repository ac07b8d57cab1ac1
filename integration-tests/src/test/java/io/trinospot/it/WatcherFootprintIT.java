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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent's idle footprint as on a node: the shaded jar with the JVM options of the systemd unit
 * ({@code spot-watcher/src/main/dist/trino-spot-watcher.service}), against an IMDS emulator without notices (polled at the
 * default intervals), with a worker config it resolves at start (the worker itself need not run while idle). After a
 * warm-up it reads {@code VmRSS}, threads and {@code utime+stime} from {@code /proc} over the idle window. A measurement,
 * not a timed test: it runs only with {@code -Dtrinospot.footprint.seconds=N}
 * ({@code ./mvnw -pl integration-tests verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WatcherFootprintIT -Dtrinospot.footprint.seconds=60}).
 * <p>
 * {@code -Dtrinospot.footprint.baseline-jar=PATH} runs another agent jar (an older build) beside this one, each with
 * an emulator of its own, over the same windows, so that both see the same machine load; {@code
 * -Dtrinospot.footprint.rounds=N} repeats the measurement, the order of the starts alternating. {@code
 * -Dtrinospot.footprint.warm-up-seconds=N} (default 15): the JIT still compiles the poll's code for the first minutes
 * (C1 alone, a few polls a second), which a short warm-up counts as idle CPU.
 */
class WatcherFootprintIT
{
    private static final Pattern UNIT_OPTIONS = Pattern.compile("^Environment=\"WATCHER_JAVA_OPTS=([^\"]*)\"$", Pattern.MULTILINE);

    @Test
    void idleFootprint(@TempDir Path dir)
            throws IOException
    {
        int seconds = Integer.getInteger("trinospot.footprint.seconds", 0);
        assumeTrue(seconds > 0, "set -Dtrinospot.footprint.seconds=N to measure the footprint");
        Duration warmUp = Duration.ofSeconds(Integer.getInteger("trinospot.footprint.warm-up-seconds", 15));
        int rounds = Integer.getInteger("trinospot.footprint.rounds", 1);
        Path jar = Path.of(System.getProperty(SpotFleet.WATCHER_JAR_PROPERTY, "target/missing.jar"));
        assertThat(jar).as("the shaded agent jar (built in package)").isRegularFile();
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put("this build", jar);
        Optional.ofNullable(System.getProperty("trinospot.footprint.baseline-jar")).map(Path::of).ifPresent(baseline -> {
            assertThat(baseline).as("trinospot.footprint.baseline-jar").isRegularFile();
            jars.put("baseline " + baseline.getFileName(), baseline);
        });
        List<String> unitOptions = unitJvmOptions(Path.of(System.getProperty("trinospot.project.dir"), "spot-watcher/src/main/dist/trino-spot-watcher.service"));
        System.out.printf("agent footprint, idle %d s after a %d s warm-up, JVM options %s%n", seconds, warmUp.toSeconds(), String.join(" ", unitOptions));

        for (int round = 1; round <= rounds; round++) {
            List<String> order = new ArrayList<>(jars.keySet());
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            List<IdleAgent> agents = new ArrayList<>();
            try {
                for (String name : order) {
                    agents.add(IdleAgent.start(name, jars.get(name), unitOptions, Files.createDirectories(dir.resolve("round-" + round + "-" + agents.size()))));
                }
                Waits.sleep(warmUp);
                for (IdleAgent agent : agents) {
                    agent.windowStarts();
                }
                Waits.sleep(Duration.ofSeconds(seconds));
                String loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
                for (IdleAgent agent : agents) {
                    System.out.printf("round %d of %d, %s: %s; load average %s%n", round, rounds, agent.name, agent.windowEnds(seconds), loadAverage);
                }
            }
            finally {
                for (IdleAgent agent : agents) {
                    agent.close();
                }
            }
        }
    }

    // One agent process against an IMDS emulator of its own.
    private static final class IdleAgent
            implements AutoCloseable
    {
        private final String name;
        private final ImdsEmulator imds;
        private final ManagedProcess process;
        private long startTicks;
        private long polledBefore;

        private IdleAgent(String name, ImdsEmulator imds, ManagedProcess process)
        {
            this.name = name;
            this.imds = imds;
            this.process = process;
        }

        static IdleAgent start(String name, Path jar, List<String> jvmOptions, Path dir)
                throws IOException
        {
            ImdsEmulator imds = ImdsEmulator.start();
            try {
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
                command.addAll(jvmOptions);
                command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
                return new IdleAgent(name, imds, ManagedProcess.start("footprint-watcher", command, dir, dir.resolve("watcher.log"), Map.of()));
            }
            catch (IOException | RuntimeException e) {
                imds.close();
                throw e;
            }
        }

        void windowStarts()
        {
            assertThat(process.isAlive()).as(name + ": agent alive after warm-up").isTrue();
            startTicks = SpotFleet.cpuTicks(process.pid()).orElseThrow();
            polledBefore = imds.requests().size();
        }

        String windowEnds(int seconds)
                throws IOException
        {
            long ticks = SpotFleet.cpuTicks(process.pid()).orElseThrow() - startTicks;
            long polls = imds.requests().size() - polledBefore;
            double rssMib = SpotFleet.rssKib(process.pid()).orElseThrow() / 1024.0;
            double cpuPercent = 100.0 * ticks / 100 / seconds; // USER_HZ = 100 on Linux
            String threads = Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("Threads:")).findFirst().orElse("Threads: ?").substring(8).trim();
            assertThat(process.isAlive()).as(name + ": agent alive after the idle window").isTrue();
            // At least one poll a second on each path (a token PUT now and then): the agent did poll while idle.
            assertThat(polls).as(name + ": IMDS requests while idle").isGreaterThanOrEqualTo(seconds);
            return "RSS %.1f MiB, CPU %.2f %% (start-up and warm-up: %d ticks), %s threads, %d IMDS requests (%.1f a second)"
                    .formatted(rssMib, cpuPercent, startTicks, threads, polls, (double) polls / seconds);
        }

        @Override
        public void close()
        {
            try {
                process.stop();
                System.out.println(name + ": agent log:\n" + process.logTail(10));
            }
            finally {
                imds.close();
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
