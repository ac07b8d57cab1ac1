package io.trinospot.exchange;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static io.trinospot.exchange.BaseDirectories.StorageKind.HDFS;
import static io.trinospot.exchange.BaseDirectories.StorageKind.LOCAL;
import static io.trinospot.exchange.BaseDirectories.StorageKind.S3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestBaseDirectories
{
    private static BaseDirectories resolve(String directories, boolean useLocalHdfs, String defaultFs)
    {
        List<URI> uris = java.util.Arrays.stream(directories.split(",")).map(URI::create).toList();
        return BaseDirectories.resolve(uris, useLocalHdfs, () -> Optional.ofNullable(defaultFs).map(URI::create), () -> "HADOOP_CONF_DIR=/etc/hadoop/conf");
    }

    @Test
    void emrStyleRelativeDirectoryResolvesAgainstDefaultFs()
    {
        BaseDirectories resolved = resolve("/exchange/", true, "hdfs://ip-10-0-0-1.ec2.internal:8020");
        assertThat(resolved.kind()).isEqualTo(HDFS);
        assertThat(resolved.directories()).containsExactly(URI.create("hdfs://ip-10-0-0-1.ec2.internal:8020/exchange/"));
    }

    @Test
    void severalDirectoriesOfOneScheme()
    {
        assertThat(resolve("s3://a/x/,s3://b/y/", false, null).kind()).isEqualTo(S3);
        assertThat(resolve("/tmp/a/,file:///tmp/b/", false, null).kind()).isEqualTo(LOCAL);
        assertThat(resolve("/a/,hdfs://nn:8020/b/", true, "hdfs://nn:8020").directories())
                .containsExactly(URI.create("hdfs://nn:8020/a/"), URI.create("hdfs://nn:8020/b/"));
    }

    @Test
    void defaultFsIsOnlyReadWhenNeeded()
    {
        BaseDirectories resolved = BaseDirectories.resolve(List.of(URI.create("s3://bucket/x/")), false,
                () -> { throw new AssertionError("must not read the Hadoop configuration"); }, () -> "");
        assertThat(resolved.kind()).isEqualTo(S3);
    }

    @Test
    void mixedSchemesAreAnError()
    {
        assertThatThrownBy(() -> resolve("s3://a/x/,hdfs://nn:8020/y/", false, null))
                .hasMessage("exchange.base-directories mixes storage schemes [hdfs, s3]: all base directories must use the same one");
        assertThatThrownBy(() -> resolve("/tmp/x/,s3://a/y/", false, null))
                .hasMessageContaining("mixes storage schemes [file, s3]");
    }

    @Test
    void unknownSchemeIsAnError()
    {
        assertThatThrownBy(() -> resolve("ftp://host/x/", false, null))
                .hasMessageStartingWith("exchange.base-directories: scheme 'ftp' is not supported");
    }

    @Test
    void missingBaseDirectoryIsAnError()
    {
        assertThatThrownBy(() -> BaseDirectories.resolve(List.of(), false, Optional::empty, () -> ""))
                .hasMessageStartingWith("exchange.base-directories is not set");
    }

    @Test
    void useLocalHdfsWithoutHdfsDefaultFsIsAnError()
    {
        assertThatThrownBy(() -> resolve("/exchange/", true, "file:///"))
                .hasMessage("exchange.use-local-hdfs=true needs fs.defaultFS of an HDFS cluster (hdfs://namenode:port), but HADOOP_CONF_DIR=/etc/hadoop/conf "
                        + "gives fs.defaultFS=file:/// : set hdfs.config.resources to the cluster's core-site.xml or export HADOOP_CONF_DIR".replace("file:/// :", "file:///:"));
        assertThatThrownBy(() -> resolve("/exchange/", true, null))
                .hasMessageContaining("fs.defaultFS=<unset>");
    }

    @Test
    void useLocalHdfsRejectsOtherSchemes()
    {
        assertThatThrownBy(() -> resolve("s3://a/x/", true, "hdfs://nn:8020"))
                .hasMessageStartingWith("exchange.use-local-hdfs=true, but exchange.base-directories has s3://a/x/");
    }

    @Test
    void hdfsWithoutNameNodeIsAnError()
    {
        assertThatThrownBy(() -> resolve("hdfs:///exchange/", false, null))
                .hasMessageContaining("names no NameNode");
    }
}
