package io.trinospot.watcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsException;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Watches {@code events/maintenance/scheduled}, following each {@code EventId}: an active event is reported when
 * it first appears and again when its {@code NotBefore} is moved; an event reported as active that is then listed
 * as canceled or completed is reported as {@link ScheduledMaintenanceCanceled}. An event that is canceled or
 * completed when first seen is not reported. A body that is not a JSON array is rejected whole; an entry that
 * cannot be read is logged (once) and skipped, and the others are still acted on.
 */
public final class ScheduledMaintenanceMonitor
        implements NoticeMonitor
{
    public static final String PATH = "/latest/meta-data/events/maintenance/scheduled";
    private static final System.Logger LOG = System.getLogger(ScheduledMaintenanceMonitor.class.getName());
    // AEMM moves every listed time forward by the time that passed between answers; a real reschedule moves
    // NotBefore by hours or days. A move that differs from the time passed by more than this is a reschedule.
    private static final Duration RESCHEDULE_TOLERANCE = Duration.ofSeconds(10);
    // Bounds the memory of bad entries already logged, should IMDS keep sending new ones.
    private static final int MAX_LOGGED_PROBLEMS = 1000;

    private final ImdsClient imds;
    private final InstantSource clock;
    private final Map<String, Seen> seen = new HashMap<>();
    private final Set<String> loggedProblems = new HashSet<>();

    private record Seen(boolean active, Instant notBefore, Instant at) {}

    private record Entry(String eventId, String code, boolean finished, String state, String description, Instant notBefore, Optional<Instant> notAfter) {}

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
        List<InterruptionEvent> fresh = new ArrayList<>();
        for (JsonNode node : JsonBodies.array(PATH, body.get())) {
            Optional<Entry> entry = entry(node);
            if (entry.isPresent()) {
                follow(entry.get(), observedAt).ifPresent(fresh::add);
            }
        }
        return fresh;
    }

    private Optional<InterruptionEvent> follow(Entry entry, Instant observedAt)
    {
        Seen before = seen.put(entry.eventId(), new Seen(!entry.finished(), entry.notBefore(), observedAt));
        if (entry.finished()) {
            if (before != null && before.active()) {
                LOG.log(System.Logger.Level.INFO, "scheduled event {0} ({1}) is now {2}", entry.eventId(), entry.code(), entry.state());
                return Optional.of(new ScheduledMaintenanceCanceled(entry.eventId(), entry.code(), entry.state(), observedAt));
            }
            return Optional.empty();
        }
        ScheduledMaintenance event = new ScheduledMaintenance(entry.eventId(), entry.code(), entry.description(), entry.notBefore(), entry.notAfter(), observedAt);
        if (before == null || !before.active()) {
            return Optional.of(event);
        }
        Duration moved = Duration.between(before.notBefore(), entry.notBefore());
        Duration passed = Duration.between(before.at(), observedAt);
        if (moved.minus(passed).abs().compareTo(RESCHEDULE_TOLERANCE) <= 0 || moved.isZero()) {
            return Optional.empty();
        }
        LOG.log(System.Logger.Level.INFO, "scheduled event {0} ({1}) rescheduled: NotBefore {2}, was {3}", entry.eventId(), entry.code(), entry.notBefore(), before.notBefore());
        return Optional.of(event);
    }

    private Optional<Entry> entry(JsonNode node)
    {
        if (!node.isObject()) {
            problem(PATH + ": skipping an entry that is not an object: " + node);
            return Optional.empty();
        }
        String eventId = node.path("EventId").asText("?");
        try {
            eventId = JsonBodies.text(PATH, node, "EventId");
            String code = JsonBodies.text(PATH, node, "Code").toLowerCase(Locale.ROOT);
            String state = JsonBodies.text(PATH, node, "State").toLowerCase(Locale.ROOT);
            String description = node.path("Description").asText("");
            Instant notBefore = ImdsTimes.scheduledEvent(JsonBodies.text(PATH, node, "NotBefore"));
            Optional<Instant> notAfter = Optional.empty();
            if (node.hasNonNull("NotAfter")) {
                try {
                    notAfter = Optional.of(ImdsTimes.scheduledEvent(node.get("NotAfter").asText()));
                }
                catch (ImdsException e) {
                    // Only the end of the window is unknown; the event still starts at NotBefore.
                    problem(PATH + ": event " + eventId + ": NotAfter ignored: " + e.getMessage());
                }
            }
            // AWS keeps finished events listed for a while, marked by state and a description prefix.
            boolean finished = !state.equals("active") || description.startsWith("[Completed]") || description.startsWith("[Canceled]");
            if (description.startsWith("[Canceled]") && state.equals("active")) {
                state = "canceled";
            }
            else if (description.startsWith("[Completed]") && state.equals("active")) {
                state = "completed";
            }
            return Optional.of(new Entry(eventId, code, finished, state, description, notBefore, notAfter));
        }
        catch (ImdsException e) {
            problem(PATH + ": skipping event " + eventId + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private void problem(String message)
    {
        if (loggedProblems.size() >= MAX_LOGGED_PROBLEMS) {
            loggedProblems.clear();
        }
        if (loggedProblems.add(message)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }
}
