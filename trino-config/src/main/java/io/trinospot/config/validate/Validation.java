package io.trinospot.config.validate;

import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Problem;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of validating a file for a node.
 *
 * @param effective the file with --set values applied and legacy keys translated: what render writes
 * @param problems errors, warnings and notes, in the order found
 */
public record Validation(Configurations effective, List<Problem> problems)
{
    public Validation
    {
        requireNonNull(effective, "effective is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    public boolean hasErrors()
    {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors()
    {
        return problems.stream().filter(Problem::isError).toList();
    }
}
