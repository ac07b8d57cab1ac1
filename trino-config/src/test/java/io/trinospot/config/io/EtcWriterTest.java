package io.trinospot.config.io;

import io.trinospot.config.render.RenderedEtc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EtcWriterTest
{
    @TempDir
    Path dir;

    static RenderedEtc etc(String... pathsAndContents)
    {
        TreeMap<String, String> files = new TreeMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return new RenderedEtc(files);
    }

    @Test
    void writesReplacesAndSkipsWhenUnchanged()
            throws IOException
    {
        Path target = dir.resolve("etc");
        EtcWriter.Result first = EtcWriter.write(etc("config.properties", "a=1\n", "catalog/x.properties", "x=1\n"), target);
        assertThat(first.changed()).isTrue();
        assertThat(first.diff().changes()).extracting(EtcDiff.FileChange::kind).containsExactly(EtcDiff.Kind.ADDED, EtcDiff.Kind.ADDED);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-xr-x");

        EtcWriter.Result second = EtcWriter.write(etc("config.properties", "a=2\nb=3\n"), target);
        assertThat(second.diff().changes()).containsExactly(
                new EtcDiff.FileChange("catalog/x.properties", EtcDiff.Kind.REMOVED, List.of("-x=1")),
                new EtcDiff.FileChange("config.properties", EtcDiff.Kind.CHANGED, List.of("-a=1", "+a=2", "+b=3")));
        assertThat(target.resolve("config.properties")).content().isEqualTo("a=2\nb=3\n");
        assertThat(target.resolve("catalog")).doesNotExist();

        assertThat(EtcWriter.write(etc("config.properties", "a=2\nb=3\n"), target).changed()).isFalse();
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings).containsExactly(target);
        }
    }

    @Test
    void failedWriteKeepsThePreviousEtc()
            throws IOException
    {
        Path target = dir.resolve("etc");
        EtcWriter.write(etc("config.properties", "old=1\n"), target);
        // "catalog" as a file and as a directory: the second write fails half way through staging
        RenderedEtc impossible = etc("config.properties", "new=1\n", "catalog", "x", "catalog/y.properties", "y=1\n");
        assertThatThrownBy(() -> EtcWriter.write(impossible, target)).isInstanceOf(IOException.class);
        assertThat(target.resolve("config.properties")).content().isEqualTo("old=1\n");
        try (Stream<Path> siblings = Files.list(dir); Stream<Path> inside = Files.list(target)) {
            assertThat(siblings).containsExactly(target);
            assertThat(inside).hasSize(1);
        }
    }

    @Test
    void refusesToReplaceWhatIsNotAnEtc()
            throws IOException
    {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("src"));
        Files.writeString(home.resolve("notes.txt"), "keep me\n");
        assertThatThrownBy(() -> EtcWriter.write(etc("config.properties", "a=1\n"), home))
                .hasMessage("refusing to replace a directory that is not a Trino etc/ (not empty, no config.properties)");
        Files.writeString(home.resolve("config.properties"), "a=0\n");
        assertThatThrownBy(() -> EtcWriter.write(etc("config.properties", "a=1\n"), home))
                .hasMessage("refusing to replace " + home + ": it holds the directory src, which render does not manage");
        assertThat(home.resolve("notes.txt")).content().isEqualTo("keep me\n");
        assertThat(home.resolve("config.properties")).content().isEqualTo("a=0\n");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(EtcWriter.write(etc("config.properties", "a=1\n"), empty).changed()).isTrue();
    }

    @Test
    void lineDiff()
    {
        assertThat(EtcDiff.lineDiff(List.of("a", "b", "c"), List.of("a", "c", "d"))).containsExactly("-b", "+d");
        assertThat(EtcDiff.lineDiff(List.of("x"), List.of("x"))).containsExactly("~(only line endings differ)");
    }

    @Test
    void rejectsPathsOutsideEtc()
    {
        for (String path : List.of("/etc/passwd", "../x", "a/../../x", "a//b", "")) {
            assertThatThrownBy(() -> etc(path, "x")).as(path).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
