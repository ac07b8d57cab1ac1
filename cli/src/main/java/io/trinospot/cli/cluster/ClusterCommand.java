package io.trinospot.cli.cluster;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the picocli conversion of the old hand-written parser in this package.
@Command(name = "cluster", mixinStandardHelpOptions = true)
public final class ClusterCommand
{
}
