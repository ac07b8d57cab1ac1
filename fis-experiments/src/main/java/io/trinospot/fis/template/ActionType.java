package io.trinospot.fis.template;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The FIS actions this project plays, with what each takes. The ranges are FIS's own: a Spot notice comes 2 to 15
 * minutes before the interruption; waits and restarts last one minute to 12 hours.
 */
public enum ActionType
{
    SEND_SPOT_INSTANCE_INTERRUPTIONS("aws:ec2:send-spot-instance-interruptions", Optional.of("SpotInstances"), Optional.of(ResourceType.EC2_SPOT_INSTANCE),
            List.of(ParameterSpec.duration("durationBeforeInterruption", true, Duration.ofMinutes(2), Duration.ofMinutes(15)))),
    STOP_INSTANCES("aws:ec2:stop-instances", Optional.of("Instances"), Optional.of(ResourceType.EC2_INSTANCE),
            List.of(ParameterSpec.duration("startInstancesAfterDuration", false, Duration.ofMinutes(1), Duration.ofHours(12)),
                    ParameterSpec.flag("completeIfInstancesTerminated"))),
    TERMINATE_INSTANCES("aws:ec2:terminate-instances", Optional.of("Instances"), Optional.of(ResourceType.EC2_INSTANCE), List.of()),
    REBOOT_INSTANCES("aws:ec2:reboot-instances", Optional.of("Instances"), Optional.of(ResourceType.EC2_INSTANCE), List.of()),
    WAIT("aws:fis:wait", Optional.empty(), Optional.empty(),
            List.of(ParameterSpec.duration("duration", true, Duration.ofMinutes(1), Duration.ofHours(12))));

    private final String id;
    private final Optional<String> targetKey;
    private final Optional<ResourceType> resourceType;
    private final List<ParameterSpec> parameters;

    ActionType(String id, Optional<String> targetKey, Optional<ResourceType> resourceType, List<ParameterSpec> parameters)
    {
        this.id = id;
        this.targetKey = targetKey;
        this.resourceType = resourceType;
        this.parameters = parameters;
    }

    public String id()
    {
        return id;
    }

    /** The key under the action's {@code targets} (e.g. {@code SpotInstances}); empty for actions without targets. */
    public Optional<String> targetKey()
    {
        return targetKey;
    }

    /** The resource type the referenced target must have. */
    public Optional<ResourceType> resourceType()
    {
        return resourceType;
    }

    public List<ParameterSpec> parameters()
    {
        return parameters;
    }

    public Optional<ParameterSpec> parameter(String name)
    {
        return parameters.stream().filter(spec -> spec.name().equals(name)).findFirst();
    }

    public static Optional<ActionType> fromId(String id)
    {
        return Arrays.stream(values()).filter(type -> type.id.equals(id)).findFirst();
    }

    public static String knownIds()
    {
        return String.join(", ", Arrays.stream(values()).map(ActionType::id).toList());
    }
}
