package io.trinospot.config;

import io.trinospot.config.model.Problem;

import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** The configuration has errors; {@link #problems()} holds all of them (and any warnings and notes found alongside). */
public final class InvalidConfigurationException
        extends Exception
{
    private final List<Problem> problems;

    public InvalidConfigurationException(List<Problem> problems)
    {
        super(problems.stream().filter(Problem::isError).map(Problem::line).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    public List<Problem> problems()
    {
        return problems;
    }
}
