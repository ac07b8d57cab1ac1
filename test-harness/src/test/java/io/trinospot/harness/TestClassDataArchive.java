package io.trinospot.harness;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TestClassDataArchive
{
    @TempDir
    Path dir;
    private RuntimeLayout runtime;

    @BeforeEach
    void setUp()
            throws IOException
    {
        Path lib = Files.createDirectories(dir.resolve("runtime/trino-server-483/lib"));
        Files.writeString(lib.resolve("trino-main-483.jar"), "main");
        Files.writeString(lib.resolve("guava.jar"), "guava");
        Path javaHome = Files.createDirectories(dir.resolve("jdk"));
        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"25\"\n");
        runtime = new RuntimeLayout(dir.resolve("runtime"), javaHome);
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

    private static Path recordedFile(ClassDataArchive.Recording recording)
    {
        return Path.of(recording.options().getFirst().substring("-XX:ArchiveClassesAtExit=".length()));
    }
}
