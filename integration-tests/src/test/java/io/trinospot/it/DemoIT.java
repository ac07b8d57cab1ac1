package io.trinospot.it;

import io.trinospot.fis.report.EarlyFailures;
import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.NodeState;
import io.trinospot.fis.report.ReportJson;
import io.trinospot.cli.CommandLines;
import io.trinospot.cli.TrinoSpot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code trino-spot demo}, the README's first command, end to end: the AWS blog post's cluster configured from the AWS blog post's EMR
 * classifications through trino-config, q39 on lake tables with TASK retries spooled to HDFS through our exchange
 * plugin, a long CREATE TABLE AS SELECT into the lake beside it, the AWS blog post's FIS template played mid-query.
 * Asserts what the demo promises: every query run gave the fault-free rows, the write committed exactly the fault-free
 * rows with no leftover files, the watchers failed the write's tasks on the Spot workers early and each ran again
 * elsewhere, nothing started on a Spot worker once it showed shutting_down, all four Spot workers went shutting_down
 * and then were gone, the report names the early failures and their reruns, and the nodes really ran on the rendered etc/.
 * <p>
 * The build plays it with {@code --time-scale 0.25}: notices of 30 s and a write a quarter as long, the same path in
 * less than half the time; {@code -Dtrinospot.demo.time-scale=1} plays it as the README's command does.
 */
class DemoIT
{
    private static final List<String> SPOT_WORKERS = List.of("spot-1", "spot-2", "spot-3", "spot-4");
    private static final String TIME_SCALE = System.getProperty("trinospot.demo.time-scale", "0.25");

    @Test
    void demoSurvivesTheBlogsSpotInterruption(@TempDir Path dir)
            throws Exception
    {
        Path reports = dir.resolve("reports");
        Path work = dir.resolve("cluster");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = CommandLines.execute(new TrinoSpot(), new String[] {"demo", "--report-dir", reports.toString(), "--work-dir", work.toString(), "--time-scale", TIME_SCALE},
                    new TeePrintStream(stdout, System.out), stderr);
        }
        String output = out.toString(StandardCharsets.UTF_8);
        // the failed checks and the verdict in the message itself: a CI log keeps the assertion, not the demo's output
        assertThat(exit).as("demo exit code; stderr: %s; the demo said:%n%s", err.toString(StandardCharsets.UTF_8), verdictLines(output)).isZero();
        assertThat(output).contains("demo: PASSED", "verdict: CORRECT");
        for (String worker : SPOT_WORKERS) {
            // the rebalance recommendation comes with the notice: a watcher may drain before it shuts the worker down;
            // and the coordinator may drop a worker whose HTTP server has closed while its JVM is still exiting
            // (stopped: alive, not listed), seen once the coordinator refreshes node states every 250 ms
            assertThat(output).containsPattern("(?m)^  " + worker + ": active( -> draining)? -> shutting_down( -> stopped)? -> gone$");
        }

        ExperimentReport report = ReportJson.read(Files.readString(reports.resolve("emr-trino-interrupter.json")));
        String html = Files.readString(reports.resolve("emr-trino-interrupter.html"));
        assertThat(html).contains("<svg");
        assertThat(report.verdict().correct()).isTrue();
        // every q39 run gave the fault-free rows; the write committed once, row for row the fault-free SELECT, nothing left over
        assertThat(report.verdict().summary()).contains("243 rows identical to the fault-free run", "the write committed in", "identical to the fault-free run (",
                "; no leftover files");
        Matcher write = Pattern.compile("(?m)^\\+ *[0-9.]+s write lake\\.trino_spot_demo\\.inventory_weekly_\\d+: committed in [0-9.]+ s \\(query (\\S+)\\)$").matcher(output);
        assertThat(write.find()).as("the write's line in the demo's output").isTrue();
        String writeQuery = write.group(1);

        // on each Spot worker that ran part of the write after its notice, its watcher failed at least one of the
        // write's tasks early, and every such task ran again on another worker
        List<EarlyFailures.EarlyFailure> writeFailures = EarlyFailures.of(report).stream()
                .filter(failure -> failure.failed().taskId().startsWith(writeQuery + "."))
                .toList();
        // part of the write under the notice: an attempt not over before its worker's notice
        List<String> ranPartOfTheWrite = report.tasks().stream()
                .filter(attempt -> attempt.taskId().startsWith(writeQuery + ".") && SPOT_WORKERS.contains(attempt.node()))
                .filter(attempt -> attempt.ended().filter(ended -> ended.compareTo(noticeOf(report, attempt.node())) < 0).isEmpty())
                .map(ExperimentReport.TaskAttempt::node)
                .distinct()
                .toList();
        assertThat(ranPartOfTheWrite).as("Spot workers that ran part of the write").isNotEmpty();
        for (String worker : ranPartOfTheWrite) {
            assertThat(writeFailures).as("the write's tasks failed early on %s", worker).anyMatch(failure -> failure.failed().node().equals(worker));
        }
        for (EarlyFailures.EarlyFailure failure : writeFailures) {
            assertThat(failure.rerun()).as("rerun of %s", failure.failed().taskId()).isPresent();
            assertThat(failure.rerun().orElseThrow().node()).as("rerun of %s", failure.failed().taskId()).isNotEqualTo(failure.failed().node());
            assertThat(output).contains("    task " + failure.failed().taskId() + " on " + failure.failed().node() + " failed early at +");
        }

        // nothing of any query started on a Spot worker once the coordinator listed it as shutting down
        for (String worker : SPOT_WORKERS) {
            ExperimentReport.Node node = report.nodes().stream().filter(n -> n.name().equals(worker)).findFirst().orElseThrow();
            Duration shuttingDown = node.states().stream().filter(change -> change.state() == NodeState.SHUTTING_DOWN)
                    .map(ExperimentReport.StateChange::at).findFirst().orElseThrow();
            assertThat(report.tasks()).as("tasks started on %s after it showed shutting_down at %s", worker, shuttingDown)
                    .noneMatch(attempt -> attempt.node().equals(worker) && attempt.started().compareTo(shuttingDown) > 0);
        }

        // the HTML report names each early-failed task of the write and its rerun, in its table and on the timeline
        Document page = parse(html);
        XPath xpath = XPathFactory.newInstance().newXPath();
        for (EarlyFailures.EarlyFailure failure : writeFailures) {
            String task = failure.failed().taskId();
            String rerun = failure.rerun().orElseThrow().taskId();
            assertThat(xpath.evaluate("//table[@id='early-failures']/tr[@data-task='" + task + "']/td[2]", page)).isEqualTo(failure.failed().node());
            assertThat(xpath.evaluate("//table[@id='early-failures']/tr[@data-task='" + task + "']/td[4]", page)).isEqualTo(rerun);
            assertThat(xpath.evaluate("count(//svg//path[@class='task-failed-early'][@data-task='" + task + "'])", page, XPathConstants.NUMBER)).isEqualTo(1.0);
            assertThat(xpath.evaluate("//svg//rect[@class='task-rerun'][@data-rerun-of='" + task + "']/@data-task", page)).isEqualTo(rerun);
        }
        for (String worker : SPOT_WORKERS) {
            ExperimentReport.Node node = report.nodes().stream().filter(n -> n.name().equals(worker)).findFirst().orElseThrow();
            assertThat(node.lifecycle()).isEqualTo("spot");
            List<NodeState> states = node.states().stream().map(ExperimentReport.StateChange::state).toList();
            assertThat(states).contains(NodeState.SHUTTING_DOWN).last().isEqualTo(NodeState.GONE);
            assertThat(report.events()).filteredOn(event -> event.kind() == EventKind.SPOT_NOTICE && event.node().orElse("").equals(worker)).hasSize(1);
            assertThat(report.events()).filteredOn(event -> event.kind() == EventKind.INTERRUPT && event.node().orElse("").equals(worker)).hasSize(1);
        }
        // the on-demand core workers were never touched and stayed to the end
        for (String core : List.of("core-1", "core-2")) {
            ExperimentReport.Node node = report.nodes().stream().filter(n -> n.name().equals(core)).findFirst().orElseThrow();
            assertThat(node.states().stream().map(ExperimentReport.StateChange::state)).containsOnly(NodeState.ACTIVE);
        }

        // every node ran on the etc/ trino-config rendered from the AWS blog post's classifications
        Path clusterDir = onlyClusterDir(work);
        Properties coordinator = load(clusterDir.resolve("coordinator/etc/config.properties"));
        assertThat(Files.readString(clusterDir.resolve("coordinator/etc/config.properties"))).startsWith("# Rendered by trino-config");
        assertThat(coordinator.getProperty("retry-policy")).isEqualTo("TASK");
        assertThat(coordinator.getProperty("exchange.compression-codec")).isEqualTo("LZ4");
        assertThat(coordinator.getProperty("query.low-memory-killer.delay")).isNull();
        for (String worker : List.of("core-1", "spot-1")) {
            Path etc = clusterDir.resolve(worker).resolve("etc");
            Properties exchange = load(etc.resolve("exchange-manager.properties"));
            assertThat(exchange.getProperty("exchange-manager.name")).isEqualTo("spot");
            assertThat(exchange.getProperty("exchange.base-directories")).isEqualTo("/exchange");
            assertThat(exchange.getProperty("exchange.use-local-hdfs")).isEqualTo("true");
            assertThat(Files.readString(etc.resolve("hadoop/core-site.xml"))).contains("<value>hdfs://127.0.0.1:");
            assertThat(load(etc.resolve("config.properties")).getProperty("retry-policy")).isEqualTo("TASK");
            assertThat(load(etc.resolve("spot-watcher.properties")).getProperty("watcher.safety-margin")).isEqualTo("15s");
        }
        // Trino loaded our exchange manager from that config (it connects to the NameNode while loading)
        for (String node : List.of("coordinator", "core-1", "spot-1")) {
            assertThat(Files.readString(clusterDir.resolve(node).resolve("var/log/server.log"))).contains("-- Loaded exchange manager spot --");
        }
    }

    private static String verdictLines(String output)
    {
        return output.lines()
                .filter(line -> line.startsWith("verdict: ") || line.startsWith("demo check failed: ") || line.startsWith("demo: "))
                .collect(Collectors.joining(System.lineSeparator()));
    }

    private static Duration noticeOf(ExperimentReport report, String worker)
    {
        return report.firstEvent(worker, EventKind.SPOT_NOTICE).orElseThrow();
    }

    private static Document parse(String html)
            throws IOException
    {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        }
        catch (ParserConfigurationException | SAXException e) {
            throw new IOException("The report's HTML is not well-formed", e);
        }
    }

    private static Path onlyClusterDir(Path work)
            throws IOException
    {
        if (Files.isDirectory(work.resolve("coordinator"))) {
            return work;
        }
        try (Stream<Path> dirs = Files.list(work)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static Properties load(Path file)
            throws IOException
    {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    /** Prints to both streams, so the demo's progress shows in the build log while the test reads it. */
    private static final class TeePrintStream
            extends PrintStream
    {
        TeePrintStream(PrintStream first, PrintStream second)
        {
            super(new java.io.OutputStream()
            {
                @Override
                public void write(int b)
                {
                    first.write(b);
                    second.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length)
                {
                    first.write(bytes, offset, length);
                    second.write(bytes, offset, length);
                }

                @Override
                public void flush()
                {
                    first.flush();
                    second.flush();
                }
            }, true, StandardCharsets.UTF_8);
        }
    }
}
