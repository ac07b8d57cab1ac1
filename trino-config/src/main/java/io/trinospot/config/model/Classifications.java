package io.trinospot.config.model;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The classification names this tool understands, and where each one lands in etc/. */
public final class Classifications
{
    public static final String TRINO_CONFIG = "trino-config";
    public static final String TRINO_NODE = "trino-node";
    public static final String TRINO_LOG = "trino-log";
    public static final String EXCHANGE_MANAGER = "trino-exchange-manager";
    public static final String CONNECTOR_PREFIX = "trino-connector-";
    public static final String CORE_SITE = "core-site";
    public static final String HDFS_SITE = "hdfs-site";
    /** Our own classifications: EMR does not know them, so {@code emr} leaves them out. */
    public static final String OWN_PREFIX = "trino-spot-";
    public static final String SPOT_WATCHER = "trino-spot-watcher";
    public static final String SPOT_JVM = "trino-spot-jvm";
    public static final String SPOT_NODE_REFRESH = "trino-spot-node-refresh";
    public static final String SPOT_FTE = "trino-spot-fte";

    public static final List<String> FIXED = List.of(
            TRINO_CONFIG, TRINO_NODE, TRINO_LOG, EXCHANGE_MANAGER, CORE_SITE, HDFS_SITE, SPOT_WATCHER, SPOT_JVM, SPOT_NODE_REFRESH, SPOT_FTE);

    // Trino catalog names: lower case letters, digits and underscores
    private static final Pattern CATALOG_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private Classifications() {}

    public static boolean isConnector(String name)
    {
        return name.startsWith(CONNECTOR_PREFIX);
    }

    /** The catalog of a {@code trino-connector-<name>} classification, if the name is a valid catalog name. */
    public static Optional<String> catalogName(String classification)
    {
        if (!isConnector(classification)) {
            return Optional.empty();
        }
        String catalog = classification.substring(CONNECTOR_PREFIX.length());
        return CATALOG_NAME.matcher(catalog).matches() ? Optional.of(catalog) : Optional.empty();
    }

    public static boolean isKnown(String name)
    {
        return FIXED.contains(name) || catalogName(name).isPresent();
    }

    public static boolean isOwn(String name)
    {
        return name.startsWith(OWN_PREFIX);
    }

    public static boolean isHadoop(String name)
    {
        return name.equals(CORE_SITE) || name.equals(HDFS_SITE);
    }
}
