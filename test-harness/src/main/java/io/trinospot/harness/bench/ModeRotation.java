package io.trinospot.harness.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which the modes run one query: rotated by one from query to query, so that no mode always runs
 * first (cold) or right after another one that left the caches in its favour.
 */
public final class ModeRotation
{
    private ModeRotation() {}

    public static <T> List<T> forQuery(List<T> modes, int queryIndex)
    {
        if (modes.isEmpty()) {
            return List.of();
        }
        int shift = Math.floorMod(queryIndex, modes.size());
        List<T> order = new ArrayList<>(modes.subList(shift, modes.size()));
        order.addAll(modes.subList(0, shift));
        return List.copyOf(order);
    }
}
