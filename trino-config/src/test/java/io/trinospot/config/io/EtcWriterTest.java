package io.trinospot.config.io;

import io.trinospot.config.render.RenderedEtc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
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

    static final String SECRET = "3f1c9a7e5b2d4086a1e7c3b9d5f20468e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1";

    static String mode(Path path)
            throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void filesWithSecretsAreTheOwnersAlone()
            throws IOException
    {
        Path target = dir.resolve("etc");
        EtcWriter.write(etc(
                "config.properties", "coordinator=true\ninternal-communication.shared-secret=" + SECRET + "\n",
                "exchange-manager.properties", "exchange-manager.name=spot\nexchange.s3.aws-secret-key=wJalrXUtnFEMI\n",
                "catalog/pg.properties", "connector.name=postgresql\nconnection-password=hunter2\n",
                "catalog/tpch.properties", "connector.name=tpch\n",
                "hadoop/core-site.xml", "<configuration>\n  <property>\n    <name>fs.s3a.secret.key</name>\n    <value>wJalrXUtnFEMI</value>\n  </property>\n</configuration>\n",
                "hadoop/hdfs-site.xml", "<configuration>\n  <property>\n    <name>dfs.replication</name>\n    <value>1</value>\n  </property>\n</configuration>\n",
                "log.properties", "io.trino=INFO\n",
                "spot-watcher.properties", "watcher.trino.shared-secret=" + SECRET + "\nwatcher.imds.token-ttl=6h\n"), target);

        assertThat(mode(target)).isEqualTo("rwx------");
        for (String secret : List.of("config.properties", "exchange-manager.properties", "catalog/pg.properties", "hadoop/core-site.xml", "spot-watcher.properties")) {
            assertThat(mode(target.resolve(secret))).as(secret).isEqualTo("rw-------");
        }
        assertThat(mode(target.resolve("catalog"))).isEqualTo("rwx------");
        assertThat(mode(target.resolve("hadoop"))).isEqualTo("rwx------");
        for (String plain : List.of("catalog/tpch.properties", "hadoop/hdfs-site.xml", "log.properties")) {
            assertThat(mode(target.resolve(plain))).as(plain).isEqualTo("rw-r--r--");
        }
    }

    @Test
    void diffShowsThatASecretChangedButNeverItsValue()
            throws IOException
    {
        Path target = dir.resolve("etc");
        String newSecret = SECRET.replace('3', '4');
        EtcWriter.Result first = EtcWriter.write(etc(
                "config.properties", "a=1\ninternal-communication.shared-secret=" + SECRET + "\n",
                "catalog/pg.properties", "connector.name=postgresql\nconnection-password=hunter2\n"), target);
        assertThat(first.diff().format("etc")).contains("+internal-communication.shared-secret=***\n", "+connection-password=***\n").doesNotContain(SECRET, "hunter2");

        EtcWriter.Result second = EtcWriter.write(etc(
                "config.properties", "a=1\ninternal-communication.shared-secret=" + newSecret + "\n",
                "hadoop/core-site.xml", "<configuration>\n  <property>\n    <name>fs.s3a.secret.key</name>\n    <value>wJalrXUtnFEMI</value>\n  </property>\n</configuration>\n"), target);
        assertThat(second.diff().changes()).contains(
                new EtcDiff.FileChange("catalog/pg.properties", EtcDiff.Kind.REMOVED, List.of("-connector.name=postgresql", "-connection-password=***")),
                new EtcDiff.FileChange("config.properties", EtcDiff.Kind.CHANGED, List.of("-internal-communication.shared-secret=***", "+internal-communication.shared-secret=***")));
        assertThat(second.diff().format("etc")).contains("+    <name>fs.s3a.secret.key</name>\n+    <value>***</value>\n")
                .doesNotContain(SECRET, newSecret, "hunter2", "wJalrXUtnFEMI");
        assertThat(target.resolve("config.properties")).content().contains(newSecret);
    }

    @Test
    void secretsLeftReadableByOthersAreDrift()
            throws IOException
    {
        Path target = dir.resolve("etc");
        RenderedEtc etc = etc("config.properties", "internal-communication.shared-secret=" + SECRET + "\n", "log.properties", "io.trino=INFO\n");
        EtcWriter.write(etc, target);
        Files.setPosixFilePermissions(target.resolve("config.properties"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));

        EtcWriter.Result repaired = EtcWriter.write(etc, target);
        assertThat(repaired.changed()).isTrue();
        assertThat(repaired.diff().format("etc")).isEqualTo("""
                --- etc/
                +++ etc/
                ~mode rwxr-xr-x -> rwx------
                --- etc/config.properties
                +++ etc/config.properties
                ~mode rw-r--r-- -> rw-------
                """);
        assertThat(mode(target)).isEqualTo("rwx------");
        assertThat(mode(target.resolve("config.properties"))).isEqualTo("rw-------");
        assertThat(EtcWriter.write(etc, target).changed()).isFalse();
    }

    @Test
    void aGroupMayReadTheSecrets()
            throws IOException
    {
        // a group this user may give files to: the one its new files get
        String group = Files.readAttributes(Files.createFile(dir.resolve("probe")), PosixFileAttributes.class).group().getName();
        Path target = dir.resolve("etc");
        RenderedEtc etc = etc("config.properties", "internal-communication.shared-secret=" + SECRET + "\n", "catalog/tpch.properties", "connector.name=tpch\n");

        EtcWriter.write(etc, target, EtcAccess.group(group));
        assertThat(mode(target)).isEqualTo("rwxr-x---");
        assertThat(mode(target.resolve("config.properties"))).isEqualTo("rw-r-----");
        assertThat(mode(target.resolve("catalog"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(target.resolve("catalog/tpch.properties"))).isEqualTo("rw-r--r--");
        for (String path : List.of("", "config.properties", "catalog", "catalog/tpch.properties")) {
            assertThat(Files.readAttributes(target.resolve(path), PosixFileAttributes.class).group().getName()).as(path).isEqualTo(group);
        }
        assertThat(EtcWriter.write(etc, target, EtcAccess.group(group)).changed()).isFalse();

        // the owner alone: only permissions change
        assertThat(EtcWriter.write(etc, target).diff().format("etc")).isEqualTo("""
                --- etc/
                +++ etc/
                ~mode rwxr-x--- -> rwx------
                --- etc/config.properties
                +++ etc/config.properties
                ~mode rw-r----- -> rw-------
                """);
        assertThatThrownBy(() -> EtcWriter.write(etc, target, EtcAccess.group("no-such-group-of-trino-spot")))
                .hasMessage("no such group: no-such-group-of-trino-spot");
        assertThat(mode(target.resolve("config.properties"))).isEqualTo("rw-------");
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
