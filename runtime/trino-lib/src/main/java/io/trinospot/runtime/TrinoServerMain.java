package io.trinospot.runtime;

import io.trino.server.Server;

/**
 * Entry point of the test Trino server. Trino no longer publishes its server tarball (and with it
 * {@code io.trino.server.TrinoServer}), so the harness launches trino-main through this class, the
 * same way the official launcher does: configuration arrives as system properties.
 */
public final class TrinoServerMain
{
    private TrinoServerMain() {}

    public static void main(String[] args)
    {
        String version = TrinoServerMain.class.getPackage().getImplementationVersion();
        new Server().start(version == null ? "unknown" : version);
    }
}
