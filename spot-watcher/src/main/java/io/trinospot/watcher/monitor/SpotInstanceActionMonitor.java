package io.trinospot.watcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsException;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Watches {@code spot/instance-action}. One event per notice: while the notice stays posted its {@code time}
 * may move (AEMM does that on every request) and it is still the same notice. Only a clean 404 ends it,
 * so errors in between never make an old notice look new.
 */
public final class SpotInstanceActionMonitor
        implements NoticeMonitor
{
    public static final String PATH = "/latest/meta-data/spot/instance-action";
    private static final Set<String> ACTIONS = Set.of("terminate", "stop", "hibernate");

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
        JsonNode notice = JsonBodies.object(PATH, body.get());
        String action = JsonBodies.text(PATH, notice, "action").toLowerCase(Locale.ROOT);
        if (!ACTIONS.contains(action)) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, PATH + ": unknown action '" + action + "'");
        }
        Instant time = ImdsTimes.rfc3339(JsonBodies.text(PATH, notice, "time"));
        if (current.isPresent()) {
            return List.of();
        }
        SpotInterruption event = new SpotInterruption(action, time, observedAt);
        current = Optional.of(event);
        return List.of(event);
    }

    /** The notice being acted on, if one is posted. */
    public Optional<SpotInterruption> current()
    {
        return current;
    }
}
