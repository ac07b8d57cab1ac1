package io.trinospot.watcher.config;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The error codes the agent may give the tasks it fails, with their numbers and types in Trino 483's
 * {@code io.trino.spi.StandardErrorCode}. Under {@code retry-policy=TASK} each is retried on another worker: Trino's
 * fault-tolerant scheduler gives up on a task only for a {@code USER_ERROR} code or when its attempts are used up, and
 * raises the next attempt's memory only for an out-of-memory code. They differ in one way: after a task fails with an
 * {@code INTERNAL_ERROR} or {@code EXTERNAL} code the scheduler holds back every task of the query for
 * {@code retry-initial-delay} (10 s unless set; doubling while failures continue), and after an
 * {@code INSUFFICIENT_RESOURCES} code it does not. A task failed for a Spot interruption is not a fault of the
 * cluster that a pause could help: the worker is already out of the scheduler's node list when it is failed.
 */
public enum DrainErrorCode
{
    REMOTE_HOST_GONE(65558, "INTERNAL_ERROR"),
    GENERIC_INTERNAL_ERROR(65536, "INTERNAL_ERROR"),
    ADMINISTRATIVELY_PREEMPTED(131080, "INSUFFICIENT_RESOURCES");

    private final int code;
    private final String type;

    DrainErrorCode(int code, String type)
    {
        this.code = code;
        this.type = type;
    }

    public int code()
    {
        return code;
    }

    /** Trino's {@code ErrorType} name. */
    public String type()
    {
        return type;
    }

    public static Set<String> names()
    {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
    }
}
