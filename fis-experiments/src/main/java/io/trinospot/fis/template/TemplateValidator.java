package io.trinospot.fis.template;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static io.trinospot.fis.template.JsonPaths.ROOT;
import static io.trinospot.fis.template.JsonPaths.field;
import static io.trinospot.fis.template.JsonPaths.index;

/**
 * Checks a template document against FIS's rules and reports every problem at once, each with its JSON path, so a
 * user fixes a template in one round instead of one error per submission.
 */
public final class TemplateValidator
{
    static final int MAX_DESCRIPTION = 512;
    static final int MAX_RESOURCE_ARNS = 5;
    static final int MAX_RESOURCE_TAGS = 50;
    static final int MAX_CLIENT_TOKEN = 1024;

    private static final Set<String> TOP_LEVEL = Set.of(
            "description", "targets", "actions", "stopConditions", "roleArn", "tags",
            "logConfiguration", "experimentOptions", "experimentReportConfiguration", "clientToken");
    private static final Set<String> TARGET_FIELDS = Set.of("resourceType", "resourceArns", "resourceTags", "filters", "selectionMode", "parameters");
    private static final Set<String> ACTION_FIELDS = Set.of("actionId", "description", "parameters", "targets", "startAfter");
    private static final Set<String> FILTER_FIELDS = Set.of("path", "values");
    private static final Set<String> STOP_CONDITION_FIELDS = Set.of("source", "value");

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/\\S+");
    private static final Pattern INSTANCE_ARN = Pattern.compile("arn:aws[a-z-]*:ec2:[a-z0-9-]+:[0-9]{12}:instance/\\S+");
    private static final Pattern ALARM_ARN = Pattern.compile("arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:\\S+");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("\\S{1," + MAX_CLIENT_TOKEN + "}");

    /** Whether a role ARN is needed: FIS on AWS needs one to act; a local run does not. */
    public enum RoleArn
    {
        OPTIONAL, REQUIRED
    }

    private final List<Problem> problems = new ArrayList<>();
    // every target name, including targets too broken to have a known type: an action naming one is not "missing"
    private final Set<String> targetNames = new HashSet<>();

    private TemplateValidator() {}

    public static List<Problem> validate(JsonNode document, RoleArn roleArn)
    {
        TemplateValidator validator = new TemplateValidator();
        validator.document(document, roleArn);
        return List.copyOf(validator.problems);
    }

    private void document(JsonNode document, RoleArn roleArn)
    {
        if (!document.isObject()) {
            problem(ROOT, "must be a JSON object");
            return;
        }
        unknownFields(document, ROOT, TOP_LEVEL);

        Optional<String> description = requiredString(document, ROOT, "description");
        if (description.isPresent() && description.get().length() > MAX_DESCRIPTION) {
            problem(field(ROOT, "description"), "must be at most " + MAX_DESCRIPTION + " characters");
        }

        JsonNode role = document.get("roleArn");
        if (role == null) {
            if (roleArn == RoleArn.REQUIRED) {
                problem(field(ROOT, "roleArn"), "required to run on AWS (the IAM role FIS assumes)");
            }
        }
        else if (!role.isTextual()) {
            problem(field(ROOT, "roleArn"), "must be a string");
        }
        else if (!ROLE_ARN.matcher(role.asText()).matches()) {
            problem(field(ROOT, "roleArn"), "not an IAM role ARN like arn:aws:iam::123456789012:role/NAME: '" + role.asText() + "'");
        }

        optionalStringMap(document, ROOT, "tags");
        optionalString(document, ROOT, "clientToken").ifPresent(token -> {
            if (!CLIENT_TOKEN.matcher(token).matches()) {
                problem(field(ROOT, "clientToken"), "must be 1 to " + MAX_CLIENT_TOKEN + " characters without whitespace");
            }
        });

        Map<String, ResourceType> targetTypes = targets(document);
        actions(document, targetTypes);
        stopConditions(document);
    }

    /** Validates the targets and returns the resource type of each target whose type is known. */
    private Map<String, ResourceType> targets(JsonNode document)
    {
        Map<String, ResourceType> types = new LinkedHashMap<>();
        String path = field(ROOT, "targets");
        JsonNode targets = document.get("targets");
        if (targets == null) {
            // FIS accepts a template without targets: one whose actions need none, such as aws:fis:wait
            return types;
        }
        if (!targets.isObject()) {
            problem(path, "must be an object of named targets");
            return types;
        }
        targets.properties().forEach(entry -> targetNames.add(entry.getKey()));
        targets.properties().forEach(entry -> target(entry.getKey(), entry.getValue(), field(path, entry.getKey()))
                .ifPresent(type -> types.put(entry.getKey(), type)));
        return types;
    }

    private Optional<ResourceType> target(String name, JsonNode target, String path)
    {
        if (!target.isObject()) {
            problem(path, "must be an object");
            return Optional.empty();
        }
        unknownFields(target, path, TARGET_FIELDS);

        Optional<ResourceType> type = requiredString(target, path, "resourceType").flatMap(id -> {
            Optional<ResourceType> known = ResourceType.fromId(id);
            if (known.isEmpty()) {
                problem(field(path, "resourceType"), "unknown resource type '" + id + "' (known: " + ResourceType.knownIds() + ")");
            }
            return known;
        });

        requiredString(target, path, "selectionMode").ifPresent(mode -> {
            try {
                SelectionMode.parse(mode);
            }
            catch (IllegalArgumentException e) {
                problem(field(path, "selectionMode"), e.getMessage());
            }
        });

        JsonNode arns = target.get("resourceArns");
        JsonNode tags = target.get("resourceTags");
        if (arns != null && tags != null) {
            problem(path, "resourceArns and resourceTags are mutually exclusive: use one");
        }
        else if (arns == null && tags == null) {
            problem(path, "needs resourceArns or resourceTags to identify resources");
        }
        if (arns != null) {
            resourceArns(arns, field(path, "resourceArns"));
        }
        if (tags != null) {
            optionalStringMap(target, path, "resourceTags").ifPresent(_ -> {
                if (tags.isEmpty()) {
                    problem(field(path, "resourceTags"), "must name at least one tag");
                }
                else if (tags.size() > MAX_RESOURCE_TAGS) {
                    problem(field(path, "resourceTags"), "at most " + MAX_RESOURCE_TAGS + " tags, got " + tags.size());
                }
            });
        }
        filters(target.get("filters"), field(path, "filters"));
        optionalStringMap(target, path, "parameters");
        return type;
    }

    private void resourceArns(JsonNode arns, String path)
    {
        if (!arns.isArray()) {
            problem(path, "must be an array of ARNs");
            return;
        }
        if (arns.isEmpty()) {
            problem(path, "must list at least one ARN");
        }
        if (arns.size() > MAX_RESOURCE_ARNS) {
            problem(path, "at most " + MAX_RESOURCE_ARNS + " ARNs, got " + arns.size());
        }
        for (int i = 0; i < arns.size(); i++) {
            JsonNode arn = arns.get(i);
            if (!arn.isTextual()) {
                problem(index(path, i), "must be a string");
            }
            else if (!INSTANCE_ARN.matcher(arn.asText()).matches()) {
                problem(index(path, i), "not an EC2 instance ARN like arn:aws:ec2:us-east-1:123456789012:instance/i-0abc: '" + arn.asText() + "'");
            }
        }
    }

    private void filters(JsonNode filters, String path)
    {
        if (filters == null) {
            return;
        }
        if (!filters.isArray()) {
            problem(path, "must be an array of {path, values}");
            return;
        }
        for (int i = 0; i < filters.size(); i++) {
            JsonNode filter = filters.get(i);
            String filterPath = index(path, i);
            if (!filter.isObject()) {
                problem(filterPath, "must be an object with path and values");
                continue;
            }
            unknownFields(filter, filterPath, FILTER_FIELDS);
            requiredString(filter, filterPath, "path").ifPresent(attribute -> {
                if (attribute.isBlank() || attribute.startsWith(".") || attribute.endsWith(".") || attribute.contains("..")) {
                    problem(field(filterPath, "path"), "must be an attribute path like State.Name, got '" + attribute + "'");
                }
            });
            JsonNode values = filter.get("values");
            String valuesPath = field(filterPath, "values");
            if (values == null) {
                problem(valuesPath, "required");
            }
            else if (!values.isArray() || values.isEmpty()) {
                problem(valuesPath, "must be a non-empty array of strings");
            }
            else {
                for (int v = 0; v < values.size(); v++) {
                    if (!values.get(v).isTextual()) {
                        problem(index(valuesPath, v), "must be a string");
                    }
                }
            }
        }
    }

    private void actions(JsonNode document, Map<String, ResourceType> targetTypes)
    {
        String path = field(ROOT, "actions");
        JsonNode actions = document.get("actions");
        if (actions == null) {
            problem(path, "required");
            return;
        }
        if (!actions.isObject()) {
            problem(path, "must be an object of named actions");
            return;
        }
        if (actions.isEmpty()) {
            problem(path, "must define at least one action");
            return;
        }
        Map<String, List<String>> startAfter = new LinkedHashMap<>();
        actions.properties().forEach(entry -> startAfter.put(entry.getKey(),
                action(entry.getKey(), entry.getValue(), field(path, entry.getKey()), actions, targetTypes)));
        StartAfterCycles.find(startAfter).forEach(cycle ->
                problem(field(field(path, cycle.getFirst()), "startAfter"), "cycle: " + String.join(" -> ", cycle)));
    }

    /** Validates one action and returns the names in its startAfter that refer to existing actions. */
    private List<String> action(String name, JsonNode action, String path, JsonNode actions, Map<String, ResourceType> targetTypes)
    {
        List<String> predecessors = new ArrayList<>();
        if (!action.isObject()) {
            problem(path, "must be an object");
            return predecessors;
        }
        unknownFields(action, path, ACTION_FIELDS);
        optionalString(action, path, "description");

        Optional<ActionType> type = requiredString(action, path, "actionId").flatMap(id -> {
            Optional<ActionType> known = ActionType.fromId(id);
            if (known.isEmpty()) {
                problem(field(path, "actionId"), "unknown action '" + id + "' (known: " + ActionType.knownIds() + ")");
            }
            return known;
        });

        Optional<Map<String, String>> parameters = optionalStringMap(action, path, "parameters");
        type.ifPresent(actionType -> parameters(actionType, parameters.orElse(Map.of()), field(path, "parameters")));

        JsonNode targets = action.get("targets");
        type.ifPresent(actionType -> actionTargets(actionType, targets, field(path, "targets"), targetTypes));

        JsonNode after = action.get("startAfter");
        String afterPath = field(path, "startAfter");
        if (after != null) {
            if (!after.isArray()) {
                problem(afterPath, "must be an array of action names");
            }
            else {
                for (int i = 0; i < after.size(); i++) {
                    JsonNode predecessor = after.get(i);
                    if (!predecessor.isTextual()) {
                        problem(index(afterPath, i), "must be a string");
                    }
                    else if (predecessor.asText().equals(name)) {
                        problem(index(afterPath, i), "an action cannot start after itself");
                    }
                    else if (!actions.has(predecessor.asText())) {
                        problem(index(afterPath, i), "no action named '" + predecessor.asText() + "' in $.actions");
                    }
                    else {
                        predecessors.add(predecessor.asText());
                    }
                }
            }
        }
        return predecessors;
    }

    private void parameters(ActionType type, Map<String, String> parameters, String path)
    {
        for (ParameterSpec spec : type.parameters()) {
            String value = parameters.get(spec.name());
            if (value == null) {
                if (spec.required()) {
                    problem(field(path, spec.name()), "required by " + type.id());
                }
            }
            else {
                spec.check(value).ifPresent(reason -> problem(field(path, spec.name()), reason));
            }
        }
        parameters.keySet().stream()
                .filter(name -> type.parameter(name).isEmpty())
                .forEach(name -> problem(field(path, name), type.id() + " takes no parameter '" + name + "'"
                        + (type.parameters().isEmpty() ? "" : " (it takes: " + String.join(", ", type.parameters().stream().map(ParameterSpec::name).toList()) + ")")));
    }

    private void actionTargets(ActionType type, JsonNode targets, String path, Map<String, ResourceType> targetTypes)
    {
        if (type.targetKey().isEmpty()) {
            if (targets != null && !(targets.isObject() && targets.isEmpty())) {
                problem(path, type.id() + " takes no targets");
            }
            return;
        }
        String key = type.targetKey().get();
        if (targets == null) {
            problem(path, "required: {\"" + key + "\": \"<target name>\"}");
            return;
        }
        if (!targets.isObject()) {
            problem(path, "must be an object like {\"" + key + "\": \"<target name>\"}");
            return;
        }
        if (!targets.has(key)) {
            problem(path, type.id() + " needs the target key " + key);
        }
        targets.properties().forEach(entry -> {
            String keyPath = field(path, entry.getKey());
            if (!entry.getKey().equals(key)) {
                problem(keyPath, type.id() + " takes only the target key " + key);
                return;
            }
            if (!entry.getValue().isTextual()) {
                problem(keyPath, "must be the name of a target");
                return;
            }
            String targetName = entry.getValue().asText();
            ResourceType needed = type.resourceType().orElseThrow();
            ResourceType actual = targetTypes.get(targetName);
            if (actual == null) {
                // a target with an unknown type was already reported; only a missing name is news here
                if (!targetNames.contains(targetName)) {
                    problem(keyPath, "no target named '" + targetName + "' in $.targets");
                }
            }
            else if (actual != needed) {
                problem(keyPath, "target '" + targetName + "' has resource type " + actual.id() + " but " + type.id() + " needs " + needed.id());
            }
        });
    }

    private void stopConditions(JsonNode document)
    {
        String path = field(ROOT, "stopConditions");
        JsonNode conditions = document.get("stopConditions");
        if (conditions == null) {
            problem(path, "required (use [{\"source\": \"none\"}] for none)");
            return;
        }
        if (!conditions.isArray() || conditions.isEmpty()) {
            problem(path, "must be a non-empty array (use [{\"source\": \"none\"}] for none)");
            return;
        }
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode condition = conditions.get(i);
            String conditionPath = index(path, i);
            if (!condition.isObject()) {
                problem(conditionPath, "must be an object with source (and value)");
                continue;
            }
            unknownFields(condition, conditionPath, STOP_CONDITION_FIELDS);
            Optional<String> source = requiredString(condition, conditionPath, "source");
            Optional<String> value = optionalString(condition, conditionPath, "value");
            if (source.isEmpty()) {
                continue;
            }
            switch (source.get()) {
                case StopCondition.NONE -> {
                    if (value.isPresent()) {
                        problem(field(conditionPath, "value"), "must be absent when source is none");
                    }
                }
                case StopCondition.CLOUDWATCH_ALARM -> {
                    if (value.isEmpty() && !condition.has("value")) {
                        problem(field(conditionPath, "value"), "required: the ARN of the CloudWatch alarm");
                    }
                    else if (value.isPresent() && !ALARM_ARN.matcher(value.get()).matches()) {
                        problem(field(conditionPath, "value"), "not a CloudWatch alarm ARN like arn:aws:cloudwatch:us-east-1:123456789012:alarm:NAME: '" + value.get() + "'");
                    }
                }
                default -> problem(field(conditionPath, "source"), "must be none or aws:cloudwatch:alarm, got '" + source.get() + "'");
            }
        }
    }

    // ---- small helpers: each reports its own problem and returns what it could read ----

    private void unknownFields(JsonNode object, String path, Set<String> known)
    {
        object.properties().forEach(entry -> {
            if (!known.contains(entry.getKey())) {
                problem(field(path, entry.getKey()), "unknown field (expected one of: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        });
    }

    private Optional<String> requiredString(JsonNode object, String path, String name)
    {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            problem(field(path, name), "required");
            return Optional.empty();
        }
        if (!value.isTextual()) {
            problem(field(path, name), "must be a string");
            return Optional.empty();
        }
        if (value.asText().isEmpty()) {
            problem(field(path, name), "must not be empty");
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    private Optional<String> optionalString(JsonNode object, String path, String name)
    {
        JsonNode value = object.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            problem(field(path, name), "must be a string");
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    private Optional<Map<String, String>> optionalStringMap(JsonNode object, String path, String name)
    {
        JsonNode value = object.get(name);
        if (value == null) {
            return Optional.empty();
        }
        String mapPath = field(path, name);
        if (!value.isObject()) {
            problem(mapPath, "must be an object of string values");
            return Optional.empty();
        }
        Map<String, String> map = new LinkedHashMap<>();
        value.properties().forEach(entry -> {
            if (entry.getValue().isTextual()) {
                map.put(entry.getKey(), entry.getValue().asText());
            }
            else {
                problem(field(mapPath, entry.getKey()), "must be a string");
            }
        });
        return Optional.of(map);
    }

    private void problem(String path, String message)
    {
        problems.add(new Problem(path, message));
    }
}
