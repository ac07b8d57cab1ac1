package io.trinospot.fis.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds cycles among {@code startAfter} references, which would leave an experiment waiting forever. */
final class StartAfterCycles
{
    private enum Mark
    {
        VISITING, DONE
    }

    private final Map<String, List<String>> startAfter;
    private final Map<String, Mark> marks = new HashMap<>();
    private final List<String> stack = new ArrayList<>();
    private final List<List<String>> cycles = new ArrayList<>();
    private final Set<Set<String>> seen = new HashSet<>();

    private StartAfterCycles(Map<String, List<String>> startAfter)
    {
        this.startAfter = startAfter;
    }

    /**
     * Each cycle once, as the path that closes it ({@code [a, b, a]}: a starts after b, b after a), beginning at the
     * action that comes first in document order (the iteration order of the map).
     */
    static List<List<String>> find(Map<String, List<String>> startAfter)
    {
        StartAfterCycles finder = new StartAfterCycles(startAfter);
        startAfter.keySet().forEach(finder::visit);
        return List.copyOf(finder.cycles);
    }

    private void visit(String action)
    {
        Mark mark = marks.get(action);
        if (mark == Mark.DONE) {
            return;
        }
        if (mark == Mark.VISITING) {
            List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(action), stack.size()));
            if (seen.add(Set.copyOf(cycle))) {
                cycle.add(action);
                cycles.add(List.copyOf(cycle));
            }
            return;
        }
        marks.put(action, Mark.VISITING);
        stack.add(action);
        startAfter.getOrDefault(action, List.of()).forEach(this::visit);
        stack.removeLast();
        marks.put(action, Mark.DONE);
    }
}
