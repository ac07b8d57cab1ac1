package io.trinospot.harness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress lines a cluster start and a lake copy hand to their caller; the clock is the test's. */
class TestClusterProgress
{
    private static final long START = 5_000_000_000L;

    private final AtomicLong now = new AtomicLong(START);
    private final List<String> lines = new ArrayList<>();
    private final TrinoCluster.ActivationReport report = new TrinoCluster.ActivationReport(
            List.of("coordinator", "worker-1", "worker-2"), START, now::get, lines::add);

    @Test
    void eachNodeIsReportedOnceWhenItFirstBecomesActive()
    {
        now.set(START + Duration.ofSeconds(12).toNanos());
        report.accept(Map.of("coordinator", "active"));
        now.set(START + Duration.ofMillis(31_900).toNanos());
        report.accept(Map.of("coordinator", "active", "worker-2", "active", "worker-1", "inactive"));
        now.set(START + Duration.ofSeconds(40).toNanos());
        report.accept(Map.of("coordinator", "active", "worker-2", "active", "worker-1", "active"));
        report.accept(Map.of("coordinator", "active", "worker-2", "active", "worker-1", "active"));

        assertThat(lines).containsExactly("coordinator active (12 s)", "worker-2 active (31 s)", "worker-1 active (40 s)");
    }

    @Test
    void nodesActiveInOnePollAreReportedInClusterOrder()
    {
        now.set(START + Duration.ofSeconds(25).toNanos());
        report.accept(Map.of("worker-2", "active", "worker-1", "active", "coordinator", "active"));

        assertThat(lines).containsExactly("coordinator active (25 s)", "worker-1 active (25 s)", "worker-2 active (25 s)");
    }

    @Test
    void nodesNotActiveOrNotOfThisClusterAreNotReported()
    {
        report.accept(Map.of("worker-1", "shutting_down", "worker-2", "draining", "worker-9", "active"));
        report.accept(Map.of());

        assertThat(lines).isEmpty();
    }

    @Test
    void aLakeCopyNamesTableRowsAndSeconds()
    {
        assertThat(Lake.copiedLine("tpcds_sf1.store_sales", 2_880_404, Duration.ofMillis(41_700)))
                .isEqualTo("lake: copied tpcds_sf1.store_sales (2,880,404 rows, 41 s)");
        assertThat(Lake.copiedLine("tpcds_tiny.warehouse", 1, Duration.ofMillis(300)))
                .isEqualTo("lake: copied tpcds_tiny.warehouse (1 row, 0 s)");
    }
}
