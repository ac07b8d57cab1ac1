package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * One Trino server process (coordinator or worker) with its own etc/, data dir and log, launched the way
 * Trino's own launcher does: node.properties become system properties, {@code -Dconfig} points at config.properties.
 */
public final class TrinoNode
{
    private final String name;
    private final boolean coordinator;
    private final int httpPort;
    private final Path nodeDir;
    private final Map<String, String> labels;
    private volatile Map<String, String> environment = Map.of();
    private volatile ManagedProcess process;

    TrinoNode(String name, boolean coordinator, int httpPort, Path nodeDir, Map<String, String> labels)
    {
        this.name = requireNonNull(name, "name is null");
        this.coordinator = coordinator;
        this.httpPort = httpPort;
        this.nodeDir = requireNonNull(nodeDir, "nodeDir is null");
        this.labels = Map.copyOf(labels);
    }

    /** Writes etc/: config.properties, node.properties, jvm.config, log.properties, catalogs and exchange manager. */
    void writeEtc(Map<String, String> config, Map<String, String> nodeProperties, List<String> jvmOptions,
            Map<String, Map<String, String>> catalogs, Map<String, String> exchangeManager)
    {
        try {
            Path etc = etcDir();
            Files.createDirectories(etc.resolve("catalog"));
            Files.writeString(etc.resolve("config.properties"), properties(config));
            Files.writeString(etc.resolve("node.properties"), properties(nodeProperties));
            Files.writeString(etc.resolve("jvm.config"), String.join("\n", jvmOptions) + "\n");
            Files.writeString(etc.resolve("log.properties"), "io.trino=INFO\n");
            for (var catalog : catalogs.entrySet()) {
                Files.writeString(etc.resolve("catalog").resolve(catalog.getKey() + ".properties"), properties(catalog.getValue()));
            }
            if (!exchangeManager.isEmpty()) {
                Files.writeString(etc.resolve("exchange-manager.properties"), properties(exchangeManager));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A properties file under etc/ beside the standard ones (an event listener's, say). */
    void writeExtraEtcFile(String name, Map<String, String> properties)
    {
        try {
            Files.createDirectories(etcDir());
            Files.writeString(etcDir().resolve(name), properties(properties));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param extraJvmOptions after jvm.config's, for what the harness adds to a launch (not written to etc/)
     */
    void launch(RuntimeLayout runtime, String ownerMarker, List<String> extraJvmOptions)
    {
        try {
            List<String> command = new ArrayList<>();
            command.add(runtime.javaExecutable().toString());
            command.add(ownerMarker);
            command.add("-Dtrinospot.node=" + name);
            command.addAll(Files.readAllLines(etcDir().resolve("jvm.config")).stream().filter(line -> !line.isBlank()).toList());
            command.addAll(extraJvmOptions);
            for (String line : Files.readAllLines(etcDir().resolve("node.properties"))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    command.add("-D" + line.trim());
                }
            }
            command.add("-Dconfig=" + etcDir().resolve("config.properties"));
            command.add("-Dlog.levels-file=" + etcDir().resolve("log.properties"));
            command.add("-cp");
            command.add(runtime.trinoLibDir() + "/*");
            command.add("io.trinospot.runtime.TrinoServerMain");
            process = ManagedProcess.start(name, command, nodeDir, logFile(), environment);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Environment variables of the node's process (e.g. HADOOP_CONF_DIR), from the next launch on. */
    void environment(Map<String, String> environment)
    {
        this.environment = Map.copyOf(environment);
    }

    void attach(ManagedProcess process)
    {
        this.process = requireNonNull(process, "process is null");
    }

    static String properties(Map<String, String> properties)
    {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(properties).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    public String name()
    {
        return name;
    }

    public boolean isCoordinator()
    {
        return coordinator;
    }

    public int httpPort()
    {
        return httpPort;
    }

    public URI uri()
    {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public Map<String, String> labels()
    {
        return labels;
    }

    public Path nodeDir()
    {
        return nodeDir;
    }

    public Path etcDir()
    {
        return nodeDir.resolve("etc");
    }

    public Path logFile()
    {
        return nodeDir.resolve("var/log/server.log");
    }

    public ManagedProcess process()
    {
        if (process == null) {
            throw new IllegalStateException(name + " has not been started");
        }
        return process;
    }

    public boolean hasStarted()
    {
        return process != null;
    }

    public boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the node vanishes without any goodbye, like a reclaimed Spot instance. */
    public void kill()
    {
        process().kill();
    }

    public void stop()
    {
        if (process != null) {
            process.stop();
        }
    }

    @Override
    public String toString()
    {
        return name + (process == null ? "" : "[pid " + process.pid() + "]");
    }
}
