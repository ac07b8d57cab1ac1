package io.trinospot.fis.chaos;

import io.trinospot.harness.S3FaultProxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * An {@code s3-error-burst} as a run injects it: for {@code length}, {@code percent} of the requests of
 * {@code kinds} get {@code answer} from the fault proxy in front of the lake.
 */
public record S3ErrorBurst(Set<S3FaultProxy.Kind> kinds, S3FaultProxy.Fault answer, int percent, Duration length)
{
    /** The request kinds a burst picks from: what a read (GET, LIST) and a write (PUT, multipart part) of the lake send most. */
    static final List<S3FaultProxy.Kind> KINDS = List.of(S3FaultProxy.Kind.PUT_OBJECT, S3FaultProxy.Kind.UPLOAD_PART, S3FaultProxy.Kind.GET_OBJECT, S3FaultProxy.Kind.LIST);
    static final List<S3FaultProxy.Fault> ANSWERS = List.of(S3FaultProxy.Fault.values());
    /** A thin burst the retries should absorb, up to every request for a while. */
    static final List<Integer> PERCENTS = List.of(10, 25, 50, 100);
    /** Shortest and longest burst: a q39 run takes 10 to 30 s here. */
    static final Duration SHORTEST = Duration.ofSeconds(5);
    static final Duration LONGEST = Duration.ofSeconds(30);
    /**
     * Earliest and latest start after the workload's first query started, earlier than the other kinds': q39 plans (the
     * file metastore's GETs and LISTs) and reads its lake files within its first seconds, and bursts that began 8 and 13 s
     * in met no request of their kinds here, under a q39 that ran 44 and 51 s.
     */
    static final Duration EARLIEST_START = Duration.ZERO;
    static final Duration LATEST_START = Duration.ofSeconds(5);

    public S3ErrorBurst
    {
        requireNonNull(kinds, "kinds is null");
        requireNonNull(answer, "answer is null");
        requireNonNull(length, "length is null");
        // the proxy's rule checks kinds and percent
        kinds = new S3FaultProxy.Burst(kinds, answer, percent).kinds();
        if (!length.isPositive()) {
            throw new IllegalArgumentException("A burst lasts a while: " + length);
        }
    }

    /** A burst drawn from {@code random}: kinds (a non-empty subset of {@link #KINDS}), answer, share and length. */
    static S3ErrorBurst pick(SplittableRandom random)
    {
        // each subset but the empty one as a bit mask over KINDS
        int mask = random.nextInt(1, 1 << KINDS.size());
        List<S3FaultProxy.Kind> kinds = new ArrayList<>();
        for (int i = 0; i < KINDS.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                kinds.add(KINDS.get(i));
            }
        }
        S3FaultProxy.Fault answer = ANSWERS.get(random.nextInt(ANSWERS.size()));
        int percent = PERCENTS.get(random.nextInt(PERCENTS.size()));
        Duration length = Duration.ofSeconds(random.nextLong(SHORTEST.toSeconds(), LONGEST.toSeconds() + 1));
        return new S3ErrorBurst(EnumSet.copyOf(kinds), answer, percent, length);
    }

    /** When a burst starts after the workload's first query started, drawn from {@code random}. */
    static Duration start(SplittableRandom random)
    {
        return Duration.ofSeconds(random.nextLong(EARLIEST_START.toSeconds(), LATEST_START.toSeconds() + 1));
    }

    public S3FaultProxy.Burst rule()
    {
        return new S3FaultProxy.Burst(kinds, answer, percent);
    }

    /** e.g. {@code 50 % of the GET, LIST requests answered 503 SlowDown for 20 s} */
    public String description()
    {
        String kindList = EnumSet.copyOf(kinds).stream().map(S3ErrorBurst::label).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%s of the %s requests answered %s for %d s", percent == 100 ? "all" : percent + " %", kindList, label(answer), length.toSeconds());
    }

    private static String label(S3FaultProxy.Kind kind)
    {
        return switch (kind) {
            case PUT_OBJECT -> "PUT";
            case UPLOAD_PART -> "multipart part";
            case GET_OBJECT -> "GET";
            case LIST -> "LIST";
            default -> kind.name();
        };
    }

    private static String label(S3FaultProxy.Fault answer)
    {
        return switch (answer) {
            case SLOW_DOWN -> "503 SlowDown";
            case INTERNAL_ERROR -> "500 InternalError";
            case DROP_DURING_REQUEST -> "a connection dropped during the request";
            case DROP_DURING_RESPONSE -> "a connection dropped during the response";
        };
    }
}
