package io.trinospot.harness;

import io.trinospot.harness.imds.ImdsEmulator;
import io.trinospot.harness.imds.TimeMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Side-car for a {@link TrinoCluster}: for each chosen worker, one IMDS emulator (in this JVM) and one
 * spot-watcher agent (its own process, started from the self-contained jar, carrying the cluster's owner marker).
 * Close it before the cluster; a JVM shutdown hook and the process reaper cover the cases where that does not happen.
 */
public final class SpotFleet
        implements AutoCloseable
{
    public static final String WATCHER_JAR_PROPERTY = "trinospot.watcher.jar";
    // The systemd unit's JVM options, so footprint measured here is the footprint on a node.
    public static final List<String> WATCHER_JVM_OPTIONS = List.of(
            "-Xms4m", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=48m", "-XX:TrimNativeHeapInterval=5000", "-XX:-UsePerfData", "-Xshare:auto",
            "-XX:+ExitOnOutOfMemoryError");
    private static final Logger LOG = Logger.getLogger(SpotFleet.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern METRIC_LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");

    private final TrinoCluster cluster;
    private final Path watcherJar;
    private volatile Map<String, String> settings;
    private final PortAllocator ports = new PortAllocator();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "spot-fleet-shutdown");

    /** One worker's emulator and agent. */
    public record Member(String worker, ImdsEmulator imds, ManagedProcess watcher, int statusPort, Path configFile)
    {
        public Member
        {
            requireNonNull(worker, "worker is null");
            requireNonNull(imds, "imds is null");
            requireNonNull(watcher, "watcher is null");
            requireNonNull(configFile, "configFile is null");
        }
    }

    private SpotFleet(TrinoCluster cluster, Path watcherJar, Map<String, String> settings)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.watcherJar = requireNonNull(watcherJar, "watcherJar is null");
        this.settings = Map.copyOf(settings);
    }

    /**
     * Starts an emulator and a watcher for each of {@code workers}; {@code settings} are extra
     * {@code watcher.*} properties for every watcher (e.g. a shorter {@code watcher.safety-margin}).
     */
    public static SpotFleet start(TrinoCluster cluster, List<String> workers, Map<String, String> settings)
    {
        SpotFleet fleet = new SpotFleet(cluster, findWatcherJar(), settings);
        Runtime.getRuntime().addShutdownHook(fleet.shutdownHook);
        try {
            workers.forEach(fleet::startMember);
            return fleet;
        }
        catch (RuntimeException | Error e) {
            fleet.close();
            throw e;
        }
    }

    /**
     * The agent jar the watchers run, as shipped to nodes: {@code -Dtrinospot.watcher.jar}, set by the integration
     * tests' build and by {@code ./trino-spot}.
     */
    public static Path findWatcherJar()
    {
        Path jar = Optional.ofNullable(System.getProperty(WATCHER_JAR_PROPERTY)).map(Path::of)
                .orElseThrow(() -> new IllegalStateException("Which agent jar to run is not set: run through ./trino-spot or Maven, or set -D"
                        + WATCHER_JAR_PROPERTY + " to cli/target/spot-watcher-all.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("-D" + WATCHER_JAR_PROPERTY + "=" + jar + " does not exist: build it with ./mvnw -pl cli -am package -DskipTests");
        }
        return jar.toAbsolutePath();
    }

    /**
     * Stops every watcher and starts it again with {@code settings} over the fleet's own (each keeps its IMDS emulator,
     * whose notices are cleared): the same workers, watched with other settings, without a new cluster.
     */
    public synchronized void restartWatchers(Map<String, String> settings)
    {
        Map<String, String> merged = new LinkedHashMap<>(this.settings);
        merged.putAll(settings);
        this.settings = Map.copyOf(merged);
        for (String workerName : List.copyOf(members.keySet())) {
            Member old = members.get(workerName);
            old.watcher().stop();
            old.imds().clearNotices();
            members.put(workerName, launch(cluster.node(workerName), old.imds()));
        }
    }

    /** Starts an emulator and a watcher for one more worker (e.g. one added to the cluster after the fleet started). */
    public void watch(String workerName)
    {
        startMember(workerName);
    }

    private synchronized void startMember(String workerName)
    {
        TrinoNode worker = cluster.node(workerName);
        if (worker.isCoordinator()) {
            throw new IllegalArgumentException("The watcher runs beside workers only, not " + workerName);
        }
        // Pinned: the deadline the test posts is the one every poll reports (a moving time is tested in unit tests).
        ImdsEmulator imds = ImdsEmulator.builder().timeMode(TimeMode.PINNED).instanceId("i-" + workerName.replaceAll("[^a-z0-9]", "")).start();
        try {
            members.put(workerName, launch(worker, imds));
        }
        catch (RuntimeException | Error e) {
            imds.close();
            throw e;
        }
    }

    private Member launch(TrinoNode worker, ImdsEmulator imds)
    {
        Path dir = worker.nodeDir().resolve("spot-watcher");
        int statusPort = ports.allocate();
        // A node whose etc/ trino-config rendered has the agent's settings there; the fleet points them at this machine.
        Map<String, String> properties = new LinkedHashMap<>(renderedSettings(worker));
        properties.put("watcher.imds.endpoint", imds.endpoint().toString());
        properties.put("watcher.trino.config-file", worker.etcDir().resolve("config.properties").toString());
        properties.put("watcher.trino.node-properties-file", worker.etcDir().resolve("node.properties").toString());
        properties.put("watcher.http.port", String.valueOf(statusPort));
        properties.putAll(settings);
        Path configFile = dir.resolve("watcher.properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(configFile, TrinoNode.properties(properties));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(cluster.runtime().javaExecutable().toString());
        command.add(cluster.ownerMarker());
        command.add("-Dtrinospot.node=" + worker.name() + "-watcher");
        command.addAll(WATCHER_JVM_OPTIONS);
        command.add("-jar");
        command.add(watcherJar.toString());
        command.add("run");
        command.add("--config");
        command.add(configFile.toString());
        ManagedProcess process = ManagedProcess.start(worker.name() + "-watcher", command, dir, worker.nodeDir().resolve("var/log/spot-watcher.log"), Map.of());
        Member member = new Member(worker.name(), imds, process, statusPort, configFile);
        Waits.until("spot-watcher of " + worker.name() + " to be healthy", START_TIMEOUT, process, () -> healthy(member));
        LOG.info("spot-watcher for " + worker.name() + " up: " + process + ", IMDS " + imds.endpoint() + ", status port " + statusPort);
        return member;
    }

    private static Map<String, String> renderedSettings(TrinoNode worker)
    {
        Path rendered = worker.etcDir().resolve("spot-watcher.properties");
        if (!Files.isRegularFile(rendered)) {
            return Map.of();
        }
        java.util.Properties properties = new java.util.Properties();
        try (var reader = Files.newBufferedReader(rendered)) {
            properties.load(reader);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Reading " + rendered, e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> settings.put(key, properties.getProperty(key)));
        return settings;
    }

    public synchronized Member member(String worker)
    {
        Member member = members.get(worker);
        if (member == null) {
            throw new IllegalArgumentException("No watcher for '" + worker + "'; watched: " + members.keySet());
        }
        return member;
    }

    public ImdsEmulator imds(String worker)
    {
        return member(worker).imds();
    }

    public ManagedProcess watcher(String worker)
    {
        return member(worker).watcher();
    }

    public synchronized List<String> watchedWorkers()
    {
        return List.copyOf(members.keySet());
    }

    public boolean healthy(Member member)
    {
        return get(member, "/healthz").map(response -> response.statusCode() == 200).orElse(false);
    }

    /** The agent's Prometheus text, or empty if it does not answer. */
    public Optional<String> metricsText(String worker)
    {
        return get(member(worker), "/metrics").filter(response -> response.statusCode() == 200).map(HttpResponse::body);
    }

    /** Sum of every sample of {@code name} (all label sets); 0 when absent. */
    public double metric(String worker, String name)
    {
        return metricsText(worker).map(text -> sumSamples(text, name)).orElse(0.0);
    }

    static double sumSamples(String text, String name)
    {
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher matcher = METRIC_LINE.matcher(line.trim());
            if (matcher.matches() && matcher.group(1).equals(name)) {
                sum += Double.parseDouble(matcher.group(3));
            }
        }
        return sum;
    }

    private Optional<HttpResponse<String>> get(Member member, String path)
    {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + member.statusPort() + path)).timeout(Duration.ofSeconds(2)).GET().build();
            return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
        }
        catch (IOException e) {
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Replaces a worker that is gone (killed, or exited after a drain) like a fresh Spot instance would: the same
     * node name and port comes back, with a fresh watcher and an emulator without notices. Returns once the
     * coordinator sees the worker active again.
     */
    public void replaceWorker(String workerName, Duration timeout)
    {
        replaceWorkers(List.of(workerName), timeout);
    }

    /**
     * As {@link #replaceWorker} for several workers, all started before any is waited for: each start is mostly
     * waiting (class loading from disk, announcing), so several overlap. {@code timeout} is for each worker.
     */
    public synchronized void replaceWorkers(List<String> workerNames, Duration timeout)
    {
        for (String workerName : workerNames) {
            member(workerName).watcher().stop();
            if (cluster.node(workerName).isAlive()) {
                cluster.kill(workerName);
            }
            cluster.restart(workerName);
        }
        for (String workerName : workerNames) {
            Member old = member(workerName);
            cluster.awaitWorkerActive(workerName, timeout);
            old.imds().clearNotices();
            old.imds().clearFaults();
            members.put(workerName, launch(cluster.node(workerName), old.imds()));
        }
    }

    /** Resident set size of a watcher process in KiB (from /proc), empty if unknown. */
    public static Optional<Long> rssKib(long pid)
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return Optional.empty();
    }

    /** User + system CPU time the process has used, in clock ticks (usually 1/100 s), empty if unknown. */
    public static Optional<Long> cpuTicks(long pid)
    {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private synchronized void stopAll()
    {
        for (Member member : members.values()) {
            member.watcher().stop();
            member.imds().close();
        }
        members.clear();
        ports.close();
    }

    @Override
    public void close()
    {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }
}
