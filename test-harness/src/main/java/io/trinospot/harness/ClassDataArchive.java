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
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static java.util.Objects.requireNonNull;

/**
 * A class-data-sharing archive (JDK dynamic CDS) of the classes a Trino server loads, kept in the cache ({@link RuntimeLayout#cacheDir()}). A
 * node started with it maps those classes instead of parsing and verifying them again, which takes about a quarter
 * off a server's start-up CPU (figures in BENCHMARKS.md); on 2 cores with several nodes starting at once that is most
 * of a cluster's start. There is nothing to build ahead: while there is no archive, one coordinator records it (the
 * JVM writes it as the server stops cleanly) and the nodes started after that use it.
 * <p>
 * The file name carries a digest of the JDK and of Trino's lib/, so a new JDK or runtime gets a new archive. Plugin
 * classes need no such care: the JVM compares an archived class loaded by a plugin's class loader with the class file
 * (size and CRC) and loads the file when they differ.
 * <p>
 * The archive lives in the per-user cache, so a second checkout on the machine starts warm: the JVM accepts an
 * archive whose class path had another directory in front of the same jars, as long as each jar's size and time
 * match. lib/'s jars keep their times from Maven's repository; the launcher jar, built in each checkout, is given a
 * time derived from its content. An archive not used for {@link #UNUSED_FOR} is deleted when another one is recorded.
 */
final class ClassDataArchive
{
    private static final Logger LOG = Logger.getLogger(ClassDataArchive.class.getName());
    // The JVM reports on every start, as errors, that Trino's module options (--add-modules and the like) differ from
    // those of the JDK's own base archive, and then maps this archive anyway; the measured gain includes that.
    private static final String QUIET = "-Xlog:cds*=off,aot*=off";
    // A claim older than this belongs to a recording that never finished (its harness was killed).
    private static final Duration STALE_CLAIM = Duration.ofMinutes(30);
    static final Duration UNUSED_FOR = Duration.ofDays(30);

    private final Path archive;
    private final Path claim;
    private final InstantSource clock;

    private ClassDataArchive(Path archive, InstantSource clock)
    {
        this.archive = requireNonNull(archive, "archive is null");
        this.claim = archive.resolveSibling(archive.getFileName() + ".recording");
        this.clock = requireNonNull(clock, "clock is null");
    }

    static ClassDataArchive of(RuntimeLayout runtime)
    {
        return of(runtime, InstantSource.system());
    }

    static ClassDataArchive of(RuntimeLayout runtime, InstantSource clock)
    {
        pinLauncherTime(runtime.launcherJar());
        return new ClassDataArchive(runtime.cacheDir().resolve("cds").resolve("trino-" + digest(runtime) + ".jsa"), clock);
    }

    /**
     * Sets the launcher jar's time from its content: each checkout builds it anew, and the JVM maps an archive only
     * when every class-path jar has the time (and size) it had at recording. The content is the jar's entries (name,
     * size, CRC), not its bytes, which also hold each entry's build time. The time is in the past (before 2005), so the
     * build's copy, which replaces an older file only, still replaces it with a rebuilt one.
     */
    static void pinLauncherTime(Path launcherJar)
    {
        if (!Files.isRegularFile(launcherJar)) {
            return;
        }
        try {
            CRC32 crc = new CRC32();
            try (ZipFile jar = new ZipFile(launcherJar.toFile())) {
                jar.stream()
                        .sorted(Comparator.comparing(ZipEntry::getName))
                        .forEach(entry -> crc.update((entry.getName() + "\0" + entry.getSize() + "\0" + entry.getCrc() + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            FileTime pinned = FileTime.from(Instant.EPOCH.plusSeconds(crc.getValue() & 0x3FFF_FFFFL));
            if (!Files.getLastModifiedTime(launcherJar).equals(pinned)) {
                Files.setLastModifiedTime(launcherJar, pinned);
            }
        }
        catch (IOException e) {
            // Only a slower start: this checkout records its own archive.
            LOG.warning("Cannot set the time of " + launcherJar + " from its content: " + e);
        }
    }

    Path path()
    {
        return archive;
    }

    /** The JVM options that map the archive, which is marked as used now; none while there is no archive. */
    List<String> useOptions()
    {
        if (!Files.isRegularFile(archive)) {
            return List.of();
        }
        try {
            Files.setLastModifiedTime(archive, FileTime.from(clock.instant()));
        }
        catch (IOException e) {
            // Only its age is wrong: it may be deleted as unused after UNUSED_FOR, and recorded again.
            LOG.fine("Cannot mark " + archive + " as used: " + e);
        }
        return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
    }

    /** Deletes the other archives of the cache that have not been used for {@link #UNUSED_FOR} (each is 150 MB or so). */
    private void deleteUnused()
    {
        Instant unusedSince = clock.instant().minus(UNUSED_FOR);
        try (Stream<Path> files = Files.list(archive.getParent())) {
            for (Path other : files.filter(file -> file.getFileName().toString().matches("trino-[0-9a-f]+\\.jsa")).toList()) {
                Instant lastUsed = Files.getLastModifiedTime(other).toInstant();
                if (!other.equals(archive) && lastUsed.isBefore(unusedSince)) {
                    Files.deleteIfExists(other);
                    LOG.info("Deleted the class-data archive " + other + ", unused since " + lastUsed);
                }
            }
        }
        catch (IOException e) {
            LOG.warning("Cannot delete unused class-data archives beside " + archive + ": " + e);
        }
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
                if (claimed.toInstant().isAfter(clock.instant().minus(STALE_CLAIM))) {
                    return Optional.empty();
                }
                Files.setLastModifiedTime(claim, FileTime.from(clock.instant()));
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
                    deleteUnused();
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
