package io.trinospot.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinospot.config.model.NodeRefreshKeys;
import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;
import io.trinospot.harness.Waits;
import io.trinospot.harness.sim.SimulatedWorker;
import io.trinospot.harness.sim.SimulatedWorkerFleet;
import io.trinospot.harness.sim.WorkerState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scale benchmark: a real coordinator with 3 real workers plus N simulated ones, for each N and each way the
 * coordinator learns a worker's new state. Per cell: the coordinator's CPU while idle, the requests it sends each
 * simulated worker while idle, and how long after a simulated worker takes SHUTTING_DOWN the coordinator lists it so.
 * Runs only when asked:
 * {@code ./mvnw -o verify -pl integration-tests -am -Dit.test=ScaleBenchmarkIT -Dtrinospot.scale.workers=100,300,500
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 * (optional: {@code -Dtrinospot.scale.modes=poll,refresh,push}, {@code -Dtrinospot.scale.idle-seconds=30},
 * {@code -Dtrinospot.scale.settle-seconds=20}, {@code -Dtrinospot.scale.flips=10}).
 * Writes a Markdown table to {@code target/scale-benchmark.md}.
 *
 * <p>No query runs on a worker: while measuring nothing runs at all, and the node-list queries and the announcement
 * procedure read coordinator-only tables. The simulated workers answer any task request with 404 and count it; the
 * benchmark asserts there was none.
 */
class ScaleBenchmarkIT
{
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration LISTED_TIMEOUT = Duration.ofSeconds(30);

    enum Mode
    {
        POLL("Trino's own poll (5 s)"),
        REFRESH("spot-node-refresh every 250 ms"),
        PUSH("push: CALL spot.system.worker_shutting_down; answers applied every 1 s");

        private final String description;

        Mode(String description)
        {
            this.description = description;
        }

        ClusterSpec spec()
        {
            ClusterSpec.Builder builder = ClusterSpec.builder()
                    .workers(3)
                    .lake(LakeStorage.NONE)
                    .workerHeap("1g");
            return switch (this) {
                case POLL -> builder.build();
                case REFRESH -> builder.coordinatorNodeRefresh("250ms", true).build();
                case PUSH -> builder.coordinatorNodeRefresh(NodeRefreshKeys.DEFAULT_INTERVAL).build();
            };
        }
    }

    record Cell(int simulated, Mode mode, double cpuPercent, Map<String, Double> requestsPerWorkerSecond, double idleSeconds,
            List<Long> listedMillis, int failedAnnouncements, long rssMib, long openFiles) {}

    @Test
    void benchmark()
            throws Exception
    {
        String sizesProperty = System.getProperty("trinospot.scale.workers", "");
        assumeTrue(!sizesProperty.isBlank(), "set -Dtrinospot.scale.workers=100,300,500 to run the scale benchmark");
        List<Integer> sizes = Arrays.stream(sizesProperty.split(",")).map(String::trim).map(Integer::parseInt).sorted().toList();
        List<Mode> modes = Arrays.stream(System.getProperty("trinospot.scale.modes", "poll,refresh,push").split(","))
                .map(String::trim).map(name -> Mode.valueOf(name.toUpperCase(Locale.ROOT))).toList();
        Duration idle = Duration.ofSeconds(Integer.getInteger("trinospot.scale.idle-seconds", 30));
        Duration settle = Duration.ofSeconds(Integer.getInteger("trinospot.scale.settle-seconds", 20));
        int flips = Integer.getInteger("trinospot.scale.flips", 10);
        String loadBefore = loadAverage();
        Instant started = Instant.now();

        List<Cell> cells = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Path out = Path.of("target", "scale-benchmark.md");
        Files.createDirectories(out.getParent());
        for (Mode mode : modes) {
            try (TrinoCluster cluster = TrinoCluster.start(mode.spec());
                    SimulatedWorkerFleet fleet = fleet(cluster)) {
                TrinoNode realWorker = cluster.node("worker-1");
                SimulatedWorker probe = fleet.add(1).getFirst();
                // the simulator's answers have the fields, status and media type of a real worker's, on this Trino
                assertThat(fleet.answerFields(probe.uri())).isEqualTo(fleet.answerFields(realWorker.uri()));
                fleet.startAnnouncing();
                long coordinatorPid = cluster.coordinator().process().pid();
                try (Connection connection = cluster.connect("scale-benchmark")) {
                    for (int size : sizes) {
                        fleet.add(size - fleet.workers().size());
                        awaitListed(cluster, connection, fleet, size);
                        Waits.sleep(settle);
                        cells.add(measure(mode, cluster, connection, fleet, coordinatorPid, idle, flips));
                        System.out.println("scale benchmark: " + describe(cells.getLast()));
                        // written after every cell, so a later failure (or a run stopped for time) keeps what was measured
                        Files.writeString(out, table(cells, sizes, modes, idle, settle, started, loadBefore, loadAverage(), failures));
                    }
                }
                assertThat(fleet.failedAnnouncements()).as("failed announcements, last: %s", fleet.lastFailure()).isZero();
                assertThat(fleet.requestCounts().keySet()).as("requests the simulated workers received")
                        .allMatch(path -> !path.contains("/v1/task"));
            }
            catch (RuntimeException | AssertionError e) {
                // the other modes still give their figures; the test fails at the end
                failures.add(mode + ": " + e.toString().lines().findFirst().orElse(""));
                e.printStackTrace();
            }
        }

        String table = table(cells, sizes, modes, idle, settle, started, loadBefore, loadAverage(), failures);
        System.out.println(table);
        Files.writeString(out, table);
        assertThat(failures).as("modes that failed").isEmpty();
    }

    private static SimulatedWorkerFleet fleet(TrinoCluster cluster)
            throws IOException, InterruptedException
    {
        // the environment and version a real worker of this cluster reports, which the coordinator requires
        JsonNode info;
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(cluster.node("worker-1").uri().resolve("/v1/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            info = new ObjectMapper().readTree(response.body());
        }
        return new SimulatedWorkerFleet(cluster.coordinator().uri(), info.get("environment").asText(), info.get("nodeVersion").get("version").asText(),
                cluster.sharedSecret(), "sim-");
    }

    private static void awaitListed(TrinoCluster cluster, Connection connection, SimulatedWorkerFleet fleet, int size)
    {
        Waits.until(size + " simulated workers active", JOIN_TIMEOUT, cluster.coordinator().process(),
                () -> states(connection).entrySet().stream()
                        .filter(entry -> entry.getKey().startsWith("sim-") && entry.getValue().equals("active"))
                        .count() >= size && fleet.workers().size() == size);
    }

    private static Cell measure(Mode mode, TrinoCluster cluster, Connection connection, SimulatedWorkerFleet fleet, long pid, Duration idle, int flips)
            throws SQLException
    {
        int size = fleet.workers().size();
        ProcessHandle coordinator = ProcessHandle.of(pid).orElseThrow();
        Map<String, Long> requestsBefore = fleet.requestCounts();
        Duration cpuBefore = cpu(coordinator);
        long start = System.nanoTime();
        Waits.sleep(idle);
        Duration cpuAfter = cpu(coordinator);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> requestsAfter = fleet.requestCounts();
        double cpuPercent = 100.0 * cpuAfter.minus(cpuBefore).toNanos() / 1e9 / seconds;
        Map<String, Double> rates = new TreeMap<>();
        requestsAfter.forEach((path, count) -> {
            long delta = count - requestsBefore.getOrDefault(path, 0L);
            if (delta > 0) {
                rates.put(path, delta / seconds / size);
            }
        });
        long rssMib = rssMib(pid);
        long openFiles = openFiles(pid);

        List<SimulatedWorker> workers = fleet.workers();
        List<Long> listed = new ArrayList<>();
        int failedAnnouncements = 0;
        try (PreparedStatement state = connection.prepareStatement("SELECT state FROM system.runtime.nodes WHERE node_id = ?");
                PreparedStatement announce = connection.prepareStatement("CALL " + NodeRefreshKeys.CATALOG + ".system.worker_shutting_down(?)")) {
            for (int flip = 0; flip < flips; flip++) {
                // a different worker each time, spread over the fleet, so the previous one's way back does not interfere
                SimulatedWorker worker = workers.get((int) ((long) flip * workers.size() / flips));
                state.setString(1, worker.nodeId());
                long flipped = System.nanoTime();
                worker.state(WorkerState.SHUTTING_DOWN);
                if (mode == Mode.PUSH) {
                    announce.setString(1, worker.nodeId());
                    try {
                        announce.execute();
                    }
                    catch (SQLException e) {
                        // the procedure gave up (the worker did not answer within node-state.max-wait): the agent would
                        // fall back to asking the node list, as this loop does; the flip's time still counts
                        failedAnnouncements++;
                        System.out.println("scale benchmark: announcement of " + worker.nodeId() + " failed: " + e.getMessage());
                    }
                }
                // a flip not listed in time counts as the timeout, so one slow flip does not cost the cell's other figures
                while (!WorkerState.SHUTTING_DOWN.listedAs().equals(single(state)) && System.nanoTime() - flipped < LISTED_TIMEOUT.toNanos()) {
                    Waits.sleep(Duration.ofMillis(10));
                }
                listed.add(Math.min((System.nanoTime() - flipped) / 1_000_000, LISTED_TIMEOUT.toMillis()));
                // as if the Spot instance were replaced by a fresh one at the same address
                worker.state(WorkerState.ACTIVE);
            }
        }
        // every flipped worker back in the active list before the next, larger fleet joins
        awaitListed(cluster, connection, fleet, size);
        return new Cell(size, mode, cpuPercent, rates, seconds, listed, failedAnnouncements, rssMib, openFiles);
    }

    private static String single(PreparedStatement statement)
            throws SQLException
    {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static Map<String, String> states(Connection connection)
    {
        Map<String, String> states = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT node_id, state FROM system.runtime.nodes")) {
            while (rows.next()) {
                states.put(rows.getString(1), rows.getString(2));
            }
        }
        catch (SQLException e) {
            // the coordinator may be busy taking in hundreds of workers; ask again
            return Map.of();
        }
        return states;
    }

    private static Duration cpu(ProcessHandle process)
    {
        // user + system time of the process, from /proc/<pid>/stat on Linux
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("No CPU time for process " + process.pid()));
    }

    private static long rssMib(long pid)
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc", String.valueOf(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                    .findFirst().orElse(-1L);
        }
        catch (IOException e) {
            return -1;
        }
    }

    private static long openFiles(long pid)
    {
        try (Stream<Path> files = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return files.count();
        }
        catch (IOException e) {
            return -1;
        }
    }

    private static String loadAverage()
    {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        }
        catch (IOException e) {
            return "n/a";
        }
    }

    static long percentile(List<Long> values, double percentile)
    {
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String describe(Cell cell)
    {
        return String.format(Locale.ROOT, "N=%d %s: CPU %.1f %% of a core, %s requests/s per simulated worker, listed p50 %d ms p99 %d ms (%s)",
                cell.simulated(), cell.mode(), cell.cpuPercent(), rates(cell.requestsPerWorkerSecond()),
                percentile(cell.listedMillis(), 50), percentile(cell.listedMillis(), 99), cell.listedMillis());
    }

    private static String rates(Map<String, Double> rates)
    {
        double total = rates.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.2f", total));
        if (!rates.isEmpty()) {
            text.append(" (");
            rates.forEach((path, rate) -> text.append(String.format(Locale.ROOT, "%s %.2f, ", path, rate)));
            text.setLength(text.length() - 2);
            text.append(")");
        }
        return text.toString();
    }

    private static String table(List<Cell> cells, List<Integer> sizes, List<Mode> modes, Duration idle, Duration settle, Instant started,
            String loadBefore, String loadAfter, List<String> failures)
    {
        Map<Integer, Double> pollCpu = new HashMap<>();
        Map<Integer, Double> pollRequests = new HashMap<>();
        cells.stream().filter(cell -> cell.mode() == Mode.POLL).forEach(cell -> {
            pollCpu.put(cell.simulated(), cell.cpuPercent());
            pollRequests.put(cell.simulated(), stateRequests(cell));
        });
        StringBuilder text = new StringBuilder();
        text.append("Scale benchmark, ").append(started).append(": real coordinator + 3 real workers + N simulated workers; ")
                .append("idle window ").append(idle.toSeconds()).append(" s after ").append(settle.toSeconds()).append(" s settling; ")
                .append(cells.isEmpty() ? 0 : cells.getFirst().listedMillis().size()).append(" flips per cell; load average before: ")
                .append(loadBefore).append(", after: ").append(loadAfter).append("\n\n");
        text.append("| N simulated | mode | coordinator CPU idle, % of a core | vs Trino's poll | requests/s per simulated worker, idle | extra vs Trino's poll | ")
                .append("flip → listed shutting_down p50 / p99 | coordinator RSS, open files |\n");
        text.append("| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |\n");
        Map<Mode, Map<Integer, Cell>> byMode = new EnumMap<>(Mode.class);
        cells.forEach(cell -> byMode.computeIfAbsent(cell.mode(), _ -> new TreeMap<>()).put(cell.simulated(), cell));
        for (int size : sizes) {
            for (Mode mode : modes) {
                Optional<Cell> found = Optional.ofNullable(byMode.getOrDefault(mode, Map.of()).get(size));
                if (found.isEmpty()) {
                    continue;
                }
                Cell cell = found.get();
                String ratio = pollCpu.containsKey(size) ? String.format(Locale.ROOT, "%.2f×", cell.cpuPercent() / pollCpu.get(size)) : "n/a";
                String extra = pollRequests.containsKey(size) ? String.format(Locale.ROOT, "%+.2f", stateRequests(cell) - pollRequests.get(size)) : "n/a";
                long late = cell.listedMillis().stream().filter(millis -> millis >= LISTED_TIMEOUT.toMillis()).count();
                String latency = String.format(Locale.ROOT, "%d / %d ms", percentile(cell.listedMillis(), 50), percentile(cell.listedMillis(), 99))
                        + (late == 0 ? "" : String.format(Locale.ROOT, " (%d of %d not listed within %d s)", late, cell.listedMillis().size(), LISTED_TIMEOUT.toSeconds()));
                text.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %s | %s | %s | %s | %d MiB, %d |%n",
                        size, mode.description, cell.cpuPercent(), ratio, rates(cell.requestsPerWorkerSecond()), extra,
                        latency, cell.rssMib(), cell.openFiles()));
            }
        }
        int failedAnnouncements = cells.stream().mapToInt(Cell::failedAnnouncements).sum();
        if (failedAnnouncements > 0) {
            text.append(String.format(Locale.ROOT, "%nAnnouncement calls that failed (worker still active after node-state.max-wait): %d%n", failedAnnouncements));
        }
        failures.forEach(failure -> text.append("\nFailed: ").append(failure).append('\n'));
        return text.toString();
    }

    // Only the state requests are the node refresh's to add; /v1/memory is Trino's memory manager's, which varies
    // with the coordinator's load on its own.
    private static double stateRequests(Cell cell)
    {
        return cell.requestsPerWorkerSecond().getOrDefault("GET /v1/info", 0.0);
    }
}
