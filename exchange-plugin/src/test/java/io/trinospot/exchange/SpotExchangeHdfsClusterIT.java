package io.trinospot.exchange;

import io.trinospot.harness.Dataset;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.Lake;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.bench.BenchmarkQueries;
import io.trinospot.harness.bench.FteMode;
import io.trinospot.harness.bench.FteRunner;
import io.trinospot.harness.bench.Measurement;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The spot exchange on the cluster's HDFS with the AWS blog post's EMR config ({@code /exchange}, {@code use-local-hdfs}),
 * and exchange compression shrinks what reaches the DataNode.
 */
class SpotExchangeHdfsClusterIT
        extends AbstractSpotExchangeClusterIT
{
    private static final Pattern BYTES_WRITTEN = Pattern.compile("\"BytesWritten\"\\s*:\\s*(\\d+)");

    @Override
    protected ExchangeKind exchange()
    {
        return ExchangeKind.HDFS;
    }

    @Test
    @Order(0)
    void startsWithEmrStyleConfig()
            throws Exception
    {
        String properties = Files.readString(cluster.coordinator().etcDir().resolve("exchange-manager.properties"));
        assertThat(properties).contains("exchange.base-directories=/exchange").contains("exchange.use-local-hdfs=true");
        assertThat(cluster.activeWorkers()).hasSize(3);
    }

    @Test
    @Order(10)
    void compressionShrinksSpooledBytes()
            throws Exception
    {
        String sql = querySet().get("inventory-by-warehouse-week");
        Map<String, Long> spooled = new LinkedHashMap<>();
        QueryResult reference = null;
        for (String codec : new String[] {"NONE", "LZ4"}) {
            long before = dataNodeBytesWritten();
            QueryResult result = query(sql, Map.of("exchange_compression_codec", codec));
            // DataNode metrics are published on the heartbeat; give them a moment.
            Thread.sleep(3000);
            spooled.put(codec, dataNodeBytesWritten() - before);
            if (reference == null) {
                reference = result;
            }
            else {
                io.trinospot.harness.ResultComparison.assertSameRows(reference, result);
            }
        }
        System.out.printf("[HDFS] spooled bytes by exchange_compression_codec: %s (LZ4 %.2fx of NONE)%n", spooled,
                (double) spooled.get("LZ4") / spooled.get("NONE"));
        assertThat(spooled.get("NONE")).isGreaterThan(1_000_000L);
        assertThat(spooled.get("LZ4")).isLessThan(spooled.get("NONE") * 9 / 10);
    }

    /**
     * The FTE cost benchmark's runner and row comparison on this cluster: three TPC-H queries at scale tiny, NONE
     * against TASK with LZ4, no untimed round (the benchmark itself is FteCostBenchmarkIT). Opt-in with the benchmark
     * ({@code -Dtrinospot.benchmark.tpcds=true}): it checks the benchmark's tool, whose parts have unit tests, and
     * cost every build about 40 s.
     */
    @Test
    @Order(20)
    void fteBenchmarkRunnerGivesSameRowsInNoneAndTask()
    {
        assumeTrue(Boolean.getBoolean("trinospot.benchmark.tpcds"), "set -Dtrinospot.benchmark.tpcds=true for the benchmark runner's check");
        Lake.ensure(cluster, Dataset.tpch("tiny"));
        FteRunner runner = new FteRunner(System.out::println, 1);
        List<Measurement> measurements = runner.run(cluster, "hdfs", List.of(FteMode.NONE, FteMode.parse("TASK-LZ4")),
                BenchmarkQueries.select("tpch:q1,q3,q6", "tiny"), false);
        runner.assertSameRows();
        assertThat(measurements).hasSize(6).allSatisfy(measurement -> {
            assertThat(measurement.rows()).isGreaterThan(0);
            assertThat(measurement.cpuMillis()).isGreaterThan(0);
        });
        // q3 joins three tables: its stages exchange data in either mode
        assertThat(measurements).filteredOn(measurement -> measurement.query().equals("tpch:q3")).allSatisfy(measurement -> assertThat(measurement.exchangedBytes()).isGreaterThan(0));
    }

    private long dataNodeBytesWritten()
            throws Exception
    {
        String hdfsSite = Files.readString(cluster.hdfs().orElseThrow().confDir().resolve("hdfs-site.xml"));
        Matcher address = Pattern.compile("<name>dfs.datanode.http.address</name>\\s*<value>([^<]+)</value>").matcher(hdfsSite);
        assertThat(address.find()).isTrue();
        // HTTP/1.1: the DataNode's Netty front end answers an h2c upgrade request with 400
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String body = client.send(HttpRequest.newBuilder(URI.create("http://" + address.group(1) + "/jmx?qry=" + URLEncoder.encode("Hadoop:service=DataNode,name=DataNodeActivity-*", StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = BYTES_WRITTEN.matcher(body);
            assertThat(matcher.find()).as(body).isTrue();
            return Long.parseLong(matcher.group(1));
        }
    }
}
