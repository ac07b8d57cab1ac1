package io.trinospot.fis.template;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A template that cannot be used, with every problem found. */
public final class InvalidTemplateException
        extends Exception
{
    private final List<Problem> problems;

    public InvalidTemplateException(List<Problem> problems)
    {
        super(problems.size() + " problem(s), first: " + problems.getFirst().line());
        this.problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    public List<Problem> problems()
    {
        return problems;
    }
}
