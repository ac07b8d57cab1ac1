package io.trinospot.fis.chaos;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/** Run {@code number} of a seeded series: the fault it injects and the workload it checks. */
public record ChaosRun(int number, Fault fault, Workload workload)
{
    public ChaosRun
    {
        if (number < 1) {
            throw new IllegalArgumentException("Runs are numbered from 1: " + number);
        }
        requireNonNull(fault, "fault is null");
        requireNonNull(workload, "workload is null");
    }

    public String description()
    {
        return String.format(Locale.ROOT, "%s (%s) under %s", fault.kind().label(), fault.description(), workload.label());
    }
}
