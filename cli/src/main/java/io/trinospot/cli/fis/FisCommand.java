package io.trinospot.cli.fis;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the picocli conversion of the old hand-written parser in this package.
@Command(name = "fis", mixinStandardHelpOptions = true)
public final class FisCommand
{
}
