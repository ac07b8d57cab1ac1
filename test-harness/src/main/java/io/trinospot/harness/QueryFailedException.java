package io.trinospot.harness;

import java.sql.SQLException;

/** A query that failed, with what the cluster knows about nodes that died. */
public final class QueryFailedException
        extends RuntimeException
{
    public QueryFailedException(String sql, SQLException cause, String deadNodes)
    {
        super("Query failed: " + cause.getMessage() + "\nSQL: " + abbreviate(sql)
                + (deadNodes.isEmpty() ? "" : "\nDead nodes:\n" + deadNodes), cause);
    }

    private static String abbreviate(String sql)
    {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
