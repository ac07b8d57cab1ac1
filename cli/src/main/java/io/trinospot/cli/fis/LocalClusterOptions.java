package io.trinospot.cli.fis;

import io.trinospot.fis.local.LocalRuns;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** What the commands that start the AWS blog post's cluster share: its configuration and where its files go. */
final class LocalClusterOptions
{
    static final String HOME_VARIABLE = "TRINO_SPOT_HOME";

    @Option(names = "--configurations", paramLabel = "FILE", converter = TextFile.Existing.class,
            description = "EMR configurations every node's etc/ is rendered from by trino-config (default: the AWS blog post's classifications)")
    Path configurations;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "where the reports go (JSON and HTML; chaos: its summary) (default: $" + HOME_VARIABLE + "/reports/<UTC time>)")
    Path reportDir;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "the nodes' directories (etc/, logs), kept afterwards (default: a temporary directory)")
    Path workDir;

    Path reportDir()
    {
        if (reportDir != null) {
            return reportDir.toAbsolutePath();
        }
        Path home = Path.of(Optional.ofNullable(System.getenv(HOME_VARIABLE)).orElse(".trino-spot"));
        return LocalRuns.defaultReportDir(home, Instant.now()).toAbsolutePath();
    }

    LocalRuns.Cluster cluster(int coreWorkers, int spotWorkers)
    {
        return new LocalRuns.Cluster(Optional.ofNullable(configurations), coreWorkers, spotWorkers, Optional.ofNullable(workDir).map(Path::toAbsolutePath));
    }
}
