package io.trinospot.config.model;

/** How bad a {@link Problem} is: only errors stop validate, render and emr. */
public enum Severity
{
    ERROR,
    WARNING,
    NOTE;

    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
