package io.trinospot.watcher.trino;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent announces its worker's shutdown to spot-coordinator's procedure and falls back to system.runtime.nodes
 * where the coordinator has none. The coordinator here answers {@code POST /v1/statement} with one final page in
 * Trino's client protocol: rows under {@code data}, or an {@code error} with its {@code errorName}.
 */
class TestCoordinatorAnnouncement
{
    private static final String CALL = "CALL spot.system.worker_shutting_down('worker-1')";
    private static final String SELECT = "SELECT state FROM system.runtime.nodes WHERE node_id = 'worker-1'";

    private final StubCoordinator coordinator = new StubCoordinator();

    @AfterEach
    void stop()
    {
        coordinator.close();
    }

    // The statements the coordinator was asked, in order.
    private List<String> statements()
    {
        return coordinator.requests().stream().filter(request -> request.path().equals("/v1/statement")).map(StubCoordinator.Request::body).toList();
    }

    private void answers(Function<String, String> bySql)
    {
        coordinator.answers(request -> new StubCoordinator.Reply(200, bySql.apply(request.body())));
    }

    private CoordinatorClient client(Optional<String> announceCatalog)
    {
        return coordinator.client(announceCatalog);
    }

    private static String finished(String data)
    {
        return "{\"id\":\"q1\",\"stats\":{\"state\":\"FINISHED\"}" + (data == null ? "" : ",\"data\":" + data) + "}";
    }

    private static String failed(String errorName, String message)
    {
        return "{\"id\":\"q1\",\"stats\":{\"state\":\"FAILED\"},\"error\":{\"message\":\"" + message + "\",\"errorCode\":1,\"errorName\":\"" + errorName
                + "\",\"errorType\":\"USER_ERROR\"}}";
    }

    @Test
    void theAnnouncementTakenMeansTheWorkerIsNoLongerActive()
            throws Exception
    {
        answers(sql -> sql.equals(CALL) ? finished(null) : failed("SYNTAX_ERROR", "unexpected " + sql));
        assertThat(client(Optional.of("spot")).stateAfterShutdown(Duration.ofSeconds(5))).contains("shutting_down");
        assertThat(statements()).containsExactly(CALL);
    }

    @Test
    void aWorkerStillActiveAfterTheProceduresWaitReadsAsActive()
            throws Exception
    {
        answers(sql -> failed("GENERIC_USER_ERROR", "worker_shutting_down: worker worker-1 is still active on this coordinator after 5000 ms"));
        CoordinatorClient client = client(Optional.of("spot"));
        assertThat(client.stateAfterShutdown(Duration.ofSeconds(5))).contains("active");
        // asked again the next time, by announcing again
        assertThat(client.stateAfterShutdown(Duration.ofSeconds(5))).contains("active");
        assertThat(statements()).containsExactly(CALL, CALL);
    }

    @Test
    void withoutTheCatalogItAsksTheNodeTableFromThenOn()
            throws Exception
    {
        answers(sql -> sql.equals(CALL) ? failed("CATALOG_NOT_FOUND", "Catalog 'spot' not found") : finished("[[\"shutting_down\"]]"));
        CoordinatorClient client = client(Optional.of("spot"));
        assertThat(client.stateAfterShutdown(Duration.ofSeconds(5))).contains("shutting_down");
        assertThat(client.stateAfterShutdown(Duration.ofSeconds(5))).contains("shutting_down");
        assertThat(statements()).containsExactly(CALL, SELECT, SELECT);
    }

    @Test
    void withoutTheProcedureItAsksTheNodeTableToo()
            throws Exception
    {
        answers(sql -> sql.equals(CALL) ? failed("PROCEDURE_NOT_FOUND", "Procedure not registered: system.worker_shutting_down") : finished("[[\"active\"]]"));
        assertThat(client(Optional.of("spot")).stateAfterShutdown(Duration.ofSeconds(5))).contains("active");
        assertThat(statements()).containsExactly(CALL, SELECT);
    }

    @Test
    void anyOtherFailureIsAnErrorNamingIt()
    {
        answers(sql -> failed("PERMISSION_DENIED", "Access Denied: Cannot execute procedure spot.system.worker_shutting_down"));
        assertThatThrownBy(() -> client(Optional.of("spot")).stateAfterShutdown(Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("PERMISSION_DENIED")
                .hasMessageContaining("Cannot execute procedure");
    }

    @Test
    void withAnnouncementsOffOnlyTheNodeTableIsAsked()
            throws Exception
    {
        answers(sql -> finished("[[\"active\"]]"));
        assertThat(client(Optional.empty()).stateAfterShutdown(Duration.ofSeconds(5))).contains("active");
        assertThat(statements()).containsExactly(SELECT);
    }
}
