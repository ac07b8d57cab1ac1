package io.trinospot.exchange;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/** The base directories after EMR-style resolution, all of one storage kind. */
public record BaseDirectories(StorageKind kind, List<URI> directories)
{
    public enum StorageKind
    {
        HDFS, S3, GCS, AZURE, LOCAL
    }

    public BaseDirectories
    {
        requireNonNull(kind, "kind is null");
        directories = List.copyOf(requireNonNull(directories, "directories is null"));
    }

    /**
     * Resolves {@code exchange.base-directories}. With {@code useLocalHdfs}, directories without a scheme are paths
     * on the HDFS named by {@code fs.defaultFS}, which {@code defaultFs} supplies (only asked for when needed).
     *
     * @throws IllegalArgumentException with a message naming the offending key
     */
    public static BaseDirectories resolve(List<URI> configured, boolean useLocalHdfs, Supplier<Optional<URI>> defaultFs, Supplier<String> defaultFsOrigin)
    {
        if (configured == null || configured.isEmpty()) {
            throw new IllegalArgumentException("exchange.base-directories is not set: name at least one directory, e.g. /exchange with exchange.use-local-hdfs=true, s3://bucket/exchange or file:///var/trino/exchange");
        }
        List<URI> resolved = configured;
        if (useLocalHdfs) {
            URI hdfs = null;
            java.util.ArrayList<URI> list = new java.util.ArrayList<>();
            for (URI directory : configured) {
                if (directory.getScheme() != null) {
                    if (!directory.getScheme().equalsIgnoreCase("hdfs")) {
                        throw new IllegalArgumentException("exchange.use-local-hdfs=true, but exchange.base-directories has " + directory
                                + ": use paths without a scheme (e.g. /exchange) or hdfs:// URIs");
                    }
                    list.add(directory);
                    continue;
                }
                if (hdfs == null) {
                    Optional<URI> fs = defaultFs.get();
                    if (fs.isEmpty() || fs.get().getScheme() == null || !fs.get().getScheme().equalsIgnoreCase("hdfs") || fs.get().getAuthority() == null) {
                        throw new IllegalArgumentException("exchange.use-local-hdfs=true needs fs.defaultFS of an HDFS cluster (hdfs://namenode:port), but "
                                + defaultFsOrigin.get() + " gives fs.defaultFS=" + fs.map(URI::toString).orElse("<unset>")
                                + ": set hdfs.config.resources to the cluster's core-site.xml or export HADOOP_CONF_DIR");
                    }
                    hdfs = fs.get();
                }
                if (!directory.getPath().startsWith("/")) {
                    throw new IllegalArgumentException("exchange.base-directories: " + directory + " must be an absolute path such as /exchange");
                }
                list.add(URI.create("hdfs://" + hdfs.getAuthority() + directory.getPath()));
            }
            resolved = list;
        }

        Set<String> schemes = new TreeSet<>();
        for (URI directory : resolved) {
            schemes.add(directory.getScheme() == null ? "file" : directory.getScheme().toLowerCase(Locale.ROOT));
        }
        if (schemes.size() > 1) {
            throw new IllegalArgumentException("exchange.base-directories mixes storage schemes " + schemes + ": all base directories must use the same one");
        }
        String scheme = schemes.iterator().next();
        StorageKind kind = switch (scheme) {
            case "hdfs" -> StorageKind.HDFS;
            case "s3" -> StorageKind.S3;
            case "gs" -> StorageKind.GCS;
            case "abfs", "abfss" -> StorageKind.AZURE;
            case "file" -> StorageKind.LOCAL;
            default -> throw new IllegalArgumentException("exchange.base-directories: scheme '" + scheme
                    + "' is not supported; use hdfs://, s3://, gs://, abfs(s):// or file:// (or a path with exchange.use-local-hdfs=true)");
        };
        for (URI directory : resolved) {
            if (kind == StorageKind.HDFS && directory.getAuthority() == null) {
                throw new IllegalArgumentException("exchange.base-directories: " + directory + " names no NameNode; write hdfs://namenode:port/path, or /path with exchange.use-local-hdfs=true");
            }
            if ((kind == StorageKind.S3 || kind == StorageKind.GCS) && directory.getHost() == null) {
                throw new IllegalArgumentException("exchange.base-directories: " + directory + " names no bucket");
            }
        }
        return new BaseDirectories(kind, resolved);
    }

    /** The directories as Trino's config accepts them: comma-separated, each ending in a slash. */
    public String asConfigValue()
    {
        return String.join(",", directories.stream().map(URI::toString).toList());
    }
}
