package io.trinospot.fis.plan;

/**
 * The factor a local run multiplies a spot-notice plan's offsets by (see {@link RunPlan#timeScaled}): above 0, where
 * a plan would collapse to one moment, and at most 1, since FIS allows no notice longer than its own.
 */
public final class TimeScale
{
    private TimeScale() {}

    /**
     * @return the factor
     * @throws IllegalArgumentException naming it when it is not above 0 and at most 1
     */
    public static double check(double factor)
    {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("must be above 0 and at most 1, got " + factor);
        }
        return factor;
    }
}
