package io.trinospot.fis.local;

import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.S3Traffic;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlogClusterTest
{
    private static final Path CONFIGURATIONS = Path.of("blog-configurations.json");

    @Test
    void theBlogsStorageHasOneDataNodeAndTheLakeDirect()
    {
        ClusterSpec spec = BlogCluster.spec(CONFIGURATIONS, 2, 4, null, BlogCluster.Storage.PLAIN);
        assertThat(spec.s3FaultProxy()).isEmpty();
        assertThat(spec.hdfsDataNodes()).isEqualTo(1);
        assertThat(spec.exchangeProperties()).isEmpty();
        assertThat(spec.workers()).hasSize(6);
    }

    @Test
    void storageFaultsPutTheLakeBehindTheProxyAndSpoolACopyOnEachDataNode()
    {
        ClusterSpec spec = BlogCluster.spec(CONFIGURATIONS, 2, 4, null, new BlogCluster.Storage(true, 2));
        assertThat(spec.s3FaultProxy()).containsExactly(S3Traffic.LAKE);
        assertThat(spec.hdfsDataNodes()).isEqualTo(2);
        assertThat(spec.exchangeProperties()).containsExactly(Map.entry("exchange.hdfs.replication", "2"));
        assertThat(spec.configurations()).contains(CONFIGURATIONS);
    }

    @Test
    void refusesStorageWithoutADataNode()
    {
        assertThatThrownBy(() -> new BlogCluster.Storage(false, 0)).hasMessage("HDFS needs at least one DataNode: 0");
    }
}
