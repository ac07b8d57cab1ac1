package io.trinospot.fis.template;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;

import static java.util.Objects.requireNonNull;

/**
 * A validated FIS experiment template. {@code json} is the document as written, kept so that {@code --aws} submits
 * exactly what was validated, field order and all.
 *
 * @param targets empty when the template has none, which FIS allows for actions without targets
 * @param clientToken the template's own idempotency token for CreateExperimentTemplate, sent as written
 */
public record ExperimentTemplate(
        String description,
        SequencedMap<String, Target> targets,
        SequencedMap<String, Action> actions,
        List<StopCondition> stopConditions,
        Optional<String> roleArn,
        Map<String, String> tags,
        Optional<String> clientToken,
        ObjectNode json)
{
    public ExperimentTemplate
    {
        requireNonNull(description, "description is null");
        targets = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(requireNonNull(targets, "targets is null")));
        actions = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(requireNonNull(actions, "actions is null")));
        stopConditions = List.copyOf(requireNonNull(stopConditions, "stopConditions is null"));
        requireNonNull(roleArn, "roleArn is null");
        tags = Map.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(clientToken, "clientToken is null");
        requireNonNull(json, "json is null");
    }

    /** The action with this name; names come from the validated template. */
    public Action action(String name)
    {
        return requireNonNull(actions.get(name), () -> "no action " + name);
    }

    public Target target(String name)
    {
        return requireNonNull(targets.get(name), () -> "no target " + name);
    }
}
