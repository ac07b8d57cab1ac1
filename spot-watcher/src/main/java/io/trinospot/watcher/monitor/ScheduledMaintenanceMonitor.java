package io.trinospot.watcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsException;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Watches {@code events/maintenance/scheduled}: one event per active {@code EventId}, ever. Completed and
 * canceled events are not acted on. A body that is not a well-formed array of events is rejected whole.
 */
public final class ScheduledMaintenanceMonitor
        implements NoticeMonitor
{
    public static final String PATH = "/latest/meta-data/events/maintenance/scheduled";

    private final ImdsClient imds;
    private final InstantSource clock;
    private final Set<String> reported = new HashSet<>();

    public ScheduledMaintenanceMonitor(ImdsClient imds, InstantSource clock)
    {
        this.imds = requireNonNull(imds, "imds is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name()
    {
        return "scheduled-maintenance";
    }

    @Override
    public List<InterruptionEvent> poll()
            throws ImdsException
    {
        Optional<String> body = imds.get(PATH);
        Instant observedAt = clock.instant();
        if (body.isEmpty() || body.get().isBlank()) {
            return List.of();
        }
        List<ScheduledMaintenance> active = new ArrayList<>();
        for (JsonNode node : JsonBodies.array(PATH, body.get())) {
            if (!node.isObject()) {
                throw new ImdsException(ImdsException.Kind.MALFORMED, PATH + ": array element is not an object");
            }
            String eventId = JsonBodies.text(PATH, node, "EventId");
            String code = JsonBodies.text(PATH, node, "Code").toLowerCase(Locale.ROOT);
            String state = JsonBodies.text(PATH, node, "State").toLowerCase(Locale.ROOT);
            String description = node.path("Description").asText("");
            Instant notBefore = ImdsTimes.scheduledEvent(JsonBodies.text(PATH, node, "NotBefore"));
            Optional<Instant> notAfter = node.hasNonNull("NotAfter")
                    ? Optional.of(ImdsTimes.scheduledEvent(node.get("NotAfter").asText()))
                    : Optional.empty();
            // AWS keeps finished events listed for a while, marked by state and a description prefix.
            boolean finished = !state.equals("active") || description.startsWith("[Completed]") || description.startsWith("[Canceled]");
            if (!finished) {
                active.add(new ScheduledMaintenance(eventId, code, description, notBefore, notAfter, observedAt));
            }
        }
        List<InterruptionEvent> fresh = new ArrayList<>();
        for (ScheduledMaintenance event : active) {
            if (reported.add(event.eventId())) {
                fresh.add(event);
            }
        }
        return fresh;
    }
}
