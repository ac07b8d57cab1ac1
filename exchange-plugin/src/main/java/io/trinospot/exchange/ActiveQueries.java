package io.trinospot.exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Queries with an open exchange on this coordinator: orphan cleanup never touches their directories. */
public final class ActiveQueries
{
    private final Map<String, Integer> openExchanges = new ConcurrentHashMap<>();

    public void opened(String queryId)
    {
        openExchanges.merge(queryId, 1, Integer::sum);
    }

    public void closed(String queryId)
    {
        openExchanges.computeIfPresent(queryId, (ignored, count) -> count == 1 ? null : count - 1);
    }

    public boolean contains(String queryId)
    {
        return openExchanges.containsKey(queryId);
    }

    public int size()
    {
        return openExchanges.size();
    }
}
