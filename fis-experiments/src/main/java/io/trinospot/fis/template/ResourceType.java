package io.trinospot.fis.template;

import java.util.Arrays;
import java.util.Optional;

/** The target resource types our templates use; FIS knows many more, but only these can be played locally. */
public enum ResourceType
{
    EC2_INSTANCE("aws:ec2:instance"),
    EC2_SPOT_INSTANCE("aws:ec2:spot-instance");

    private final String id;

    ResourceType(String id)
    {
        this.id = id;
    }

    public String id()
    {
        return id;
    }

    public static Optional<ResourceType> fromId(String id)
    {
        return Arrays.stream(values()).filter(type -> type.id.equals(id)).findFirst();
    }

    public static String knownIds()
    {
        return String.join(", ", Arrays.stream(values()).map(ResourceType::id).toList());
    }
}
