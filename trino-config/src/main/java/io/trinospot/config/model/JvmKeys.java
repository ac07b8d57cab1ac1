package io.trinospot.config.model;

import java.util.ArrayList;
import java.util.List;

/** The keys of the {@code trino-spot-jvm} classification, which shapes {@code etc/jvm.config}. */
public final class JvmKeys
{
    /** Maximum heap, in the JVM's own size syntax ({@code -Xmx}): digits with an optional k, m, g or t suffix. */
    public static final String HEAP_SIZE = "jvm.heap-size";
    /** Further JVM options, separated by spaces, appended after the defaults (a later option wins in the JVM). */
    public static final String EXTRA_OPTIONS = "jvm.extra-options";

    public static final String DEFAULT_HEAP_SIZE = "2G";

    /** The flags Trino 483 is usually run with; the vector module is required by Trino on JDK 25. */
    public static final List<String> DEFAULT_OPTIONS = List.of(
            "-XX:+UseG1GC",
            "-XX:G1HeapRegionSize=32M",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:+HeapDumpOnOutOfMemoryError",
            "-XX:-OmitStackTraceInFastThrow",
            "-XX:ReservedCodeCacheSize=512M",
            "-XX:PerMethodRecompilationCutoff=10000",
            "-XX:PerBytecodeRecompilationCutoff=10000",
            "-XX:+EnableDynamicAgentLoading",
            "-Djdk.attach.allowAttachSelf=true",
            "-Djdk.nio.maxCachedBufferSize=2000000",
            "-Dfile.encoding=UTF-8",
            "--add-modules=jdk.incubator.vector");

    private JvmKeys() {}

    /**
     * A node's JVM options, one per line of jvm.config: the heap, {@link #DEFAULT_OPTIONS}, then {@code additions} in
     * order (a later option wins in the JVM). Render and the test harness both start their nodes from this.
     */
    public static List<String> options(String heapSize, List<String> additions)
    {
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + heapSize);
        options.addAll(DEFAULT_OPTIONS);
        options.addAll(additions);
        return List.copyOf(options);
    }
}
