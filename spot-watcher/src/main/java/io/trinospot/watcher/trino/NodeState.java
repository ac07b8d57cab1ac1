package io.trinospot.watcher.trino;

/**
 * States a worker accepts on {@code PUT /v1/info/state}.
 */
public enum NodeState
{
    ACTIVE,
    DRAINING,
    SHUTTING_DOWN,
}
