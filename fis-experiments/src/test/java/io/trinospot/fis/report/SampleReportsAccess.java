package io.trinospot.fis.report;

/** Lets tests in other packages use the sample report. */
public final class SampleReportsAccess
{
    private SampleReportsAccess() {}

    public static ExperimentReport blogRun()
    {
        return SampleReports.blogRun(true);
    }
}
