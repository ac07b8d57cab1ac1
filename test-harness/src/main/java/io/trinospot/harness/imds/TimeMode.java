package io.trinospot.harness.imds;

/**
 * How the emulator reports the times of posted notices.
 */
public enum TimeMode
{
    /**
     * Like AEMM's default: every answer shifts the posted times forward by the time elapsed since the
     * notice became visible, so {@code time} moves on each request. Clients must not see a new notice in it.
     */
    MOVING,
    /**
     * Times are served exactly as posted.
     */
    PINNED,
}
