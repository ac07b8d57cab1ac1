package io.trinospot.nodestate;

import com.google.common.base.Ticker;
import io.trino.spi.TrinoException;
import io.trino.spi.procedure.Procedure;
import io.trinospot.coordinator.SpotCoordinatorPlugin;
import io.trino.spi.connector.ConnectorFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import static io.trino.spi.StandardErrorCode.GENERIC_USER_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestShutdownAnnouncement
{
    private long nanos;
    private final Ticker ticker = new Ticker()
    {
        @Override
        public long read()
        {
            return nanos;
        }
    };
    private final List<Duration> sleeps = new ArrayList<>();
    private final Set<String> active = new HashSet<>(Set.of("worker-1", "worker-2"));
    private final List<Long> refreshedAt = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();
    private final List<Duration> answerWaits = new ArrayList<>();
    // the refresh that takes the worker off the active list: how many refreshes it takes
    private int refreshesUntilGone = 1;
    private String leaving = "worker-1";
    // how long the asked worker takes to answer
    private Duration answerTime = Duration.ZERO;

    private ShutdownAnnouncement announcement(Duration maxWait)
    {
        return new ShutdownAnnouncement(() -> Set.copyOf(active), (nodeId, answerWait) -> {
            refreshedAt.add(nanos);
            asked.add(nodeId);
            answerWaits.add(answerWait);
            nanos += answerTime.toNanos();
            if (refreshedAt.size() >= refreshesUntilGone) {
                active.remove(leaving);
            }
        }, maxWait, ticker, duration -> {
            sleeps.add(duration);
            nanos += duration.toNanos();
        });
    }

    @Test
    void returnsOnceTheRefreshShowsTheWorkerNoLongerActive()
    {
        announcement(Duration.ofSeconds(5)).workerShuttingDown("worker-1");
        assertThat(refreshedAt).hasSize(1);
        // only the announcing worker is asked, and its answer may take the whole wait
        assertThat(asked).containsExactly("worker-1");
        assertThat(answerWaits).containsExactly(Duration.ofSeconds(5));
        assertThat(sleeps).isEmpty();
        assertThat(active).containsExactly("worker-2");
    }

    @Test
    void aSlowAnswerCountsAgainstTheLongestWait()
    {
        refreshesUntilGone = 3;
        answerTime = Duration.ofMillis(400);
        announcement(Duration.ofSeconds(5)).workerShuttingDown("worker-1");
        assertThat(asked).containsExactly("worker-1", "worker-1", "worker-1");
        // 5 s, then less the first answer's 400 ms and the 100 ms pause, and again
        assertThat(answerWaits).containsExactly(Duration.ofMillis(5000), Duration.ofMillis(4500), Duration.ofMillis(4000));
    }

    @Test
    void aWorkerThatDoesNotAnswerFailsTheAnnouncementAfterTheLongestWait()
    {
        leaving = "nobody";
        answerTime = Duration.ofSeconds(2);
        assertThatThrownBy(() -> announcement(Duration.ofSeconds(2)).workerShuttingDown("worker-1"))
                .hasMessageContaining("worker worker-1 is still active")
                .hasMessageContaining("2000 ms");
        assertThat(asked).containsExactly("worker-1");
    }

    @Test
    void refreshesAgainEveryTenthOfASecondUntilTheWorkerLeaves()
    {
        refreshesUntilGone = 4;
        announcement(Duration.ofSeconds(5)).workerShuttingDown("worker-1");
        assertThat(refreshedAt).hasSize(4);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100));
    }

    @Test
    void failsNamingTheWorkerWhenItIsStillActiveAfterTheLongestWait()
    {
        leaving = "nobody";
        assertThatThrownBy(() -> announcement(Duration.ofSeconds(1)).workerShuttingDown("worker-1"))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(GENERIC_USER_ERROR.toErrorCode()))
                .hasMessageContaining("worker worker-1 is still active")
                .hasMessageContaining("1000 ms");
        assertThat(Duration.ofNanos(nanos)).isEqualTo(Duration.ofSeconds(1));
        assertThat(refreshedAt).hasSize(11);
    }

    @Test
    void aWorkerTheCoordinatorDoesNotListIsNotActive()
    {
        announcement(Duration.ofSeconds(5)).workerShuttingDown("worker-9");
        assertThat(refreshedAt).hasSize(1);
    }

    @Test
    void anEmptyNodeIdIsRejected()
    {
        assertThatThrownBy(() -> announcement(Duration.ofSeconds(5)).workerShuttingDown(" "))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(INVALID_PROCEDURE_ARGUMENT.toErrorCode()))
                .hasMessageContaining("node_id");
        assertThat(refreshedAt).isEmpty();
    }

    @Test
    void theProcedureIsSystemWorkerShuttingDownOfOneVarchar()
            throws Throwable
    {
        Procedure procedure = announcement(Duration.ofSeconds(5)).procedure();
        assertThat(procedure.getSchema()).isEqualTo("system");
        assertThat(procedure.getName()).isEqualTo("worker_shutting_down");
        assertThat(procedure.getArguments()).singleElement().satisfies(argument -> {
            assertThat(argument.getName()).isEqualTo("NODE_ID");
            assertThat(argument.getType()).isEqualTo(VARCHAR);
        });
        procedure.getMethodHandle().invoke("worker-1");
        assertThat(active).containsExactly("worker-2");
    }

    @Test
    void thePluginOffersTheConnector()
    {
        List<String> names = StreamSupport.stream(new SpotCoordinatorPlugin().getConnectorFactories().spliterator(), false)
                .map(ConnectorFactory::getName)
                .toList();
        assertThat(names).containsExactly("spot_node_state");
        // Trino refuses to start on a plugin whose connector name it does not accept
        names.forEach(io.trino.spi.connector.ConnectorName::new);
    }

    @Test
    void badSettingsFailTheCatalogNamingTheKey()
    {
        NodeStateConnectorFactory factory = new NodeStateConnectorFactory();
        assertThatThrownBy(() -> factory.create("spot", Map.of("node-state.max-wait", "10ms"), null))
                .hasMessageContaining("node-state.max-wait");
        assertThatThrownBy(() -> factory.create("spot", Map.of("node-state.maxwait", "1s"), null))
                .hasMessageContaining("node-state.maxwait");
    }
}
