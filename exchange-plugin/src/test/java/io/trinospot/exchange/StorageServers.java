package io.trinospot.exchange;

import io.trinospot.harness.HdfsCluster;
import io.trinospot.harness.PortAllocator;
import io.trinospot.harness.ProcessReaper;
import io.trinospot.harness.RuntimeLayout;
import io.trinospot.harness.S3Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Real storage servers from the harness for SPI-level tests, and exchange-manager configs pointing at them. */
final class StorageServers
{
    private StorageServers() {}

    static Path workDir(String name)
    {
        Path root = Optional.ofNullable(System.getProperty("trinospot.work.dir")).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "trino-spot"));
        Path dir = root.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectories(dir);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.toAbsolutePath();
    }

    static HdfsCluster startHdfs(PortAllocator ports, Path workDir)
    {
        ProcessReaper.reapOrphans();
        return HdfsCluster.start(RuntimeLayout.discover(), ports, workDir.resolve("hdfs"), ProcessReaper.markerArgument());
    }

    static S3Server startS3(PortAllocator ports, Path workDir)
    {
        ProcessReaper.reapOrphans();
        return S3Server.start(RuntimeLayout.discover(), ports, workDir.resolve("s3-data"), workDir.resolve("s3"), ProcessReaper.markerArgument());
    }

    /** The AWS blog post's EMR-style config: a relative base directory on the cluster's own HDFS. */
    static Map<String, String> hdfsConfig(HdfsCluster hdfs, String baseDirectory)
    {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("exchange.base-directories", baseDirectory);
        config.put("exchange.use-local-hdfs", "true");
        config.put("hdfs.config.resources", hdfs.confDir().resolve("core-site.xml") + "," + hdfs.confDir().resolve("hdfs-site.xml"));
        return config;
    }

    static Map<String, String> s3Config(S3Server s3, String baseDirectory)
    {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("exchange.base-directories", baseDirectory);
        config.put("exchange.s3.endpoint", s3.endpoint().toString());
        config.put("exchange.s3.region", S3Server.REGION);
        config.put("exchange.s3.path-style-access", "true");
        config.put("exchange.s3.aws-access-key", S3Server.ACCESS_KEY);
        config.put("exchange.s3.aws-secret-key", S3Server.SECRET_KEY);
        return config;
    }
}
