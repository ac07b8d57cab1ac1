package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Real HDFS: one NameNode and one DataNode process from the Hadoop jars, every address on 127.0.0.1.
 * Formatted fresh on every start.
 */
public final class HdfsCluster
        implements AutoCloseable
{
    private static final Pattern LIVE_NODES = Pattern.compile("\"NumLiveDataNodes\"\\s*:\\s*(\\d+)");
    private static final Pattern SAFE_MODE = Pattern.compile("\"Safemode\"\\s*:\\s*\"([^\"]*)\"");

    private final ManagedProcess nameNode;
    private final ManagedProcess dataNode;
    private final int rpcPort;
    private final int httpPort;
    private final Path confDir;

    private HdfsCluster(ManagedProcess nameNode, ManagedProcess dataNode, int rpcPort, int httpPort, Path confDir)
    {
        this.nameNode = requireNonNull(nameNode, "nameNode is null");
        this.dataNode = requireNonNull(dataNode, "dataNode is null");
        this.rpcPort = rpcPort;
        this.httpPort = httpPort;
        this.confDir = requireNonNull(confDir, "confDir is null");
    }

    public static HdfsCluster start(RuntimeLayout runtime, PortAllocator ports, Path workDir, String ownerMarker)
    {
        int rpcPort = ports.allocate();
        int httpPort = ports.allocate();
        Map<String, String> hdfsSite = new LinkedHashMap<>();
        hdfsSite.put("dfs.namenode.name.dir", workDir.resolve("name").toUri().toString());
        hdfsSite.put("dfs.datanode.data.dir", workDir.resolve("data").toUri().toString());
        hdfsSite.put("dfs.namenode.rpc-address", "127.0.0.1:" + rpcPort);
        hdfsSite.put("dfs.namenode.http-address", "127.0.0.1:" + httpPort);
        hdfsSite.put("dfs.datanode.address", "127.0.0.1:" + ports.allocate());
        hdfsSite.put("dfs.datanode.http.address", "127.0.0.1:" + ports.allocate());
        hdfsSite.put("dfs.datanode.ipc.address", "127.0.0.1:" + ports.allocate());
        hdfsSite.put("dfs.replication", "1");
        hdfsSite.put("dfs.namenode.safemode.extension", "0");
        hdfsSite.put("dfs.permissions.enabled", "false");
        hdfsSite.put("dfs.namenode.datanode.registration.ip-hostname-check", "false");
        hdfsSite.put("dfs.datanode.hostname", "127.0.0.1");
        hdfsSite.put("dfs.heartbeat.interval", "1");

        Path confDir = workDir.resolve("conf");
        try {
            Files.createDirectories(confDir);
            // HttpServer2 looks these up on the class path; the jars on Central do not carry them.
            for (String webapp : List.of("hdfs", "datanode", "static", "secondary", "journal")) {
                Files.createDirectories(workDir.resolve("webapps-root/webapps").resolve(webapp));
            }
            Files.writeString(confDir.resolve("core-site.xml"), HadoopXml.configuration(Map.of(
                    "fs.defaultFS", "hdfs://127.0.0.1:" + rpcPort,
                    "hadoop.tmp.dir", workDir.resolve("tmp").toString())));
            Files.writeString(confDir.resolve("hdfs-site.xml"), HadoopXml.configuration(hdfsSite));
            // Metrics read over JMX are cached for the metrics period (10 s by default): tests that read a counter
            // (a DataNode's BytesWritten) a few seconds after a query could see the value from before it.
            Files.writeString(confDir.resolve("hadoop-metrics2.properties"), "*.period=1\n");
            Files.writeString(confDir.resolve("log4j.properties"), String.join("\n",
                    "log4j.rootLogger=INFO,console",
                    "log4j.appender.console=org.apache.log4j.ConsoleAppender",
                    "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
                    "log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %-5p %c{2}: %m%n",
                    ""));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        String classPath = String.join(":", confDir.toString(), workDir.resolve("webapps-root").toString(), runtime.hadoopLibDir() + "/*");
        List<String> java = List.of(runtime.javaExecutable().toString(), ownerMarker, "-Xmx512m",
                "-Dhadoop.log.dir=" + workDir.resolve("logs"), "-Dlog4j.configuration=file:" + confDir.resolve("log4j.properties"),
                "-cp", classPath);

        ManagedProcess format = ManagedProcess.start("hdfs-format",
                concat(java, "org.apache.hadoop.hdfs.server.namenode.NameNode", "-format", "-force", "-nonInteractive"),
                workDir, workDir.resolve("logs/format.log"), Map.of());
        if (!format.awaitExit(Duration.ofSeconds(60)) || !formatSucceeded(workDir)) {
            format.kill();
            throw new IllegalStateException("Formatting HDFS failed. Last lines of " + format.logFile() + ":\n" + format.logTail(30));
        }

        ManagedProcess nameNode = ManagedProcess.start("namenode", concat(java, "org.apache.hadoop.hdfs.server.namenode.NameNode"),
                workDir, workDir.resolve("logs/namenode.log"), Map.of());
        ManagedProcess dataNode = ManagedProcess.start("datanode", concat(java, "org.apache.hadoop.hdfs.server.datanode.DataNode"),
                workDir, workDir.resolve("logs/datanode.log"), Map.of());
        HdfsCluster cluster = new HdfsCluster(nameNode, dataNode, rpcPort, httpPort, confDir);
        try {
            Waits.until("HDFS NameNode with a live DataNode and safe mode off", Duration.ofSeconds(90), nameNode, () -> {
                if (!dataNode.isAlive()) {
                    throw new IllegalStateException(dataNode.deathReport());
                }
                return cluster.ready();
            });
        }
        catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static boolean formatSucceeded(Path workDir)
    {
        return Files.exists(workDir.resolve("name/current/VERSION"));
    }

    private boolean ready()
    {
        String state = jmx("Hadoop:service=NameNode,name=FSNamesystemState");
        String info = jmx("Hadoop:service=NameNode,name=NameNodeInfo");
        Matcher live = LIVE_NODES.matcher(state);
        Matcher safeMode = SAFE_MODE.matcher(info);
        return live.find() && Integer.parseInt(live.group(1)) >= 1 && safeMode.find() && safeMode.group(1).isEmpty();
    }

    private String jmx(String query)
    {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/jmx?qry=" + query))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }
        catch (IOException e) {
            return "";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static List<String> concat(List<String> base, String... more)
    {
        List<String> command = new ArrayList<>(base);
        command.addAll(List.of(more));
        return command;
    }

    /** {@code hdfs://127.0.0.1:<port>} */
    public URI defaultFs()
    {
        return URI.create("hdfs://127.0.0.1:" + rpcPort);
    }

    /** Directory with core-site.xml and hdfs-site.xml, usable as HADOOP_CONF_DIR. */
    public Path confDir()
    {
        return confDir;
    }

    public List<ManagedProcess> processes()
    {
        return List.of(nameNode, dataNode);
    }

    @Override
    public void close()
    {
        dataNode.stop();
        nameNode.stop();
    }
}
