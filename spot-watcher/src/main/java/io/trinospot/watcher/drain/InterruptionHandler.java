package io.trinospot.watcher.drain;

import io.trinospot.watcher.monitor.InterruptionEvent;

/**
 * Acts on events from the monitors. Called on monitor threads: must return quickly.
 */
public interface InterruptionHandler
        extends AutoCloseable
{
    void onEvent(InterruptionEvent event);

    @Override
    void close();
}
