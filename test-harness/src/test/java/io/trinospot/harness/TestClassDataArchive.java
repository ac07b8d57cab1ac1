package io.trinospot.harness;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class TestClassDataArchive
{
    private static final FileTime FROM_MAVEN_REPOSITORY = FileTime.from(Instant.parse("2026-10-16T22:59:58Z"));

    @TempDir
    Path dir;
    private RuntimeLayout runtime;
    private Path javaHome;

    @BeforeEach
    void setUp()
            throws IOException
    {
        javaHome = Files.createDirectories(dir.resolve("jdk"));
        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"25\"\n");
        runtime = checkout("checkout-1", FileTime.from(Instant.parse("2026-12-04T03:00:00Z")));
    }

    /** A checkout's runtime as the build assembles it: lib/'s jars with their repository times, the launcher just built. */
    private RuntimeLayout checkout(String name, FileTime launcherBuilt)
            throws IOException
    {
        Path runtimeDir = dir.resolve(name).resolve("runtime");
        Path lib = Files.createDirectories(runtimeDir.resolve("trino-server-483/lib"));
        Files.writeString(lib.resolve("trino-main-483.jar"), "main");
        Files.writeString(lib.resolve("guava.jar"), "guava");
        writeLauncher(lib.resolve("trino-spot-launcher.jar"), "launcher", launcherBuilt);
        Files.setLastModifiedTime(lib.resolve("trino-main-483.jar"), FROM_MAVEN_REPOSITORY);
        Files.setLastModifiedTime(lib.resolve("guava.jar"), FROM_MAVEN_REPOSITORY);
        Files.setLastModifiedTime(lib.resolve("trino-spot-launcher.jar"), launcherBuilt);
        return new RuntimeLayout(runtimeDir, javaHome, dir.resolve("user-cache"));
    }

    /** A jar as the build writes it: its entries carry the time it was built. */
    private static void writeLauncher(Path jar, String classFile, FileTime built)
            throws IOException
    {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry entry = new JarEntry("io/trinospot/launcher/Launcher.class");
            entry.setLastModifiedTime(built);
            out.putNextEntry(entry);
            out.write(classFile.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    @Test
    void oneRecordingAtATimeThenEveryNodeUsesTheArchive()
            throws IOException
    {
        ClassDataArchive archive = ClassDataArchive.of(runtime);
        assertThat(archive.useOptions()).as("nothing recorded yet").isEmpty();

        ClassDataArchive.Recording recording = archive.startRecording().orElseThrow();
        assertThat(recording.options().getFirst()).startsWith("-XX:ArchiveClassesAtExit=" + archive.path() + ".").endsWith(".tmp");
        assertThat(ClassDataArchive.of(runtime).startRecording()).as("a second coordinator while the first records").isEmpty();

        // The JVM writes the archive as it exits.
        Files.writeString(recordedFile(recording), "CDS archive");
        recording.finish(true);

        assertThat(archive.useOptions()).startsWith("-XX:SharedArchiveFile=" + archive.path());
        assertThat(Files.readString(archive.path())).isEqualTo("CDS archive");
        assertThat(archive.startRecording()).as("recorded once").isEmpty();
        try (var files = Files.list(archive.path().getParent())) {
            assertThat(files).as("no claim or temporary file left").containsExactly(archive.path());
        }
    }

    @Test
    void aRecordingJvmThatWasKilledLeavesNoArchiveAndAnotherMayRecord()
            throws IOException
    {
        ClassDataArchive archive = ClassDataArchive.of(runtime);
        ClassDataArchive.Recording recording = archive.startRecording().orElseThrow();
        Files.writeString(recordedFile(recording), "partial");
        recording.finish(false);

        assertThat(archive.useOptions()).isEmpty();
        assertThat(Files.exists(recordedFile(recording))).isFalse();
        assertThat(archive.startRecording()).isPresent();
    }

    @Test
    void aClaimLeftByAHarnessThatDiedGoesStale()
            throws IOException
    {
        ClassDataArchive archive = ClassDataArchive.of(runtime);
        assertThat(archive.startRecording()).isPresent();
        Path claim = archive.path().resolveSibling(archive.path().getFileName() + ".recording");
        Files.setLastModifiedTime(claim, FileTime.from(Instant.now().minus(Duration.ofMinutes(31))));

        Optional<ClassDataArchive.Recording> again = archive.startRecording();
        assertThat(again).isPresent();
        assertThat(Files.getLastModifiedTime(claim).toInstant()).as("claimed afresh").isAfter(Instant.now().minus(Duration.ofMinutes(1)));
    }

    @Test
    void aNewRuntimeOrJdkGetsItsOwnArchive()
            throws IOException
    {
        Path first = ClassDataArchive.of(runtime).path();
        assertThat(ClassDataArchive.of(runtime).path()).isEqualTo(first);

        Files.writeString(runtime.trinoLibDir().resolve("trino-main-483.jar"), "main, rebuilt");
        Path second = ClassDataArchive.of(runtime).path();
        assertThat(second).isNotEqualTo(first);

        Files.writeString(runtime.javaHome().resolve("release"), "JAVA_VERSION=\"25.0.2\"\n");
        assertThat(ClassDataArchive.of(runtime).path()).isNotEqualTo(second).isNotEqualTo(first);
        assertThat(first.getParent()).isEqualTo(runtime.cacheDir().resolve("cds"));
    }

    @Test
    void anArchiveRecordedInOneCheckoutIsUsedByAnotherOfTheSameCode()
            throws IOException
    {
        ClassDataArchive first = ClassDataArchive.of(runtime);
        ClassDataArchive.Recording recording = first.startRecording().orElseThrow();
        Files.writeString(recordedFile(recording), "CDS archive");
        recording.finish(true);

        RuntimeLayout other = checkout("checkout-2", FileTime.from(Instant.parse("2026-12-04T05:00:00Z")));
        assertThat(Files.readAllBytes(other.launcherJar())).as("each build writes its time into the jar")
                .isNotEqualTo(Files.readAllBytes(runtime.launcherJar()));
        ClassDataArchive second = ClassDataArchive.of(other);
        assertThat(second.path()).isEqualTo(first.path());
        assertThat(second.useOptions()).startsWith("-XX:SharedArchiveFile=" + first.path());
        // What the JVM compares before it maps the archive: each jar's time (and size).
        assertThat(Files.getLastModifiedTime(other.launcherJar())).isEqualTo(Files.getLastModifiedTime(runtime.launcherJar()));
        assertThat(Files.getLastModifiedTime(other.launcherJar()).toInstant())
                .as("before any build, so the build's copy (newer files only) still replaces it")
                .isBefore(Instant.parse("2005-01-01T00:00:00Z"));
    }

    @Test
    void aRebuiltLauncherGetsItsOwnArchive()
            throws IOException
    {
        Path first = ClassDataArchive.of(runtime).path();
        RuntimeLayout changed = checkout("checkout-2", FileTime.from(Instant.parse("2026-12-04T05:00:00Z")));
        writeLauncher(changed.launcherJar(), "launcher, changed", FileTime.from(Instant.parse("2026-12-04T05:00:00Z")));
        assertThat(ClassDataArchive.of(changed).path()).isNotEqualTo(first);
        assertThat(Files.getLastModifiedTime(changed.launcherJar())).isNotEqualTo(Files.getLastModifiedTime(runtime.launcherJar()));
    }

    @Test
    void archivesUnusedForThirtyDaysAreDeletedWhenAnotherIsRecorded()
            throws IOException
    {
        Instant now = Instant.parse("2026-12-04T03:00:00Z");
        InstantSource clock = () -> now;
        Path cds = Files.createDirectories(runtime.cacheDir().resolve("cds"));
        Path unused = Files.writeString(cds.resolve("trino-00000000000000aa.jsa"), "old runtime");
        Files.setLastModifiedTime(unused, FileTime.from(now.minus(Duration.ofDays(31))));
        Path usedLately = Files.writeString(cds.resolve("trino-00000000000000bb.jsa"), "another checkout's runtime");
        Files.setLastModifiedTime(usedLately, FileTime.from(now.minus(Duration.ofDays(29))));
        Path notAnArchive = Files.writeString(cds.resolve("notes.txt"), "kept");
        Files.setLastModifiedTime(notAnArchive, FileTime.from(now.minus(Duration.ofDays(365))));

        ClassDataArchive archive = ClassDataArchive.of(runtime, clock);
        ClassDataArchive.Recording recording = archive.startRecording().orElseThrow();
        assertThat(unused).as("deleted only once a new archive is in place").exists();
        Files.writeString(recordedFile(recording), "CDS archive");
        recording.finish(true);

        assertThat(unused).doesNotExist();
        assertThat(usedLately).exists();
        assertThat(notAnArchive).exists();
        assertThat(archive.path()).exists();
    }

    @Test
    void usingAnArchiveMarksItUsed()
            throws IOException
    {
        Instant now = Instant.parse("2026-12-04T03:00:00Z");
        ClassDataArchive archive = ClassDataArchive.of(runtime, () -> now);
        Files.createDirectories(archive.path().getParent());
        Files.writeString(archive.path(), "CDS archive");
        Files.setLastModifiedTime(archive.path(), FileTime.from(now.minus(Duration.ofDays(40))));

        assertThat(archive.useOptions()).isNotEmpty();
        assertThat(Files.getLastModifiedTime(archive.path()).toInstant()).isEqualTo(now);
    }

    private static Path recordedFile(ClassDataArchive.Recording recording)
    {
        return Path.of(recording.options().getFirst().substring("-XX:ArchiveClassesAtExit=".length()));
    }
}
