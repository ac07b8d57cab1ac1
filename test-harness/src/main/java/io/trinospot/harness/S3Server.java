package io.trinospot.harness;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A real S3-API server (s3proxy on its filesystem provider) on loopback. Buckets are directories under
 * {@code dataDir}, so lake tables written once survive the server and are found again by the next one.
 */
public final class S3Server
        implements AutoCloseable
{
    public static final String ACCESS_KEY = "trinospot";
    public static final String SECRET_KEY = "trinospot-secret";
    public static final String REGION = "us-east-1";

    private final ManagedProcess process;
    private final int port;

    private S3Server(ManagedProcess process, int port)
    {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
    }

    public static S3Server start(RuntimeLayout runtime, PortAllocator ports, Path dataDir, Path workDir, String ownerMarker)
    {
        int port = ports.allocate();
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(workDir);
            Path properties = workDir.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    // the AWS SDK sends headers (e.g. x-amz-optional-object-attributes) s3proxy would otherwise refuse with 501
                    "s3proxy.ignore-unknown-headers=true",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath(),
                    ""));
            ManagedProcess process = ManagedProcess.start(
                    "s3",
                    List.of(runtime.javaExecutable().toString(), ownerMarker, "-Xmx512m", "-jar", runtime.s3proxyJar().toString(), "--properties", properties.toString()),
                    workDir,
                    workDir.resolve("s3proxy.log"),
                    Map.of());
            S3Server server = new S3Server(process, port);
            Waits.until("S3 server on port " + port, Duration.ofSeconds(60), process, () -> Waits.portOpen(port));
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint()
    {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port()
    {
        return port;
    }

    public ManagedProcess process()
    {
        return process;
    }

    /** An AWS SDK v2 client for this server. */
    public S3Client client()
    {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    public void createBucket(String bucket)
    {
        try (S3Client client = client()) {
            client.createBucket(request -> request.bucket(bucket));
        }
        catch (BucketAlreadyOwnedByYouException e) {
            // already there from an earlier run: exactly what we want
        }
    }

    /** Trino catalog properties for the native S3 file system pointing at this server. */
    public Map<String, String> trinoFileSystemProperties()
    {
        return trinoFileSystemProperties(endpoint());
    }

    /** As {@link #trinoFileSystemProperties()}, reaching this server at {@code endpoint} (a proxy in front of it). */
    public Map<String, String> trinoFileSystemProperties(URI endpoint)
    {
        return Map.of(
                "fs.native-s3.enabled", "true",
                "s3.endpoint", endpoint.toString(),
                "s3.region", REGION,
                "s3.path-style-access", "true",
                "s3.aws-access-key", ACCESS_KEY,
                "s3.aws-secret-key", SECRET_KEY);
    }

    @Override
    public void close()
    {
        process.stop();
    }
}
