package io.trinospot.exchange;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Builds the Hadoop configuration of the HDFS storage from {@code hdfs.config.resources} or, when that is
 * empty, from {@code core-site.xml}/{@code hdfs-site.xml} in {@code HADOOP_CONF_DIR}.
 */
public final class HadoopConfigurationLoader
{
    public static final String HADOOP_CONF_DIR = "HADOOP_CONF_DIR";

    private HadoopConfigurationLoader() {}

    /** The files that will be read, and where they came from (for error messages). */
    public record Sources(List<java.nio.file.Path> files, String origin)
    {
        public Sources
        {
            files = List.copyOf(requireNonNull(files, "files is null"));
            requireNonNull(origin, "origin is null");
        }
    }

    /** Finds the configuration files; fails with a message naming the key when a named file is missing. */
    public static Sources sources(List<String> configResources, Map<String, String> environment)
    {
        if (!configResources.isEmpty()) {
            List<java.nio.file.Path> files = new ArrayList<>();
            for (String resource : configResources) {
                java.nio.file.Path file = java.nio.file.Path.of(resource);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("hdfs.config.resources: file does not exist: " + resource);
                }
                files.add(file);
            }
            return new Sources(files, "hdfs.config.resources=" + String.join(",", configResources));
        }
        Optional<String> confDir = Optional.ofNullable(environment.get(HADOOP_CONF_DIR)).filter(dir -> !dir.isBlank());
        if (confDir.isEmpty()) {
            return new Sources(List.of(), "no hdfs.config.resources and no HADOOP_CONF_DIR");
        }
        List<java.nio.file.Path> files = new ArrayList<>();
        for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
            java.nio.file.Path file = java.nio.file.Path.of(confDir.get(), name);
            if (Files.isRegularFile(file)) {
                files.add(file);
            }
        }
        return new Sources(files, "HADOOP_CONF_DIR=" + confDir.get());
    }

    public static Configuration load(Sources sources)
    {
        // Hadoop resolves classes and default resources through the configuration's class loader; pin it to
        // this plugin's loader so nothing depends on whatever thread context loader the caller has.
        Configuration configuration = new Configuration(true);
        configuration.setClassLoader(HadoopConfigurationLoader.class.getClassLoader());
        for (java.nio.file.Path file : sources.files()) {
            configuration.addResource(new Path(file.toAbsolutePath().toUri()));
        }
        // The shaded client finds DistributedFileSystem through ServiceLoader on the context class loader,
        // which differs between threads in Trino: name it explicitly.
        if (configuration.get("fs.hdfs.impl") == null) {
            configuration.set("fs.hdfs.impl", "org.apache.hadoop.hdfs.DistributedFileSystem");
        }
        return configuration;
    }
}
