package io.trinospot.watcher.trino;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the planner's estimates out of a coordinator's QueryInfo ({@code GET /v1/query/{queryId}}) as a stream: a
 * running query's answer holds every stage's plan and task statistics (hundreds of KB for an ETL write), of which only
 * {@code stages.stages[].stageId}, {@code .plan.statsAndCosts.stats.<node>.outputRowCount} and
 * {@code .tasks[].taskStatus.taskId} are kept, so it fits the agent's small heap.
 */
final class QueryInfoReader
{
    private QueryInfoReader() {}

    /**
     * @param parser before the QueryInfo object
     * @throws IllegalArgumentException when the answer is not a QueryInfo object
     */
    static QueryEstimates read(JsonParser parser)
            throws IOException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("expected a QueryInfo object");
        }
        Map<Integer, QueryEstimates.Stage> stages = new HashMap<>();
        // stages: {"outputStageId": ..., "stages": [StageInfo, ...]}
        fields(parser, field -> when(parser, field.equals("stages"), () -> fields(parser, inner -> when(parser, inner.equals("stages"), () -> elements(parser, () -> readStage(parser, stages))))));
        return new QueryEstimates(stages);
    }

    private static void readStage(JsonParser parser, Map<Integer, QueryEstimates.Stage> stages)
            throws IOException
    {
        Integer[] stage = {null};
        Map<String, Double> rows = new HashMap<>();
        Set<Integer> partitions = new HashSet<>();
        fields(parser, field -> {
            switch (field) {
                case "stageId" -> stage[0] = parser.currentToken() == JsonToken.VALUE_STRING ? stageNumber(parser.getText()) : null;
                // plan: {..., "statsAndCosts": {"stats": {"<node>": {"outputRowCount": n, ...}, ...}, "costs": ...}, ...}
                case "plan" -> fields(parser, planField -> when(parser, planField.equals("statsAndCosts"), () -> fields(parser, part -> when(parser, part.equals("stats"),
                        () -> fields(parser, node -> {
                            double count = outputRowCount(parser);
                            if (Double.isFinite(count) && count > 0) {
                                rows.put(node, count);
                            }
                        })))));
                // tasks: [TaskInfo, ...]; the attempts of a partition count once
                case "tasks" -> elements(parser, () -> fields(parser, taskField -> when(parser, taskField.equals("taskStatus"), () -> fields(parser, statusField -> {
                    if (statusField.equals("taskId") && parser.currentToken() == JsonToken.VALUE_STRING) {
                        TaskId.parse(parser.getText()).ifPresent(task -> partitions.add(task.partition()));
                    }
                    else {
                        parser.skipChildren();
                    }
                }))));
                default -> parser.skipChildren();
            }
        });
        if (stage[0] != null) {
            stages.put(stage[0], new QueryEstimates.Stage(partitions.size(), rows));
        }
    }

    // "<query id>.<stage>"; null for anything else.
    private static Integer stageNumber(String stageId)
    {
        int dot = stageId.lastIndexOf('.');
        try {
            return dot < 0 ? null : Integer.valueOf(stageId.substring(dot + 1));
        }
        catch (NumberFormatException e) {
            return null;
        }
    }

    // One node's PlanNodeStatsEstimate; NaN when unknown (Trino writes an unknown estimate as the text "NaN").
    private static double outputRowCount(JsonParser parser)
            throws IOException
    {
        double[] count = {Double.NaN};
        fields(parser, field -> {
            if (field.equals("outputRowCount") && parser.currentToken().isNumeric()) {
                count[0] = parser.getDoubleValue();
            }
            else {
                parser.skipChildren();
            }
        });
        return count[0];
    }

    private interface Step
    {
        void run()
                throws IOException;
    }

    private interface FieldStep
    {
        void run(String field)
                throws IOException;
    }

    // The parser on an object's START_OBJECT: each field's name to the step, the parser on its value, which the step
    // consumes. Anything but an object is skipped.
    private static void fields(JsonParser parser, FieldStep step)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            step.run(field);
        }
    }

    // The parser on an array's START_ARRAY: the step for each object in it, the parser on its START_OBJECT.
    private static void elements(JsonParser parser, Step step)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw new IOException("the answer ends inside an array");
            }
            step.run();
        }
    }

    // The value under the parser read by the step when wanted, else skipped.
    private static void when(JsonParser parser, boolean wanted, Step step)
            throws IOException
    {
        if (wanted) {
            step.run();
        }
        else {
            parser.skipChildren();
        }
    }
}
