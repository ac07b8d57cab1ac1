package io.trinospot.config.render;

import io.trinospot.config.model.Problem;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A rendered etc/ with the warnings and notes found on the way (never errors: those stop rendering). */
public record Rendering(RenderedEtc etc, List<Problem> problems)
{
    public Rendering
    {
        requireNonNull(etc, "etc is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }
}
