package io.trinospot.harness.imds;

/**
 * What EC2 will do to a Spot instance when its notice expires; the value of {@code action} in
 * {@code spot/instance-action}.
 */
public enum SpotAction
{
    TERMINATE,
    STOP,
    HIBERNATE;

    public String wireName()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SpotAction fromWireName(String name)
    {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
