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
 * Real HDFS: one NameNode and one or more DataNode processes from the Hadoop jars, every address on 127.0.0.1.
 * Formatted fresh on every start. For fault tests a DataNode can be killed, frozen, thawed and restarted, and the
 * NameNode restarted, each keeping its ports and directories.
 */
public final class HdfsCluster
        implements AutoCloseable
{
    private static final Pattern LIVE_NODES = Pattern.compile("\"NumLiveDataNodes\"\\s*:\\s*(\\d+)");
    private static final Pattern SAFE_MODE = Pattern.compile("\"Safemode\"\\s*:\\s*\"([^\"]*)\"");
    // in the DataNode's BPServiceActorInfo, a JSON string inside the JSON: RUNNING once registered with the NameNode
    private static final Pattern ACTOR_RUNNING = Pattern.compile("ActorState[\\\\\"\\s:]+RUNNING");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    // the JVM and its options, up to the class path
    private final List<String> java;
    private final String hadoopLib;
    private final Path workDir;
    private final List<DataNode> dataNodes;
    private final int rpcPort;
    private final int httpPort;
    private final Path confDir;
    private volatile ManagedProcess nameNode;

    private HdfsCluster(List<String> java, String hadoopLib, Path workDir, List<DataNode> dataNodes, int rpcPort, int httpPort, Path confDir)
    {
        this.java = List.copyOf(requireNonNull(java, "java is null"));
        this.hadoopLib = requireNonNull(hadoopLib, "hadoopLib is null");
        this.workDir = requireNonNull(workDir, "workDir is null");
        this.dataNodes = List.copyOf(requireNonNull(dataNodes, "dataNodes is null"));
        this.rpcPort = rpcPort;
        this.httpPort = httpPort;
        this.confDir = requireNonNull(confDir, "confDir is null");
    }

    /** One NameNode and one DataNode named {@code datanode}. */
    public static HdfsCluster start(RuntimeLayout runtime, PortAllocator ports, Path workDir, String ownerMarker)
    {
        return start(runtime, ports, workDir, ownerMarker, 1);
    }

    /**
     * One NameNode and {@code dataNodeCount} DataNodes, each its own process with its own data directory and ports
     * (one DataNode is named {@code datanode}, several {@code datanode-1}, {@code datanode-2}, ...). Returns once the
     * NameNode sees every DataNode live and has left safe mode.
     */
    public static HdfsCluster start(RuntimeLayout runtime, PortAllocator ports, Path workDir, String ownerMarker, int dataNodeCount)
    {
        if (dataNodeCount < 1) {
            throw new IllegalArgumentException("HDFS needs at least one DataNode: " + dataNodeCount);
        }
        int rpcPort = ports.allocate();
        int httpPort = ports.allocate();
        Map<String, String> hdfsSite = new LinkedHashMap<>();
        hdfsSite.put("dfs.namenode.name.dir", workDir.resolve("name").toUri().toString());
        hdfsSite.put("dfs.namenode.rpc-address", "127.0.0.1:" + rpcPort);
        hdfsSite.put("dfs.namenode.http-address", "127.0.0.1:" + httpPort);
        hdfsSite.put("dfs.replication", "1");
        hdfsSite.put("dfs.namenode.safemode.extension", "0");
        hdfsSite.put("dfs.permissions.enabled", "false");
        hdfsSite.put("dfs.namenode.datanode.registration.ip-hostname-check", "false");
        hdfsSite.put("dfs.datanode.hostname", "127.0.0.1");
        hdfsSite.put("dfs.heartbeat.interval", "1");
        if (dataNodeCount > 1) {
            // The NameNode declares a DataNode dead after 2 x recheck interval + 10 x heartbeat interval: 10.5 minutes
            // with Hadoop's defaults (5 min, 3 s), 14 s here. Until then it keeps offering the dead node's replicas to
            // readers and choosing it for new blocks, so a fault test would only measure that wait. With one DataNode
            // there is no other to turn to, and tests that freeze it rely on the NameNode still listing its blocks.
            hdfsSite.put("dfs.namenode.heartbeat.recheck-interval", "2000");
        }

        List<DataNode> dataNodes = new ArrayList<>();
        List<String> names = dataNodeNames(dataNodeCount);
        for (int i = 1; i <= dataNodeCount; i++) {
            String name = names.get(i - 1);
            // The first DataNode reads the shared conf dir (as with one DataNode); the others a copy with their own
            // directory and ports.
            Path dataNodeConf = i == 1 ? workDir.resolve("conf") : workDir.resolve("conf-" + name);
            dataNodes.add(new DataNode(name, dataNodeConf, workDir.resolve(i == 1 ? "data" : "data-" + name),
                    ports.allocate(), ports.allocate(), ports.allocate()));
        }

        Path confDir = workDir.resolve("conf");
        try {
            // HttpServer2 looks these up on the class path; the jars on Central do not carry them.
            for (String webapp : List.of("hdfs", "datanode", "static", "secondary", "journal")) {
                Files.createDirectories(workDir.resolve("webapps-root/webapps").resolve(webapp));
            }
            for (DataNode dataNode : dataNodes) {
                Map<String, String> site = new LinkedHashMap<>(hdfsSite);
                site.putAll(dataNode.properties());
                writeConf(dataNode.confDir(), workDir, rpcPort, site);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        List<String> java = List.of(runtime.javaExecutable().toString(), ownerMarker, "-Xmx512m",
                "-Dhadoop.log.dir=" + workDir.resolve("logs"), "-Dlog4j.configuration=file:" + confDir.resolve("log4j.properties"));

        String hadoopLib = runtime.hadoopLibDir() + "/*";
        ManagedProcess format = ManagedProcess.start("hdfs-format",
                command(java, confDir, workDir, hadoopLib, "org.apache.hadoop.hdfs.server.namenode.NameNode", "-format", "-force", "-nonInteractive"),
                workDir, workDir.resolve("logs/format.log"), Map.of());
        if (!format.awaitExit(Duration.ofSeconds(60)) || !formatSucceeded(workDir)) {
            format.kill();
            throw new IllegalStateException("Formatting HDFS failed. Last lines of " + format.logFile() + ":\n" + format.logTail(30));
        }

        HdfsCluster cluster = new HdfsCluster(java, hadoopLib, workDir, dataNodes, rpcPort, httpPort, confDir);
        cluster.startNameNode();
        dataNodes.forEach(cluster::launch);
        try {
            cluster.awaitReady(dataNodeCount);
        }
        catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static void writeConf(Path dir, Path workDir, int rpcPort, Map<String, String> hdfsSite)
            throws IOException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("core-site.xml"), HadoopXml.configuration(Map.of(
                "fs.defaultFS", "hdfs://127.0.0.1:" + rpcPort,
                "hadoop.tmp.dir", workDir.resolve("tmp").toString())));
        Files.writeString(dir.resolve("hdfs-site.xml"), HadoopXml.configuration(hdfsSite));
        // Metrics read over JMX are cached for the metrics period (10 s by default): tests that read a counter
        // (a DataNode's BytesWritten) a few seconds after a query could see the value from before it.
        Files.writeString(dir.resolve("hadoop-metrics2.properties"), "*.period=1\n");
        Files.writeString(dir.resolve("log4j.properties"), String.join("\n",
                "log4j.rootLogger=INFO,console",
                "log4j.appender.console=org.apache.log4j.ConsoleAppender",
                "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %-5p %c{2}: %m%n",
                ""));
    }

    private static List<String> command(List<String> java, Path confDir, Path workDir, String hadoopLib, String... mainAndArguments)
    {
        List<String> command = new ArrayList<>(java);
        command.add("-cp");
        command.add(String.join(":", confDir.toString(), workDir.resolve("webapps-root").toString(), hadoopLib));
        command.addAll(List.of(mainAndArguments));
        return command;
    }

    private static boolean formatSucceeded(Path workDir)
    {
        return Files.exists(workDir.resolve("name/current/VERSION"));
    }

    private void startNameNode()
    {
        nameNode = ManagedProcess.start("namenode", command(java, confDir, workDir, hadoopLib, "org.apache.hadoop.hdfs.server.namenode.NameNode"),
                workDir, workDir.resolve("logs/namenode.log"), Map.of());
    }

    private void launch(DataNode dataNode)
    {
        dataNode.process = ManagedProcess.start(dataNode.name(),
                command(java, dataNode.confDir(), workDir, hadoopLib, "org.apache.hadoop.hdfs.server.datanode.DataNode"),
                workDir, workDir.resolve("logs/" + dataNode.name() + ".log"), Map.of());
    }

    /** Waits until the NameNode is out of safe mode with at least {@code liveDataNodes} live; fails fast if a process dies. */
    private void awaitReady(int liveDataNodes)
    {
        List<DataNode> running = dataNodes.stream().filter(dataNode -> !dataNode.down && !dataNode.frozen).toList();
        Waits.until("HDFS NameNode with " + liveDataNodes + " live DataNode(s) and safe mode off", READY_TIMEOUT, nameNode, () -> {
            for (DataNode dataNode : running) {
                if (!dataNode.process.isAlive()) {
                    throw new IllegalStateException(dataNode.process.deathReport());
                }
            }
            return liveDataNodes() >= liveDataNodes && safeModeOff();
        });
    }

    /** DataNodes the NameNode counts as live (it counts a stopped or frozen one until it declares it dead). */
    public int liveDataNodes()
    {
        Matcher live = LIVE_NODES.matcher(jmx("Hadoop:service=NameNode,name=FSNamesystemState"));
        return live.find() ? Integer.parseInt(live.group(1)) : -1;
    }

    private boolean safeModeOff()
    {
        Matcher safeMode = SAFE_MODE.matcher(jmx("Hadoop:service=NameNode,name=NameNodeInfo"));
        return safeMode.find() && safeMode.group(1).isEmpty();
    }

    /** Blocks until the NameNode counts exactly {@code count} live DataNodes, e.g. until it has declared a killed one dead. */
    public void awaitLiveDataNodes(int count, Duration timeout)
    {
        Waits.until(count + " live DataNode(s) at the NameNode", timeout, nameNode, () -> liveDataNodes() == count);
    }

    private String jmx(String query)
    {
        return jmx(httpPort, query);
    }

    private static String jmx(int port, String query)
    {
        // HTTP/1.1: the DataNode's Netty front end answers an h2c upgrade request with 400
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jmx?qry=" + query))
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

    public int dataNodeCount()
    {
        return dataNodes.size();
    }

    /** The DataNodes' names in index order: {@code datanode} alone, else {@code datanode-1}, {@code datanode-2}, ... */
    public static List<String> dataNodeNames(int dataNodeCount)
    {
        if (dataNodeCount < 1) {
            throw new IllegalArgumentException("HDFS needs at least one DataNode: " + dataNodeCount);
        }
        if (dataNodeCount == 1) {
            return List.of("datanode");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= dataNodeCount; i++) {
            names.add("datanode-" + i);
        }
        return List.copyOf(names);
    }

    /** The index of the DataNode named {@code name} ({@link #dataNodeNames(int)}). */
    public int dataNodeIndex(String name)
    {
        List<String> names = dataNodeNames(dataNodes.size());
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("No DataNode '" + name + "' in this HDFS; DataNodes: " + names);
        }
        return index;
    }

    /**
     * Starts again every DataNode killed by {@link #killDataNode} and not restarted since (as a replaced instance
     * would rejoin), each with its data directory; returns their names once the NameNode counts them live.
     */
    public List<String> restartKilledDataNodes()
    {
        List<String> restarted = new ArrayList<>();
        for (int i = 0; i < dataNodes.size(); i++) {
            if (dataNodes.get(i).down) {
                restartDataNode(i);
                restarted.add(dataNodes.get(i).name());
            }
        }
        return List.copyOf(restarted);
    }

    /** The process of DataNode {@code index} (0-based), the current one after a restart. */
    public ManagedProcess dataNode(int index)
    {
        return dataNodes.get(index).process;
    }

    /**
     * Where DataNode {@code index} takes block data, {@code 127.0.0.1:<port>}: what HDFS clients see as a block
     * location's name, to tell which DataNode holds a block.
     */
    public String dataNodeTransferAddress(int index)
    {
        return "127.0.0.1:" + dataNodes.get(index).transferPort();
    }

    /** SIGKILL of DataNode {@code index}, as a lost instance; returns once the process is gone. */
    public void killDataNode(int index)
    {
        DataNode dataNode = dataNodes.get(index);
        dataNode.down = true;
        if (dataNode.frozen) {
            // SIGKILL ends a stopped process too; only the bookkeeping changes
            dataNode.frozen = false;
        }
        dataNode.process.kill();
    }

    /** SIGSTOP of DataNode {@code index}: it keeps its sockets and answers nothing, like a hung host. */
    public void freezeDataNode(int index)
    {
        DataNode dataNode = dataNodes.get(index);
        dataNode.process.freeze();
        dataNode.frozen = true;
    }

    /** SIGCONT after {@link #freezeDataNode}. */
    public void thawDataNode(int index)
    {
        DataNode dataNode = dataNodes.get(index);
        dataNode.process.thaw();
        dataNode.frozen = false;
    }

    /**
     * Starts DataNode {@code index} again with its data directory and ports (stopping it first if it runs) and returns
     * once the NameNode counts every DataNode that should be up as live.
     */
    public void restartDataNode(int index)
    {
        DataNode dataNode = dataNodes.get(index);
        if (dataNode.process.isAlive()) {
            if (dataNode.frozen) {
                thawDataNode(index);
            }
            dataNode.process.stop();
        }
        launch(dataNode);
        dataNode.down = false;
        // The NameNode may still count the killed process as live, so the count alone does not show the new one.
        Waits.until(dataNode.name() + " registered with the NameNode", READY_TIMEOUT, dataNode.process,
                () -> ACTOR_RUNNING.matcher(jmx(dataNode.httpPort(), "Hadoop:service=DataNode,name=DataNodeInfo")).find());
        awaitReady(expectedLive());
    }

    /**
     * SIGKILL of the NameNode, as a crashed master host, then the same NameNode again on its metadata and ports;
     * returns once it is out of safe mode with every DataNode that is neither killed nor frozen live (they
     * re-register by themselves). HDFS clients wait and retry their calls meanwhile. The NameNode stays in safe mode
     * while blocks whose only replica was on a killed DataNode are missing, so this then times out.
     */
    public void restartNameNode()
    {
        nameNode.kill();
        startNameNode();
        awaitReady(expectedLive());
    }

    private int expectedLive()
    {
        return (int) dataNodes.stream().filter(node -> !node.down && !node.frozen).count();
    }

    /** The NameNode and every DataNode, as they run now. */
    public List<ManagedProcess> processes()
    {
        List<ManagedProcess> processes = new ArrayList<>();
        processes.add(nameNode);
        dataNodes.forEach(dataNode -> processes.add(dataNode.process));
        return processes;
    }

    @Override
    public void close()
    {
        for (DataNode dataNode : dataNodes) {
            if (dataNode.process == null) {
                continue;
            }
            if (dataNode.frozen && dataNode.process.isAlive()) {
                // a stopped process would only act on SIGTERM once continued
                dataNode.process.thaw();
                dataNode.frozen = false;
            }
            dataNode.process.stop();
        }
        if (nameNode != null) {
            nameNode.stop();
        }
    }

    private static final class DataNode
    {
        private final String name;
        private final Path confDir;
        private final Path dataDir;
        private final int transferPort;
        private final int httpPort;
        private final int ipcPort;
        private volatile ManagedProcess process;
        // killed on purpose and not restarted: not expected at the NameNode
        private volatile boolean down;
        private volatile boolean frozen;

        private DataNode(String name, Path confDir, Path dataDir, int transferPort, int httpPort, int ipcPort)
        {
            this.name = requireNonNull(name, "name is null");
            this.confDir = requireNonNull(confDir, "confDir is null");
            this.dataDir = requireNonNull(dataDir, "dataDir is null");
            this.transferPort = transferPort;
            this.httpPort = httpPort;
            this.ipcPort = ipcPort;
        }

        String name()
        {
            return name;
        }

        Path confDir()
        {
            return confDir;
        }

        int transferPort()
        {
            return transferPort;
        }

        int httpPort()
        {
            return httpPort;
        }

        Map<String, String> properties()
        {
            return Map.of(
                    "dfs.datanode.data.dir", dataDir.toUri().toString(),
                    "dfs.datanode.address", "127.0.0.1:" + transferPort,
                    "dfs.datanode.http.address", "127.0.0.1:" + httpPort,
                    "dfs.datanode.ipc.address", "127.0.0.1:" + ipcPort);
        }
    }
}
