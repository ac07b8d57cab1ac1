package io.trinospot.watcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsException;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Watches {@code spot/instance-action}. One event per notice: while the notice stays posted its {@code time}
 * may move (AEMM does that on every request) and it is still the same notice. Only a clean 404 ends it,
 * so errors in between never make an old notice look new. Any 200 answer is a notice, however odd its body (see
 * {@link #interruption}); how far its time is from now is the handler's to judge.
 */
public final class SpotInstanceActionMonitor
        implements NoticeMonitor
{
    public static final String PATH = "/latest/meta-data/spot/instance-action";
    private static final Set<String> ACTIONS = Set.of("terminate", "stop", "hibernate");
    /** The warning EC2 gives before a Spot interruption. */
    public static final Duration DEFAULT_NOTICE = Duration.ofMinutes(2);
    private static final System.Logger LOG = System.getLogger(SpotInstanceActionMonitor.class.getName());

    private final ImdsClient imds;
    private final InstantSource clock;
    private Optional<SpotInterruption> current = Optional.empty();

    public SpotInstanceActionMonitor(ImdsClient imds, InstantSource clock)
    {
        this.imds = requireNonNull(imds, "imds is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name()
    {
        return "spot-instance-action";
    }

    @Override
    public List<InterruptionEvent> poll()
            throws ImdsException
    {
        Optional<String> body = imds.get(PATH);
        Instant observedAt = clock.instant();
        if (body.isEmpty()) {
            current = Optional.empty();
            return List.of();
        }
        List<String> odd = new ArrayList<>();
        SpotInterruption event;
        try {
            event = interruption(JsonBodies.object(PATH, body.get()), observedAt, odd);
        }
        catch (ImdsException e) {
            odd.add("the answer is not a JSON object, so the deadline is " + DEFAULT_NOTICE.toMinutes() + " min after it was first seen");
            event = new SpotInterruption("unknown", observedAt.plus(DEFAULT_NOTICE), observedAt);
        }
        if (current.isPresent()) {
            return List.of();
        }
        if (!odd.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: odd notice, acted on as an interruption: {1}; body {2}", PATH, String.join("; ", odd), oneLine(body.get()));
        }
        current = Optional.of(event);
        return List.of(event);
    }

    /**
     * A notice this agent does not fully understand still means the instance is going away: IMDS answers this path
     * with 404 until EC2 posts a notice, so any 200 is one. An unknown action is acted on like the known ones, and a
     * time that does not parse (or an answer that is not JSON at all, see {@link #poll}) gives the default two
     * minutes from when the notice was first seen: draining a worker for nothing costs less than losing its work.
     * What was odd is added to {@code odd}.
     */
    private static SpotInterruption interruption(JsonNode notice, Instant observedAt, List<String> odd)
    {
        Optional<String> action = textField(notice, "action").map(text -> text.toLowerCase(Locale.ROOT));
        Optional<String> timeText = textField(notice, "time");
        Optional<Instant> time = Optional.empty();
        if (timeText.isPresent()) {
            try {
                time = Optional.of(ImdsTimes.rfc3339(timeText.get()));
            }
            catch (ImdsException e) {
                // reported below
            }
        }
        boolean knownAction = action.isPresent() && ACTIONS.contains(action.get());
        if (!knownAction) {
            odd.add(action.map(text -> "unknown action '" + text + "'").orElse("no action"));
        }
        if (time.isEmpty()) {
            odd.add(timeText.map(text -> "time '" + text + "' is not an RFC 3339 time").orElse("no time") + ", so the deadline is "
                    + DEFAULT_NOTICE.toMinutes() + " min after it was first seen");
        }
        return new SpotInterruption(action.orElse("unknown"), time.orElse(observedAt.plus(DEFAULT_NOTICE)), observedAt);
    }

    private static Optional<String> textField(JsonNode notice, String field)
    {
        JsonNode value = notice.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.asText().trim());
    }

    // For the log: one line, printable, short; the body may be anything.
    private static String oneLine(String body)
    {
        String printable = body.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
    }

    /** The notice being acted on, if one is posted. */
    public Optional<SpotInterruption> current()
    {
        return current;
    }
}
