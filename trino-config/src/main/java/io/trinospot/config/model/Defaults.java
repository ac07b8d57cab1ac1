package io.trinospot.config.model;

import io.airlift.units.Duration;

import java.util.concurrent.TimeUnit;

/** Values render uses for what the file leaves out; README.md lists them. */
public final class Defaults
{
    public static final String NODE_ENVIRONMENT = "trino_spot";
    public static final String NODE_DATA_DIR = "/var/trino/data";
    public static final String HTTP_PORT = "8080";
    /** Where a worker looks for the coordinator unless told otherwise; right for one-host test clusters only. */
    public static final String WORKER_DISCOVERY_URI = "http://localhost:8080";
    /**
     * Trino's own default (2m) would use up the whole Spot notice, and Trino waits it twice while shutting down;
     * 30s leaves a minute for tasks.
     */
    public static final String SHUTDOWN_GRACE_PERIOD = "30s";
    /**
     * Under retry-policy=TASK, how long the coordinator holds back a query's scheduling after one of its tasks failed
     * with an internal or external error, as when a worker is lost without notice. Trino's 10s would stall every
     * query that had a task there for 10 s; the backoff still doubles up to retry-max-delay. (Tasks the agent fails
     * early carry an error the scheduler retries without this pause.)
     */
    public static final String TASK_RETRY_INITIAL_DELAY = "1s";
    /**
     * How long a worker keeps a finished task's info. The agent's drain starts by listing every task the worker keeps
     * ({@code GET /v1/task}, which carries each finished task's pipeline statistics), and on a busy worker that list
     * takes seconds per few hundred tasks; Trino's 5m kept hundreds. The coordinator takes a task's final info when it
     * finishes and retries a silent worker for query.remote-task.max-error-duration
     * ({@link #TRINO_REMOTE_TASK_MAX_ERROR_DURATION}): a finished task is kept just past that, so a coordinator that got
     * through again within its retries still finds it.
     */
    public static final String WORKER_TASK_INFO_MAX_AGE = "65s";
    /** Trino 483's own query.remote-task.max-error-duration: not rendered, so a cluster has it unless its files set one. */
    public static final String TRINO_REMOTE_TASK_MAX_ERROR_DURATION = "1m";
    public static final String LOGGER = "io.trino";
    public static final String LOG_LEVEL = "INFO";
    public static final String RETRY_POLICY = "NONE";
    /** Trino's exchange compression, which a node runs with when nothing sets it and nothing is spooled. */
    public static final String COMPRESSION_CODEC = "NONE";
    /**
     * Exchange compression under retry-policy TASK or QUERY, where every stage's output is written to the spool and
     * read back: less to write and read outweighs the CPU of LZ4 (README.md gives the figures).
     */
    public static final String SPOOLING_COMPRESSION_CODEC = "LZ4";
    /** Our exchange plugin's name (module exchange-plugin). */
    public static final String EXCHANGE_MANAGER_NAME = "spot";

    /** EC2 posts a Spot interruption notice this long before it reclaims the instance. */
    public static final Duration SPOT_NOTICE = new Duration(2, TimeUnit.MINUTES);
    public static final String SPOT_NOTICE_TEXT = "2-minute";

    private Defaults() {}

    /** The exchange compression a node runs with under {@code retryPolicy} when the file does not set one. */
    public static String compressionCodec(String retryPolicy)
    {
        return retryPolicy.equalsIgnoreCase("NONE") ? COMPRESSION_CODEC : SPOOLING_COMPRESSION_CODEC;
    }
}
