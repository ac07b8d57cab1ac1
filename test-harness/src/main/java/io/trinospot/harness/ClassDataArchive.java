package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A class-data-sharing archive (JDK dynamic CDS) of the classes a Trino server loads, kept in the runtime cache. A
 * node started with it maps those classes instead of parsing and verifying them again, which takes about a quarter
 * off a server's start-up CPU (figures in BENCHMARKS.md); on 2 cores with several nodes starting at once that is most
 * of a cluster's start. There is nothing to build ahead: while there is no archive, one coordinator records it (the
 * JVM writes it as the server stops cleanly) and the nodes started after that use it.
 * <p>
 * The file name carries a digest of the JDK and of Trino's lib/, so a new JDK or runtime gets a new archive. Plugin
 * classes need no such care: the JVM compares an archived class loaded by a plugin's class loader with the class file
 * (size and CRC) and loads the file when they differ.
 */
final class ClassDataArchive
{
    private static final Logger LOG = Logger.getLogger(ClassDataArchive.class.getName());
    // The JVM reports on every start, as errors, that Trino's module options (--add-modules and the like) differ from
    // those of the JDK's own base archive, and then maps this archive anyway; the measured gain includes that.
    private static final String QUIET = "-Xlog:cds*=off,aot*=off";
    // A claim older than this belongs to a recording that never finished (its harness was killed).
    private static final Duration STALE_CLAIM = Duration.ofMinutes(30);

    private final Path archive;
    private final Path claim;

    private ClassDataArchive(Path archive)
    {
        this.archive = requireNonNull(archive, "archive is null");
        this.claim = archive.resolveSibling(archive.getFileName() + ".recording");
    }

    static ClassDataArchive of(RuntimeLayout runtime)
    {
        return new ClassDataArchive(runtime.cacheDir().resolve("cds").resolve("trino-" + digest(runtime) + ".jsa"));
    }

    Path path()
    {
        return archive;
    }

    /** The JVM options that map the archive; none while there is no archive. */
    List<String> useOptions()
    {
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive, QUIET) : List.of();
    }

    /**
     * Claims the recording of the archive, unless it exists or another harness records it now.
     *
     * @return the recording, whose {@link Recording#options()} go on the command line of the JVM that records
     */
    Optional<Recording> startRecording()
    {
        if (Files.exists(archive)) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(archive.getParent());
            try {
                Files.createFile(claim);
            }
            catch (FileAlreadyExistsException e) {
                FileTime claimed = Files.getLastModifiedTime(claim);
                if (claimed.toInstant().isAfter(Instant.now().minus(STALE_CLAIM))) {
                    return Optional.empty();
                }
                Files.setLastModifiedTime(claim, FileTime.from(Instant.now()));
            }
            return Optional.of(new Recording(archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".tmp")));
        }
        catch (IOException e) {
            // Only a slower start: the nodes run without an archive.
            LOG.warning("Cannot record a class-data archive at " + archive + ": " + e);
            return Optional.empty();
        }
    }

    final class Recording
    {
        private final Path target;

        private Recording(Path target)
        {
            this.target = target;
        }

        List<String> options()
        {
            return List.of("-XX:ArchiveClassesAtExit=" + target, QUIET);
        }

        /**
         * The recording JVM is gone. Its archive is kept only when it stopped on SIGTERM (the JVM writes the archive
         * while it exits: one killed mid-way leaves a partial file); otherwise a later coordinator records again.
         */
        void finish(boolean exitedCleanly)
        {
            try {
                if (exitedCleanly && Files.size(target) > 0) {
                    Files.move(target, archive, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("Recorded the class-data archive " + archive + " (" + Files.size(archive) / (1024 * 1024) + " MB)");
                }
            }
            catch (IOException e) {
                LOG.info("No class-data archive recorded at " + target + ": " + e);
            }
            finally {
                try {
                    Files.deleteIfExists(target);
                    Files.deleteIfExists(claim);
                }
                catch (IOException e) {
                    LOG.warning("Cannot clean up the class-data recording " + target + ": " + e);
                }
            }
        }
    }

    private static String digest(RuntimeLayout runtime)
    {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Path release = runtime.javaHome().resolve("release");
            sha.update(runtime.javaHome().toString().getBytes(StandardCharsets.UTF_8));
            if (Files.isRegularFile(release)) {
                sha.update(Files.readAllBytes(release));
            }
            // The class path the nodes run with: each jar of lib/, by name, size and time.
            List<Path> jars;
            try (Stream<Path> files = Files.list(runtime.trinoLibDir())) {
                jars = files.sorted().toList();
            }
            for (Path jar : jars) {
                sha.update((jar.getFileName() + "\0" + Files.size(jar) + "\0" + Files.getLastModifiedTime(jar).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
