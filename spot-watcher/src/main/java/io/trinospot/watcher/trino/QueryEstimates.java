package io.trinospot.watcher.trino;

import java.util.Map;
import java.util.OptionalDouble;

import static java.util.Objects.requireNonNull;

/**
 * What the coordinator's planner expects of one query, per stage: the rows each plan node outputs (its cost-based
 * estimate, from table statistics) and how many partitions (tasks, whatever their attempts) the stage has so far.
 *
 * @param stages by stage number (the {@code 2} of task {@code <query>.2.0.1})
 */
public record QueryEstimates(Map<Integer, Stage> stages)
{
    public QueryEstimates
    {
        stages = Map.copyOf(requireNonNull(stages, "stages is null"));
    }

    /**
     * @param partitions distinct partitions among the stage's tasks the coordinator lists
     * @param rowsByPlanNode estimated output rows by plan node id; only finite, positive estimates
     */
    public record Stage(int partitions, Map<String, Double> rowsByPlanNode)
    {
        public Stage
        {
            rowsByPlanNode = Map.copyOf(requireNonNull(rowsByPlanNode, "rowsByPlanNode is null"));
        }
    }

    /**
     * The rows the planner expects the scan {@code planNodeId} of stage {@code stage} to read, when they all go to one
     * task: the stage has a single partition. With more, a task's share of the scan is not known here (Trino
     * assigns splits to tasks as it lists them), so there is no estimate for it.
     */
    public OptionalDouble scanRowsOfOnlyTask(int stage, String planNodeId)
    {
        Stage info = stages.get(stage);
        if (info == null || info.partitions() != 1) {
            return OptionalDouble.empty();
        }
        Double rows = info.rowsByPlanNode().get(planNodeId);
        return rows == null ? OptionalDouble.empty() : OptionalDouble.of(rows);
    }
}
