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
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("stages") && parser.currentToken() == JsonToken.START_OBJECT) {
                readStagesObject(parser, stages);
            }
            else {
                parser.skipChildren();
            }
        }
        return new QueryEstimates(stages);
    }

    // stages: {"outputStageId": ..., "stages": [StageInfo, ...]}, the parser on its START_OBJECT.
    private static void readStagesObject(JsonParser parser, Map<Integer, QueryEstimates.Stage> stages)
            throws IOException
    {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("stages") && parser.currentToken() == JsonToken.START_ARRAY) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    readStage(parser, stages);
                }
            }
            else {
                parser.skipChildren();
            }
        }
    }

    private static void readStage(JsonParser parser, Map<Integer, QueryEstimates.Stage> stages)
            throws IOException
    {
        Integer stage = null;
        Map<String, Double> rows = new HashMap<>();
        Set<String> partitions = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "stageId" -> stage = value == JsonToken.VALUE_STRING ? stageNumber(parser.getText()) : null;
                case "plan" -> readPlan(parser, rows);
                case "tasks" -> readTaskPartitions(parser, partitions);
                default -> parser.skipChildren();
            }
        }
        if (stage != null) {
            stages.put(stage, new QueryEstimates.Stage(partitions.size(), rows));
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

    // plan: {..., "statsAndCosts": {"stats": {"<node>": {"outputRowCount": n, ...}, ...}, "costs": ...}, ...}
    private static void readPlan(JsonParser parser, Map<String, Double> rows)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (!field.equals("statsAndCosts") || parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String part = parser.currentName();
                parser.nextToken();
                if (!part.equals("stats") || parser.currentToken() != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String node = parser.currentName();
                    parser.nextToken();
                    double count = outputRowCount(parser);
                    if (Double.isFinite(count) && count > 0) {
                        rows.put(node, count);
                    }
                }
            }
        }
    }

    // One node's PlanNodeStatsEstimate, the parser on its value; NaN when unknown (Trino writes an unknown estimate as "NaN").
    private static double outputRowCount(JsonParser parser)
            throws IOException
    {
        double count = Double.NaN;
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return count;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("outputRowCount") && value.isNumeric()) {
                count = parser.getDoubleValue();
            }
            else {
                parser.skipChildren();
            }
        }
        return count;
    }

    // tasks: [TaskInfo, ...]; each task id is "<query>.<stage>.<partition>.<attempt>".
    private static void readTaskPartitions(JsonParser parser, Set<String> partitions)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (!field.equals("taskStatus") || parser.currentToken() != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String statusField = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (statusField.equals("taskId") && value == JsonToken.VALUE_STRING) {
                        String[] parts = parser.getText().split("\\.");
                        if (parts.length == 4) {
                            partitions.add(parts[2]);
                        }
                    }
                    else {
                        parser.skipChildren();
                    }
                }
            }
        }
    }
}
