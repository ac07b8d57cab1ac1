package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the third-party runtimes assembled by the {@code runtime} Maven module live: the Trino server
 * (lib/ + plugin/), the HDFS class path and the s3proxy jar, plus the JDK that runs them; and the cache of what
 * outlives a cluster.
 *
 * @param cacheDir data that outlives one cluster and one checkout (the lake's tables, the class-data archive), kept
 * per user like Maven's repository, so a second clone on the same machine finds them
 */
public record RuntimeLayout(Path runtimeDir, Path javaHome, Path cacheDir)
{
    public static final String RUNTIME_DIR_PROPERTY = "trinospot.runtime.dir";
    public static final String RUNTIME_DIR_ENV = "TRINO_SPOT_RUNTIME_DIR";
    public static final String CACHE_DIR_PROPERTY = "trinospot.cache.dir";
    public static final String CACHE_DIR_ENV = "TRINO_SPOT_CACHE_DIR";

    public RuntimeLayout
    {
        requireNonNull(runtimeDir, "runtimeDir is null");
        requireNonNull(javaHome, "javaHome is null");
        requireNonNull(cacheDir, "cacheDir is null");
    }

    /** Finds the runtime dir from the system property (set by the build and by ./trino-spot) or the environment. */
    public static RuntimeLayout discover()
    {
        Path dir = Optional.ofNullable(System.getProperty(RUNTIME_DIR_PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv(RUNTIME_DIR_ENV)))
                .map(Path::of)
                .orElseThrow(() -> new IllegalStateException("Where the runtimes are is not set: run through ./trino-spot or Maven, or set -D"
                        + RUNTIME_DIR_PROPERTY + " (or " + RUNTIME_DIR_ENV + ") to the runtime module's target directory"));
        RuntimeLayout layout = new RuntimeLayout(dir.toAbsolutePath().normalize(), Path.of(System.getProperty("java.home")),
                cacheDir(System.getProperty(CACHE_DIR_PROPERTY), System.getenv(CACHE_DIR_ENV), System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home")));
        layout.check();
        return layout;
    }

    /**
     * The cache directory: the system property, else the environment variable, else {@code trino-spot} under the XDG
     * cache directory ({@code ~/.cache} unless {@code XDG_CACHE_HOME} names another absolute path).
     */
    static Path cacheDir(String property, String environment, String xdgCacheHome, String userHome)
    {
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment).toAbsolutePath().normalize();
        }
        // The XDG specification: a relative XDG_CACHE_HOME is invalid and ignored.
        if (xdgCacheHome != null && Path.of(xdgCacheHome).isAbsolute()) {
            return Path.of(xdgCacheHome, "trino-spot");
        }
        return Path.of(requireNonNull(userHome, "user.home is not set"), ".cache", "trino-spot");
    }

    void check()
    {
        if (!Files.isDirectory(trinoLibDir())) {
            throw new IllegalStateException("No Trino server assembled under " + trinoServerDir()
                    + ": run ./mvnw -pl runtime -am package");
        }
        if (Runtime.version().feature() < 25) {
            throw new IllegalStateException("Trino " + trinoVersion() + " needs JDK 25; this JVM is " + Runtime.version());
        }
    }

    public String trinoVersion()
    {
        try {
            return Files.readString(trinoServerDir().resolve("VERSION")).trim();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path trinoServerDir()
    {
        return single("trino-server-");
    }

    public Path trinoLibDir()
    {
        return trinoServerDir().resolve("lib");
    }

    public Path trinoPluginDir()
    {
        return trinoServerDir().resolve("plugin");
    }

    /** The jar of lib/ built in this checkout (the server's main class); every other one comes from Maven's repository. */
    public Path launcherJar()
    {
        return trinoLibDir().resolve("trino-spot-launcher.jar");
    }

    public Path hadoopLibDir()
    {
        return single("hadoop-").resolve("lib");
    }

    public Path s3proxyJar()
    {
        return single("s3proxy-").resolve("s3proxy.jar");
    }

    public Path javaExecutable()
    {
        return javaHome.resolve("bin/java");
    }

    private Path single(String prefix)
    {
        if (!Files.isDirectory(runtimeDir)) {
            throw new IllegalStateException("No runtimes built under " + runtimeDir + ": run ./mvnw install -DskipTests once");
        }
        try (var dirs = Files.list(runtimeDir)) {
            return dirs.filter(path -> path.getFileName().toString().startsWith(prefix))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No " + prefix + "* under " + runtimeDir + ": run ./mvnw -pl runtime -am package"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
