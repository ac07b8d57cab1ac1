package io.trinospot.cli;

import picocli.CommandLine.IVersionProvider;

import java.util.Optional;

/** The version recorded in the jar manifest by the build (absent when run from target/classes). */
public final class Versions
        implements IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        String version = Optional.ofNullable(Versions.class.getPackage().getImplementationVersion()).orElse("development build");
        return new String[] {"trino-spot " + version};
    }
}
