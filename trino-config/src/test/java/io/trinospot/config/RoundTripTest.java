package io.trinospot.config;

import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.io.EmrExporter;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.RenderedEtc;
import io.trinospot.config.render.TrinoEtcRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.trinospot.config.TestConfigs.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code emr} output, rendered again, gives the same etc/ as the file it came from. */
class RoundTripTest
{
    static final List<PropertyOverride> NODE = List.of(
            PropertyOverride.parse("core-site:fs.defaultFS=hdfs://127.0.0.1:9000").orElseThrow(),
            PropertyOverride.parse("discovery.uri=http://127.0.0.1:8080").orElseThrow(),
            TestConfigs.SECRET);

    @Test
    void blog()
            throws Exception
    {
        Configurations file = TestConfigs.blog();
        EmrExporter.Export export = EmrExporter.export(file);
        Configurations back = ConfigurationsParser.parse(export.json());
        for (Role role : Role.values()) {
            assertThat(TrinoEtcRenderer.render(back, role, NODE)).isEqualTo(TrinoEtcRenderer.render(file, role, NODE));
        }
        // the AWS blog post's file is already what EMR takes: nothing dropped or changed
        assertThat(back).isEqualTo(file);
    }

    @Test
    void fullFileKeepsEverythingEmrTakes()
            throws Exception
    {
        Configurations file = ConfigurationsParser.parse(TestConfigs.resource("full-configurations.json"));
        EmrExporter.Export export = EmrExporter.export(file);
        Configurations back = ConfigurationsParser.parse(export.json());
        assertThat(back.classifications()).noneMatch(c -> Classifications.isOwn(c.name()));
        assertThat(back.property("trino-exchange-manager", "exchange-manager.name")).isEmpty();
        assertThat(lines(export.notes())).contains(
                "note: [trino-spot-watcher] left out: EMR rejects classifications it does not know; only render uses it",
                "note: [trino-spot-jvm] left out: EMR rejects classifications it does not know; only render uses it",
                "note: [trino-exchange-manager] exchange-manager.name: left out: EMR runs its own exchange manager; render sets it back",
                "warning: [core-site] fs.defaultFS: on EMR this replaces the cluster's own HDFS");

        // what EMR cannot take comes back from our own classifications, so only those files differ
        Configurations own = new Configurations(file.classifications().stream().filter(c -> Classifications.isOwn(c.name())).toList());
        Configurations backWithOwn = new Configurations(Stream.concat(back.classifications().stream(), own.classifications().stream()).toList());
        for (Role role : Role.values()) {
            RenderedEtc original = TrinoEtcRenderer.render(file, role, NODE);
            assertThat(TrinoEtcRenderer.render(backWithOwn, role, NODE)).isEqualTo(original);
            Map<String, String> withoutOwn = new TreeMap<>(TrinoEtcRenderer.render(back, role, NODE).files());
            Map<String, String> expected = new TreeMap<>(original.files());
            for (String ownFile : List.of("jvm.config", "spot-watcher.properties")) {
                withoutOwn.remove(ownFile);
                expected.remove(ownFile);
            }
            assertThat(withoutOwn).isEqualTo(expected).containsKey("exchange-manager.properties");
        }
    }

    @Test
    void emrSetsItsOwnSharedSecret()
            throws Exception
    {
        // the AWS blog post's file carries none, and EMR needs none
        assertThat(lines(EmrExporter.export(TestConfigs.blog()).notes())).noneMatch(line -> line.contains("shared-secret"));
        EmrExporter.Export export = EmrExporter.export(TestConfigs.withSecret(TestConfigs.blog()));
        assertThat(lines(export.notes())).contains("warning: [trino-config] internal-communication.shared-secret: EMR sets its own; "
                + "this one would be stored in the cluster's configuration, where anyone allowed to describe the cluster reads it");
        assertThat(lines(export.notes())).noneMatch(line -> line.contains(TestConfigs.SHARED_SECRET));
    }

    @Test
    void emrIsIdempotent()
            throws Exception
    {
        for (String fixture : List.of("blog-configurations.json", "full-configurations.json")) {
            String once = EmrExporter.export(ConfigurationsParser.parse(TestConfigs.resource(fixture))).json();
            assertThat(EmrExporter.export(ConfigurationsParser.parse(once)).json()).as(fixture).isEqualTo(once);
        }
    }
}
