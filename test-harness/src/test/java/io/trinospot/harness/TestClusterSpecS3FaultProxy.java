package io.trinospot.harness;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestClusterSpecS3FaultProxy
{
    private static final URI SERVER = URI.create("http://127.0.0.1:9000");
    private static final URI PROXY = URI.create("http://127.0.0.1:9001");

    @Test
    void noProxyUnlessAsked()
    {
        assertThat(ClusterSpec.builder().workers(1).build().s3FaultProxy()).isEmpty();
    }

    @Test
    void theProxyStandsBeforeTheLakeOrAnS3Exchange()
    {
        assertThat(ClusterSpec.builder().workers(1).s3FaultProxy(S3Traffic.LAKE).build().s3FaultProxy()).containsExactly(S3Traffic.LAKE);
        assertThat(ClusterSpec.builder().workers(1).taskRetries(ExchangeKind.SPOT_S3).s3FaultProxy(S3Traffic.LAKE, S3Traffic.EXCHANGE).build().s3FaultProxy())
                .containsExactlyInAnyOrder(S3Traffic.LAKE, S3Traffic.EXCHANGE);
        assertThat(ClusterSpec.builder().workers(1).lake(LakeStorage.NONE).taskRetries(ExchangeKind.S3).s3FaultProxy(S3Traffic.EXCHANGE).build().s3FaultProxy())
                .containsExactly(S3Traffic.EXCHANGE);
        // with a configurations file the lake is still the harness's
        assertThat(ClusterSpec.builder().workers(1).configurations(Path.of("configurations.json")).s3FaultProxy(S3Traffic.LAKE).build().s3FaultProxy())
                .containsExactly(S3Traffic.LAKE);
    }

    @Test
    void refusesAProxyInFrontOfWhatIsNotOnS3()
    {
        assertThatThrownBy(() -> ClusterSpec.builder().workers(1).lake(LakeStorage.HDFS).s3FaultProxy(S3Traffic.LAKE).build())
                .hasMessage("The S3 fault proxy in front of the lake needs the lake on S3, not HDFS");
        assertThatThrownBy(() -> ClusterSpec.builder().workers(1).taskRetries(ExchangeKind.HDFS).s3FaultProxy(S3Traffic.EXCHANGE).build())
                .hasMessage("The S3 fault proxy in front of the exchange needs an S3 exchange chosen by the spec (S3 or SPOT_S3), not HDFS");
        assertThatThrownBy(() -> ClusterSpec.builder().workers(1).configurations(Path.of("configurations.json")).s3FaultProxy(S3Traffic.EXCHANGE).build())
                .hasMessage("The S3 fault proxy in front of the exchange needs an S3 exchange chosen by the spec (S3 or SPOT_S3), not NONE");
    }

    @Test
    void eachTrafficGoesThroughTheProxyOnlyWhenTheSpecPutsItThere()
    {
        assertThat(TrinoCluster.s3Endpoint(S3Traffic.LAKE, Set.of(S3Traffic.LAKE), SERVER, Optional.of(PROXY))).isEqualTo(PROXY);
        assertThat(TrinoCluster.s3Endpoint(S3Traffic.EXCHANGE, Set.of(S3Traffic.LAKE), SERVER, Optional.of(PROXY))).isEqualTo(SERVER);
        assertThat(TrinoCluster.s3Endpoint(S3Traffic.LAKE, Set.of(), SERVER, Optional.empty())).isEqualTo(SERVER);
        assertThatThrownBy(() -> TrinoCluster.s3Endpoint(S3Traffic.EXCHANGE, Set.of(S3Traffic.EXCHANGE), SERVER, Optional.empty()))
                .hasMessage("The spec puts the S3 fault proxy in front of EXCHANGE, but none runs");
    }

    @Test
    void exchangePropertiesGoToTheSpecsExchangeOrTheConfigurationsFile()
    {
        assertThat(ClusterSpec.builder().workers(1).configurations(Path.of("configurations.json")).exchangeProperty("exchange.hdfs.replication", "2").build()
                .exchangeProperties()).containsEntry("exchange.hdfs.replication", "2");
        assertThatThrownBy(() -> ClusterSpec.builder().workers(1).exchangeProperty("exchange.hdfs.replication", "2").build())
                .hasMessage("Exchange properties need an exchange, chosen by the spec or by a configurations file: {exchange.hdfs.replication=2}");
    }

    @Test
    void dataNodesAreNamedAsTheirCountSays()
    {
        assertThat(HdfsCluster.dataNodeNames(1)).containsExactly("datanode");
        assertThat(HdfsCluster.dataNodeNames(2)).containsExactly("datanode-1", "datanode-2");
        assertThatThrownBy(() -> HdfsCluster.dataNodeNames(0)).hasMessage("HDFS needs at least one DataNode: 0");
    }
}
