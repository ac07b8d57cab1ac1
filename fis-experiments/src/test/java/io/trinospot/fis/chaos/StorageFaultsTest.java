package io.trinospot.fis.chaos;

import io.trinospot.fis.local.BlogCluster;
import io.trinospot.harness.S3FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The storage faults' wiring: the cluster a series needs, a burst armed for its length and always disarmed, refusals. No request is sent. */
class StorageFaultsTest
{
    private static final S3ErrorBurst BURST = new S3ErrorBurst(Set.of(S3FaultProxy.Kind.GET_OBJECT), S3FaultProxy.Fault.INTERNAL_ERROR, 25, Duration.ofSeconds(12));

    private S3FaultProxy proxy;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void start()
    {
        // nothing listens upstream: no request reaches the proxy in these tests
        proxy = S3FaultProxy.start(URI.create("http://127.0.0.1:9"));
    }

    @AfterEach
    void stop()
    {
        proxy.close();
    }

    @Test
    void aSeriesGetsTheStorageItsKindsNeed()
    {
        assertThat(StorageFaults.storage(List.of(FaultKind.SPOT_NOTICE, FaultKind.WORKER_SIGKILL))).isEqualTo(BlogCluster.Storage.PLAIN);
        assertThat(StorageFaults.storage(List.of(FaultKind.S3_ERROR_BURST))).isEqualTo(new BlogCluster.Storage(true, 1));
        assertThat(StorageFaults.storage(List.of(FaultKind.DATANODE_KILL, FaultKind.WORKER_SIGSTOP))).isEqualTo(new BlogCluster.Storage(false, 2));
        assertThat(StorageFaults.storage(List.of(FaultKind.S3_ERROR_BURST, FaultKind.DATANODE_KILL))).isEqualTo(new BlogCluster.Storage(true, 2));
        assertThat(StorageFaults.DATANODE_NAMES).containsExactly("datanode-1", "datanode-2");
    }

    @Test
    void aBurstIsArmedForItsLengthThenEverythingPasses()
            throws InterruptedException
    {
        List<Duration> waited = new ArrayList<>();
        StorageFaults.burst(Optional.of(proxy), BURST, duration -> {
            assertThat(proxy.armed()).as("armed while the burst lasts").isTrue();
            waited.add(duration);
        }, progress::add);

        assertThat(waited).containsExactly(Duration.ofSeconds(12));
        assertThat(proxy.armed()).isFalse();
        assertThat(progress).containsExactly(
                "S3 burst: 25 % of the GET requests answered 500 InternalError for 12 s",
                "S3 burst over: 0 of 0 request(s) of its kinds faulted");
    }

    @Test
    void anInterruptedBurstStillLetsEverythingPass()
    {
        assertThatThrownBy(() -> StorageFaults.burst(Optional.of(proxy), BURST, duration -> {
            throw new InterruptedException("series stopped");
        }, progress::add)).isInstanceOf(InterruptedException.class);
        assertThat(proxy.armed()).isFalse();
        assertThat(progress).last().isEqualTo("S3 burst over: 0 of 0 request(s) of its kinds faulted");
    }

    @Test
    void refusesFaultsTheClusterCannotTake()
    {
        assertThatThrownBy(() -> StorageFaults.burst(Optional.empty(), BURST, duration -> {}, progress::add))
                .hasMessage("the cluster's lake is not behind an S3 fault proxy");
        assertThatThrownBy(() -> StorageFaults.killDataNode(Optional.empty(), "datanode-1", progress::add))
                .hasMessage("the cluster runs no HDFS");
        assertThat(progress).isEmpty();
    }
}
