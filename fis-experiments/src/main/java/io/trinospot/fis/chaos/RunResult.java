package io.trinospot.fis.chaos;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What one chaos run gave: every query it checked, and why the fault could not be injected, if it could not.
 */
public record RunResult(ChaosRun run, List<QueryCheck> queries, Optional<String> injectionProblem)
{
    public RunResult
    {
        requireNonNull(run, "run is null");
        queries = List.copyOf(requireNonNull(queries, "queries is null"));
        requireNonNull(injectionProblem, "injectionProblem is null");
    }

    /**
     * The run's one outcome: its worst query's. A run whose fault could not be injected, or that checked no query,
     * proved nothing and counts as failed loudly, unless a query was silently wrong.
     */
    public QueryCheck outcome()
    {
        Optional<QueryCheck> worst = queries.stream().max(Comparator.comparing(QueryCheck::outcome));
        if (worst.filter(check -> check.outcome() == QueryCheck.Outcome.SILENTLY_WRONG).isPresent()) {
            return worst.get();
        }
        if (injectionProblem.isPresent()) {
            return new QueryCheck(QueryCheck.Outcome.FAILED_LOUDLY, "fault not injected: " + injectionProblem.get());
        }
        return worst.orElseGet(() -> new QueryCheck(QueryCheck.Outcome.FAILED_LOUDLY, "no query ran"));
    }
}
