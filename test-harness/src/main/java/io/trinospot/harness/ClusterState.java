package io.trinospot.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What a detached cluster ({@code trino-spot cluster up}) left running, so that later commands
 * (status, sql, kill, down) in other JVMs can find and stop it.
 */
public record ClusterState(String id, String ownerMarker, String coordinatorUrl, Path workDir, List<Process> processes)
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public record Process(String name, String role, long pid, Instant startedAt, Path logFile, int httpPort, Map<String, String> labels)
    {
        public Process
        {
            requireNonNull(name, "name is null");
            requireNonNull(role, "role is null");
            requireNonNull(startedAt, "startedAt is null");
            requireNonNull(logFile, "logFile is null");
            labels = Map.copyOf(labels == null ? Map.of() : labels);
        }
    }

    public ClusterState
    {
        requireNonNull(id, "id is null");
        requireNonNull(ownerMarker, "ownerMarker is null");
        requireNonNull(coordinatorUrl, "coordinatorUrl is null");
        requireNonNull(workDir, "workDir is null");
        processes = List.copyOf(processes);
    }

    public static ClusterState of(TrinoCluster cluster)
    {
        List<Process> processes = new java.util.ArrayList<>();
        for (TrinoNode node : cluster.nodes()) {
            ManagedProcess process = node.process();
            processes.add(new Process(node.name(), node.isCoordinator() ? "coordinator" : "worker", process.pid(), process.startedAt(),
                    process.logFile(), node.httpPort(), node.labels()));
        }
        cluster.s3().ifPresent(s3 -> processes.add(new Process("s3", "s3", s3.process().pid(), s3.process().startedAt(), s3.process().logFile(), s3.port(), Map.of())));
        cluster.hdfs().ifPresent(hdfs -> hdfs.processes().forEach(process ->
                processes.add(new Process(process.name(), "hdfs", process.pid(), process.startedAt(), process.logFile(), 0, Map.of()))));
        return new ClusterState(cluster.id(), cluster.ownerMarker(), cluster.coordinator().uri().toString(), cluster.workDir(), processes);
    }

    public void write(Path file)
    {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            MAPPER.writeValue(temp.toFile(), this);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ClusterState read(Path file)
    {
        try {
            return MAPPER.readValue(file.toFile(), ClusterState.class);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read cluster state " + file + ": " + e.getMessage(), e);
        }
    }
}
