package io.trinospot.harness.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * Many simulated Trino 483 workers joining one real coordinator, for scale tests that cannot start hundreds of real
 * workers. Each worker has its own loopback port and announces itself as a 483 worker does: {@code POST /v1/announce}
 * on the coordinator, body its URI as text, with the internal bearer token, once at start and every 5 s after. The
 * coordinator then polls it like any worker (see {@link SimulatedWorker}).
 *
 * <p>All workers are connectors of one Jetty server, each with one selector thread on a shared pool; like a real
 * worker each connector speaks HTTP/1.1 and HTTP/2 without TLS, which is what Trino's internal client uses by default.
 *
 * <p>The fleet lives inside the test's JVM rather than in a process of its own: a test reads the request counters and
 * flips states with method calls instead of a control protocol, and a benchmark that measures the coordinator's CPU
 * reads the coordinator's process alone, so the simulator's own CPU does not enter the figure either way.
 */
public final class SimulatedWorkerFleet
        implements AutoCloseable
{
    /** How often a 483 worker announces itself; the coordinator forgets a node not announced for 30 s. */
    public static final Duration ANNOUNCE_INTERVAL = Duration.ofSeconds(5);
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_THREADS = 2048;
    private static final Logger LOG = Logger.getLogger(SimulatedWorkerFleet.class.getName());

    private final URI announceUri;
    private final SimulatedWorker.WorkerIdentity identity;
    private final InternalToken token;
    private final String namePrefix;
    private final Server server;
    private final HttpConfiguration httpConfiguration = new HttpConfiguration();
    private final Map<Integer, SimulatedWorker> byPort = new ConcurrentHashMap<>();
    private final ScheduledExecutorService announcer;
    private final ExecutorService clientExecutor;
    private final HttpClient client;
    private final List<SimulatedWorker> workers = new CopyOnWriteArrayList<>();
    private final Map<String, SimulatedWorker> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextNumber = new AtomicInteger(1);
    private final LongAdder announcements = new LongAdder();
    private final LongAdder failedAnnouncements = new LongAdder();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private volatile boolean announcing;

    /**
     * @param coordinator the coordinator's HTTP URI (its {@code discovery.uri})
     * @param environment {@code node.environment} of the cluster; a worker of another environment is listed nowhere
     * @param version the coordinator's Trino version (e.g. {@code 483}); another version makes the worker invalid
     * @param sharedSecret {@code internal-communication.shared-secret} of the cluster
     * @param namePrefix node ids are this prefix and a number from 1: {@code sim-1}, {@code sim-2}, ...
     */
    public SimulatedWorkerFleet(URI coordinator, String environment, String version, String sharedSecret, String namePrefix)
    {
        this(coordinator, environment, version, sharedSecret, namePrefix, Clock.systemUTC());
    }

    SimulatedWorkerFleet(URI coordinator, String environment, String version, String sharedSecret, String namePrefix, Clock clock)
    {
        requireNonNull(coordinator, "coordinator is null");
        this.announceUri = coordinator.resolve("/v1/announce");
        this.identity = new SimulatedWorker.WorkerIdentity(environment, version);
        this.token = new InternalToken(sharedSecret, clock);
        this.namePrefix = requireNonNull(namePrefix, "namePrefix is null");
        // a selector thread per port, plus a few for the tiny requests answered from memory
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8);
        threads.setName("simulated-worker");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        this.server = new Server(threads);
        // Every answer comes from memory without blocking, so Jetty may run it on the selector thread that read the
        // request: the coordinator asks all workers at once every second (memory) and every 5 s (state), and handing
        // each request to a pool thread grows the pool to a thread per simultaneous request, all contending for cores.
        server.setHandler(new Handler.Abstract.NonBlocking()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                SimulatedWorker worker = byPort.get(Request.getLocalPort(request));
                if (worker == null) {
                    return false;
                }
                worker.handle(request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot start the simulated workers' server", e);
        }
        this.announcer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("simulated-worker-announcer").factory());
        // The client's default executor is an unbounded cached pool; the completions run here only count.
        this.clientExecutor = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("simulated-worker-client-", 0).factory());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(clientExecutor)
                .build();
    }

    /** Starts {@code count} more workers, ACTIVE, and returns them; they announce themselves once {@link #startAnnouncing} ran. */
    public List<SimulatedWorker> add(int count)
    {
        List<SimulatedWorker> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimulatedWorker worker = new SimulatedWorker(namePrefix + nextNumber.getAndIncrement(), identity, token, connector(), System::nanoTime);
            byPort.put(worker.uri().getPort(), worker);
            workers.add(worker);
            byId.put(worker.nodeId(), worker);
            added.add(worker);
            if (announcing) {
                schedule(worker);
            }
        }
        return List.copyOf(added);
    }

    /**
     * Every worker announces itself now and then every {@link #ANNOUNCE_INTERVAL}, each on its own phase as separately
     * started workers would; workers added later do the same from their start.
     */
    public synchronized void startAnnouncing()
    {
        if (announcing) {
            return;
        }
        announcing = true;
        workers.forEach(this::schedule);
    }

    private ServerConnector connector()
    {
        // no acceptor thread: the selector accepts; port 0: the kernel picks a free ephemeral port
        ServerConnector connector = new ServerConnector(server, 0, 1,
                new HttpConnectionFactory(httpConfiguration), new HTTP2CServerConnectionFactory(httpConfiguration));
        // Each HTTP/2 factory adds a customizer to the shared configuration that, on every request, walks every
        // connector's protocols (to advertise HTTP/3, which no worker speaks): with one per port, each answer cost
        // grows with the square of the fleet. A worker's answers need no customizer.
        httpConfiguration.setCustomizers(List.of());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        try {
            connector.start();
        }
        catch (Exception e) {
            server.removeConnector(connector);
            throw new IllegalStateException("Cannot open a port for a simulated worker (after " + workers.size() + ")", e);
        }
        return connector;
    }

    private void schedule(SimulatedWorker worker)
    {
        announce(worker);
        long phase = ThreadLocalRandom.current().nextLong(ANNOUNCE_INTERVAL.toMillis());
        announcer.scheduleAtFixedRate(() -> announce(worker), phase, ANNOUNCE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One announcement of every worker, completing when the coordinator has answered them all. */
    public CompletableFuture<Void> announceOnce()
    {
        return CompletableFuture.allOf(workers.stream().map(this::announce).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> announce(SimulatedWorker worker)
    {
        HttpRequest request = HttpRequest.newBuilder(announceUri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/plain")
                .header(InternalToken.HEADER, token.mint(worker.nodeId(), TOKEN_LIFETIME))
                .POST(HttpRequest.BodyPublishers.ofString(worker.uri().toString()))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    if (failure == null && response.statusCode() / 100 == 2) {
                        announcements.increment();
                    }
                    else {
                        failedAnnouncements.increment();
                        String problem = worker.nodeId() + ": " + (failure == null ? "HTTP " + response.statusCode() : failure.toString());
                        if (lastFailure.getAndSet(problem) == null) {
                            LOG.warning("Announcing a simulated worker failed (further failures are only counted): " + problem);
                        }
                    }
                    return null;
                });
    }

    /**
     * What a worker (real or simulated) answers the coordinator's polls with, for comparing the two: per path, the
     * status, the media type and every JSON field path (nested ones as {@code pool.maxBytes}); asked as the
     * coordinator asks, with the internal bearer token.
     */
    public Map<String, Set<String>> answerFields(URI worker)
    {
        Map<String, Set<String>> answers = new TreeMap<>();
        for (String path : List.of("/v1/info", "/v1/info/state", "/v1/status", "/v1/memory")) {
            HttpRequest request = HttpRequest.newBuilder(worker.resolve(path))
                    .timeout(Duration.ofSeconds(10))
                    .header(InternalToken.HEADER, token.mint("coordinator", TOKEN_LIFETIME))
                    .GET()
                    .build();
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                Set<String> fields = new TreeSet<>();
                fields.add("HTTP " + response.statusCode());
                fields.add("Content-Type: " + response.headers().firstValue("Content-Type").orElse("none"));
                fieldPaths("", JSON.readTree(response.body()), fields);
                answers.put(path, fields);
            }
            catch (IOException e) {
                throw new UncheckedIOException("GET " + request.uri(), e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return answers;
    }

    private static void fieldPaths(String prefix, JsonNode node, Set<String> paths)
    {
        node.properties().forEach(field -> {
            paths.add(prefix + field.getKey());
            fieldPaths(prefix + field.getKey() + ".", field.getValue(), paths);
        });
    }

    /** How many request customizers the workers' shared HTTP configuration holds: none, however many workers. */
    int requestCustomizers()
    {
        return httpConfiguration.getCustomizers().size();
    }

    public List<SimulatedWorker> workers()
    {
        return List.copyOf(workers);
    }

    public SimulatedWorker worker(String nodeId)
    {
        SimulatedWorker worker = byId.get(nodeId);
        if (worker == null) {
            throw new IllegalArgumentException("No simulated worker " + nodeId);
        }
        return worker;
    }

    /** Requests received by all workers so far, by {@code "METHOD /path"}. */
    public Map<String, Long> requestCounts()
    {
        Map<String, Long> counts = new TreeMap<>();
        workers.forEach(worker -> worker.requestCounts().forEach((key, count) -> counts.merge(key, count, Long::sum)));
        return counts;
    }

    public long announcements()
    {
        return announcements.sum();
    }

    public long failedAnnouncements()
    {
        return failedAnnouncements.sum();
    }

    /** The latest failed announcement, for a test's message. */
    public Optional<String> lastFailure()
    {
        return Optional.ofNullable(lastFailure.get());
    }

    @Override
    public void close()
    {
        announcer.shutdownNow();
        try {
            server.stop();
        }
        catch (Exception e) {
            LOG.warning("Stopping the simulated workers' server failed: " + e);
        }
        client.close();
        clientExecutor.shutdownNow();
    }
}
