package io.trinospot.watcher.trino;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.trinospot.watcher.config.CoordinatorSecurity;
import io.trinospot.watcher.http.PlainHttp;
import io.trinospot.watcher.trino.TrinoWorkerException.Failure;

import javax.net.ssl.SSLException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.trinospot.watcher.config.WatcherSettings.COORDINATOR_ANNOUNCE_CATALOG;
import static io.trinospot.watcher.config.WatcherSettings.COORDINATOR_PASSWORD_FILE;
import static io.trinospot.watcher.config.WatcherSettings.COORDINATOR_TOKEN_FILE;
import static io.trinospot.watcher.config.WatcherSettings.COORDINATOR_TRUSTSTORE_PATH;
import static java.util.Objects.requireNonNull;

/**
 * Asks the coordinator, over Trino's client protocol ({@code POST /v1/statement}, then each {@code nextUri}), about the
 * nodes it lists in {@code system.runtime.nodes}: how it sees this worker, and how many other workers are active. The
 * coordinator learns a worker's state only on its own poll (every 5 s in Trino 483), so this is how the drain knows
 * that a failed task's retry will go to another worker. That table lives on the coordinator: the query never runs on
 * a worker.
 * <p>
 * Over https the coordinator's certificate is checked against the configured trust store (else the JDK's default),
 * and a password (HTTP Basic) or a JWT (bearer) is sent when configured; both are read from their files for each
 * question, so a rotated secret is used from the next question on. Neither is ever sent over plain http.
 */
public final class CoordinatorClient
{
    private static final System.Logger LOG = System.getLogger(CoordinatorClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** spot-coordinator's procedure, in the schema of its catalog. */
    static final String ANNOUNCE_PROCEDURE = "system.worker_shutting_down";
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    // A question asked without a budget of its own gets this long in all (a small query takes a few round trips;
    // a loaded coordinator takes seconds).
    private static final Duration QUESTION_BUDGET = Duration.ofSeconds(2);
    // The count of active workers is asked off the drain's thread, on a rebalance recommendation, which is not urgent:
    // a coordinator busy with queries takes seconds to answer it.
    private static final Duration COUNT_BUDGET = Duration.ofSeconds(20);

    private final URI coordinatorUri;
    private final String user;
    private final String nodeId;
    private final Duration requestTimeout;
    private final CoordinatorSecurity security;
    private final Duration questionBudget;
    // Present for an https coordinator.
    private final Optional<CoordinatorTls> tls;
    private final Optional<String> announceCatalog;
    // Set once the coordinator has no announcement procedure: from then on only system.runtime.nodes is asked.
    private volatile boolean announceUnavailable;

    public CoordinatorClient(URI coordinatorUri, String user, String nodeId, Duration requestTimeout)
    {
        this(coordinatorUri, user, nodeId, requestTimeout, CoordinatorSecurity.NONE);
    }

    /**
     * @throws io.trinospot.watcher.config.ConfigException when the URI is neither http nor https, or a password or
     * token would go over plain http
     */
    public CoordinatorClient(URI coordinatorUri, String user, String nodeId, Duration requestTimeout, CoordinatorSecurity security)
    {
        this(coordinatorUri, user, nodeId, requestTimeout, security, QUESTION_BUDGET, Optional.empty());
    }

    /**
     * @param announceCatalog the coordinator's {@code spot_node_state} catalog, through which {@link #stateAfterShutdown}
     * announces the shutdown; empty: it only asks {@code system.runtime.nodes}
     */
    public CoordinatorClient(URI coordinatorUri, String user, String nodeId, Duration requestTimeout, CoordinatorSecurity security, Optional<String> announceCatalog)
    {
        this(coordinatorUri, user, nodeId, requestTimeout, security, QUESTION_BUDGET, announceCatalog);
    }

    // Tests on a loaded machine give the first TLS handshake of a JVM more than the budget.
    CoordinatorClient(URI coordinatorUri, String user, String nodeId, Duration requestTimeout, CoordinatorSecurity security, Duration questionBudget)
    {
        this(coordinatorUri, user, nodeId, requestTimeout, security, questionBudget, Optional.empty());
    }

    CoordinatorClient(URI coordinatorUri, String user, String nodeId, Duration requestTimeout, CoordinatorSecurity security, Duration questionBudget,
            Optional<String> announceCatalog)
    {
        this.announceCatalog = requireNonNull(announceCatalog, "announceCatalog is null");
        requireNonNull(coordinatorUri, "coordinatorUri is null");
        this.questionBudget = requireNonNull(questionBudget, "questionBudget is null");
        this.security = requireNonNull(security, "security is null");
        security.checkCoordinatorUri(coordinatorUri, "from watcher.coordinator.uri, else the worker's discovery.uri");
        this.coordinatorUri = URI.create(coordinatorUri.toString().replaceAll("/+$", ""));
        this.user = requireNonNull(user, "user is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        this.tls = "https".equalsIgnoreCase(coordinatorUri.getScheme())
                ? Optional.of(new CoordinatorTls(security.truststorePath(), security.truststorePasswordFile()))
                : Optional.empty();
    }

    public String nodeId()
    {
        return nodeId;
    }

    /**
     * @return this worker's state as the coordinator reports it (lower case: {@code active}, {@code shutting_down},
     * ...), or empty when the coordinator does not list a node with this id
     */
    public Optional<String> nodeState()
            throws TrinoWorkerException
    {
        return nodeState(questionBudget);
    }

    /**
     * As {@link #nodeState()}, the question abandoned (an error) once it has taken {@code budget} in all.
     */
    public Optional<String> nodeState(Duration budget)
            throws TrinoWorkerException
    {
        Optional<String> state = Optional.empty();
        for (JsonNode row : rows("SELECT state FROM system.runtime.nodes WHERE node_id = " + literal(nodeId), budget)) {
            if (!row.isArray() || row.size() != 1 || !row.get(0).isTextual()) {
                throw new TrinoWorkerException("coordinator answered an unexpected row: " + abbreviate(row.toString()));
            }
            state = Optional.of(row.get(0).asText());
        }
        return state;
    }

    /**
     * How the coordinator sees this worker once it has taken SHUTTING_DOWN. With an announcement catalog, the
     * coordinator is told first ({@code CALL <catalog>.system.worker_shutting_down('<node id>')}): it refreshes its node
     * list now and answers once this worker is no longer among its active workers, so nothing waits for its poll.
     * A coordinator without that catalog or procedure (the spot-coordinator plugin not installed) is said so once,
     * and from then on only {@code system.runtime.nodes} is asked, as by {@link #nodeState(Duration)}.
     *
     * @return {@code shutting_down} once the coordinator took the announcement, {@code active} while it still
     * schedules on this worker, else as {@link #nodeState(Duration)}
     */
    public Optional<String> stateAfterShutdown(Duration budget)
            throws TrinoWorkerException
    {
        if (announceCatalog.isEmpty() || announceUnavailable) {
            return nodeState(budget);
        }
        String procedure = announceCatalog.get() + "." + ANNOUNCE_PROCEDURE;
        long start = System.nanoTime();
        try {
            rows("CALL " + procedure + "(" + literal(nodeId) + ")", budget);
            LOG.log(System.Logger.Level.INFO, "announced the shutdown to the coordinator ({0}); it no longer lists this worker as active, answered in {1} ms",
                    procedure, String.valueOf(Duration.ofNanos(System.nanoTime() - start).toMillis()));
            return Optional.of("shutting_down");
        }
        catch (QueryFailedException e) {
            switch (e.errorName()) {
                case "GENERIC_USER_ERROR" -> {
                    // the procedure's own answer: the worker is still active after its longest wait
                    return Optional.of("active");
                }
                case "CATALOG_NOT_FOUND", "PROCEDURE_NOT_FOUND", "SCHEMA_NOT_FOUND" -> {
                    announceUnavailable = true;
                    LOG.log(System.Logger.Level.WARNING, "the coordinator has no {0} ({1}); asking system.runtime.nodes instead, which follows its node poll:"
                            + " install the spot-coordinator plugin and its catalog on the coordinator, or set {2}=none", procedure, e.getMessage(), COORDINATOR_ANNOUNCE_CATALOG);
                    Duration left = budget.minus(Duration.ofNanos(System.nanoTime() - start));
                    if (!left.isPositive()) {
                        throw e;
                    }
                    return nodeState(left);
                }
                default -> throw e;
            }
        }
    }

    /**
     * @return how many workers other than this one the coordinator lists as {@code active}: neither the coordinator
     * itself nor workers that are draining or shutting down count
     */
    public int otherActiveWorkers()
            throws TrinoWorkerException
    {
        List<JsonNode> rows = rows("SELECT count(*) FROM system.runtime.nodes WHERE coordinator = false AND state = 'active' AND node_id <> " + literal(nodeId), questionBudget.compareTo(COUNT_BUDGET) > 0 ? questionBudget : COUNT_BUDGET);
        if (rows.size() != 1 || !rows.getFirst().isArray() || rows.getFirst().size() != 1 || !rows.getFirst().get(0).isIntegralNumber()
                || !rows.getFirst().get(0).canConvertToInt()) {
            throw new TrinoWorkerException("coordinator answered an unexpected count: " + abbreviate(rows.toString()));
        }
        return rows.getFirst().get(0).intValue();
    }

    /**
     * The planner's estimates of a running query's stages, from its QueryInfo ({@code GET /v1/query/{queryId}}, read
     * as a stream; see {@link QueryInfoReader}). Any user may read the queries it may see; one that may not gets an
     * error, as for an unknown query.
     */
    public QueryEstimates queryEstimates(String queryId, Duration budget)
            throws TrinoWorkerException
    {
        requireNonNull(queryId, "queryId is null");
        URI uri = URI.create(coordinatorUri + "/v1/query/" + URLEncoder.encode(queryId, StandardCharsets.UTF_8));
        // The whole budget, even past the request timeout: this is asked off the drain's thread, and a running
        // query's QueryInfo takes seconds to build on a loaded coordinator.
        Duration timeout = budget;
        Map<String, String> headers = headers();
        headers.put("Accept", "application/json");
        try {
            return http().exchange(uri, "GET", headers, null, timeout, timeout, answer -> {
                if (answer.status() != 200) {
                    throw new IOException("answered " + answer.status() + (answer.status() == 403 ? " (user " + user + " may not see that query)" : ""));
                }
                try (JsonParser parser = JSON.getFactory().createParser(answer.body())) {
                    return QueryInfoReader.read(parser);
                }
                catch (IllegalArgumentException e) {
                    throw new IOException("unreadable QueryInfo: " + e.getMessage(), e);
                }
            });
        }
        catch (IOException e) {
            throw new TrinoWorkerException(e instanceof HttpTimeoutException ? Failure.TIMED_OUT : Failure.OTHER, "GET " + uri + ": " + e.getMessage(), e);
        }
    }

    // Runs one small query to its end, within the question's budget, and returns its rows.
    private List<JsonNode> rows(String sql, Duration budget)
            throws TrinoWorkerException
    {
        if (!budget.isPositive()) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        PlainHttp http = http();
        Map<String, String> headers = headers();
        JsonNode page = call(http, "POST", URI.create(coordinatorUri + "/v1/statement"), headers, sql, deadline);
        List<JsonNode> rows = new ArrayList<>();
        while (true) {
            JsonNode error = page.path("error");
            if (!error.isMissingNode() && !error.isNull()) {
                throw new QueryFailedException(error.path("errorName").asText("?"), error.path("message").asText(""));
            }
            page.path("data").forEach(rows::add);
            JsonNode next = page.path("nextUri");
            if (next.isMissingNode() || next.isNull()) {
                return rows;
            }
            URI nextUri = URI.create(next.asText());
            if (headers.containsKey("Authorization") && !"https".equalsIgnoreCase(nextUri.getScheme())) {
                throw new TrinoWorkerException("the coordinator's nextUri " + nextUri + " is not https; not sending " + security.credentialKey().orElseThrow()
                        + "'s credential over plain http");
            }
            if (System.nanoTime() - deadline >= 0) {
                cancel(http, nextUri, headers);
                throw new TrinoWorkerException(Failure.TIMED_OUT, "coordinator query did not finish within " + budget.toMillis() + " ms");
            }
            page = call(http, "GET", nextUri, headers, null, deadline);
        }
    }

    private JsonNode call(PlainHttp http, String method, URI uri, Map<String, String> headers, String sql, long deadline)
            throws TrinoWorkerException
    {
        Duration timeout = Duration.ofNanos(Math.max(1_000_000, Math.min(requestTimeout.toNanos(), deadline - System.nanoTime())));
        Map<String, String> requestHeaders = headers;
        if (sql != null) {
            requestHeaders = new LinkedHashMap<>(headers);
            requestHeaders.put("Content-Type", "text/plain; charset=utf-8");
        }
        PlainHttp.StringResponse response;
        try {
            response = http.sendForString(uri, method, requestHeaders, sql == null ? null : sql.getBytes(StandardCharsets.UTF_8), timeout, timeout, MAX_BODY_BYTES);
        }
        catch (IOException e) {
            if (tls.isPresent() && e instanceof SSLException tlsFailure) {
                throw new TrinoWorkerException(method + " " + uri + ": " + tlsProblem(uri, tlsFailure), e);
            }
            throw new TrinoWorkerException(e instanceof HttpTimeoutException ? Failure.TIMED_OUT : Failure.OTHER, method + " " + uri + ": " + e, e);
        }
        if (response.status() != 200) {
            String hint = switch (response.status()) {
                case 401 -> security.credentialKey()
                        .map(key -> " (the coordinator refused the credentials of " + key + " for user " + user + ")")
                        .orElse(" (the coordinator requires authentication: set " + COORDINATOR_PASSWORD_FILE + " or " + COORDINATOR_TOKEN_FILE + ")");
                case 403 -> " (user " + user + " may not query system.runtime.nodes)";
                default -> "";
            };
            throw new TrinoWorkerException(method + " " + uri + " answered " + response.status() + hint + ": " + abbreviate(response.body()));
        }
        try {
            JsonNode page = JSON.readTree(response.bytes());
            if (page == null || !page.isObject()) {
                throw new IOException("not a JSON object");
            }
            return page;
        }
        catch (IOException e) {
            throw new TrinoWorkerException(method + " " + uri + ": unreadable answer (" + e.getMessage() + "): " + abbreviate(response.body()), e);
        }
    }

    private String tlsProblem(URI uri, SSLException failure)
    {
        String detail = oneLine(rootCause(failure).getMessage());
        if (!causedByCertificate(failure)) {
            return "TLS with the coordinator failed (does " + uri.getAuthority() + " serve https?): " + detail;
        }
        String trust = security.truststorePath()
                .map(path -> "the trust store " + path + " (" + COORDINATOR_TRUSTSTORE_PATH + ")")
                .orElse("the JDK's default trust store (set " + COORDINATOR_TRUSTSTORE_PATH + " for a private CA)");
        return "the coordinator's certificate is not trusted by " + trust + " or does not name " + uri.getHost() + ": " + detail;
    }

    private static boolean causedByCertificate(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable failure)
    {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private void cancel(PlainHttp http, URI nextUri, Map<String, String> headers)
    {
        try {
            Duration timeout = Duration.ofMillis(500);
            http.sendForString(nextUri, "DELETE", headers, null, timeout, timeout, MAX_BODY_BYTES);
        }
        catch (IOException | RuntimeException ignored) {
            // Best effort: the coordinator abandons a query nobody polls.
        }
    }

    private PlainHttp http()
            throws TrinoWorkerException
    {
        if (tls.isEmpty()) {
            return PlainHttp.shared();
        }
        try {
            return PlainHttp.shared().withTls(tls.get().socketFactory());
        }
        catch (IOException e) {
            throw new TrinoWorkerException("cannot set up TLS to the coordinator: " + e.getMessage(), e);
        }
    }

    // Read for each question: a rotated password or token is used from the next question on.
    private Map<String, String> headers()
            throws TrinoWorkerException
    {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Trino-User", user);
        headers.put("X-Trino-Source", "trino-spot-watcher");
        headers.put("User-Agent", "trino-spot-watcher");
        try {
            if (security.passwordFile().isPresent()) {
                String password = SecretFiles.read(security.passwordFile().get(), COORDINATOR_PASSWORD_FILE);
                headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            else if (security.tokenFile().isPresent()) {
                String token = SecretFiles.read(security.tokenFile().get(), COORDINATOR_TOKEN_FILE);
                // Also keeps the token out of the JDK's message for a header value it refuses.
                if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                    throw new IOException(COORDINATOR_TOKEN_FILE + ": " + security.tokenFile().get() + " holds a space, a control character or non-ASCII text, which no bearer token has");
                }
                headers.put("Authorization", "Bearer " + token);
            }
        }
        catch (IOException e) {
            throw new TrinoWorkerException(e.getMessage(), e);
        }
        return headers;
    }

    private static String literal(String value)
    {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String oneLine(String text)
    {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    private static String abbreviate(String text)
    {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    @Override
    public String toString()
    {
        String credential = security.passwordFile().map(file -> "password from " + file)
                .or(() -> security.tokenFile().map(file -> "token from " + file))
                .orElse("none");
        return "CoordinatorClient[" + coordinatorUri + ", user=" + user + ", node=" + nodeId + ", credential=" + credential
                + tls.map(value -> ", " + value).orElse("") + "]";
    }

    /** The coordinator ran the query and answered with an error. */
    static final class QueryFailedException
            extends TrinoWorkerException
    {
        private final String errorName;

        QueryFailedException(String errorName, String message)
        {
            super("coordinator query failed: " + errorName + ": " + message);
            this.errorName = requireNonNull(errorName, "errorName is null");
        }

        String errorName()
        {
            return errorName;
        }
    }
}
