package io.trinospot.watcher.monitor;

import io.trinospot.watcher.imds.ImdsException;

import java.util.List;

/**
 * Reads one IMDS path and turns what it finds into events, remembering what it has already reported.
 * Implementations are polled from one thread.
 */
public interface NoticeMonitor
{
    String name();

    /**
     * @return the notices that are new since the last poll (usually none)
     * @throws ImdsException when IMDS gave no usable answer, including a garbage body; never an event
     */
    List<InterruptionEvent> poll()
            throws ImdsException;
}
