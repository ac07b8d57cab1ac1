package io.trinospot.fis.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The finished runs of a series, one JSON line each, appended as each run ends, so that a series longer than one
 * sitting (or one cut short by a crash) continues where it stopped: the runs themselves are not stored, since the
 * series' key gives them again. The first line holds that key; a journal is only continued by the same series.
 */
public final class ChaosJournal
{
    public static final String FILE = "chaos-journal.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished run as recorded: what its queries gave, and how long it took from its start to its last query's end. */
    public record Entry(RunResult result, Duration took)
    {
        public Entry
        {
            requireNonNull(result, "result is null");
            requireNonNull(took, "took is null");
        }
    }

    private final Path file;
    private final List<Entry> entries;
    private final List<String> notes;

    private ChaosJournal(Path file, List<Entry> entries, List<String> notes)
    {
        this.file = file;
        this.entries = new ArrayList<>(entries);
        this.notes = List.copyOf(notes);
    }

    /**
     * The key that tells one series from another: everything that chooses its runs or how a run plays (the seed, the
     * choices offered, the time scale), not the number of runs.
     */
    public static String seriesKey(ChaosSeries series, double timeScale)
    {
        return "seed " + series.seed()
                + "; faults " + String.join(",", series.faults().stream().map(FaultKind::label).toList())
                + "; workloads " + String.join(",", series.workloads().stream().map(Workload::label).toList())
                + "; templates " + String.join(",", series.templates())
                + "; workers " + String.join(",", series.workers())
                + "; time scale " + timeScale;
    }

    /** A new journal in {@code directory}; one already there is an error, so that no long series is overwritten. */
    public static ChaosJournal start(Path directory, String seriesKey)
            throws IOException
    {
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            throw new IllegalArgumentException(file + " already holds a chaos series: continue it with --resume, or give another --report-dir");
        }
        Files.createDirectories(directory);
        ObjectNode header = JSON.createObjectNode().put("series", seriesKey);
        Files.writeString(file, JSON.writeValueAsString(header) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new ChaosJournal(file, List.of(), List.of());
    }

    /**
     * The journal in {@code directory}, to continue: it must be of the same series. An unreadable last line is a run
     * cut short while being recorded, and is run again; an unreadable line before it is an error naming it.
     */
    public static ChaosJournal resume(Path directory, String seriesKey, ChaosSeries series)
            throws IOException
    {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("--resume: no chaos journal " + file + " to continue");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty: not a chaos journal");
        }
        String recordedKey;
        try {
            recordedKey = JSON.readTree(lines.getFirst()).path("series").asText("");
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " line 1 is not a chaos journal's header: " + e.getOriginalMessage());
        }
        if (!recordedKey.equals(seriesKey)) {
            throw new IllegalArgumentException(file + " holds another series (" + recordedKey + "), not this one (" + seriesKey + ")");
        }
        TreeMap<Integer, Entry> entries = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        for (int index = 1; index < lines.size(); index++) {
            String line = lines.get(index);
            if (line.isBlank()) {
                continue;
            }
            try {
                Entry entry = parse(JSON.readTree(line), series);
                if (entries.put(entry.result().run().number(), entry) != null) {
                    throw new IllegalArgumentException(file + " line " + (index + 1) + " records run " + entry.result().run().number() + " a second time");
                }
            }
            catch (JsonProcessingException | IllegalStateException e) {
                if (index == lines.size() - 1) {
                    notes.add(file + " line " + (index + 1) + " is cut short (the series stopped while recording a run): that run runs again");
                    // drop it, so the run's new line follows a complete one
                    Files.writeString(file, String.join("\n", lines.subList(0, index)) + "\n", StandardCharsets.UTF_8);
                    continue;
                }
                throw new IllegalArgumentException(file + " line " + (index + 1) + " is not a recorded run: " + e.getMessage());
            }
        }
        return new ChaosJournal(file, List.copyOf(entries.values()), notes);
    }

    private static Entry parse(JsonNode node, ChaosSeries series)
    {
        JsonNode number = node.get("run");
        JsonNode queries = node.get("queries");
        JsonNode took = node.get("tookMillis");
        if (number == null || !number.canConvertToInt() || queries == null || !queries.isArray() || took == null || !took.canConvertToLong()) {
            throw new IllegalStateException("needs run, queries and tookMillis");
        }
        if (number.asInt() < 1) {
            throw new IllegalStateException("runs are numbered from 1, not " + number.asInt());
        }
        List<QueryCheck> checks = new ArrayList<>();
        for (JsonNode query : queries) {
            QueryCheck.Outcome outcome;
            try {
                outcome = QueryCheck.Outcome.valueOf(query.path("outcome").asText());
            }
            catch (IllegalArgumentException e) {
                throw new IllegalStateException("unknown outcome '" + query.path("outcome").asText() + "'");
            }
            checks.add(new QueryCheck(outcome, query.path("detail").asText("")));
        }
        JsonNode problem = node.get("injectionProblem");
        Optional<String> injectionProblem = problem == null || problem.isNull() ? Optional.empty() : Optional.of(problem.asText());
        return new Entry(new RunResult(series.run(number.asInt()), checks, injectionProblem), Duration.ofMillis(took.asLong()));
    }

    /** Appends a finished run; the line is on disk when this returns. */
    public void record(RunResult result, Duration took)
    {
        ObjectNode line = JSON.createObjectNode();
        line.put("run", result.run().number());
        ArrayNode queries = line.putArray("queries");
        for (QueryCheck check : result.queries()) {
            queries.addObject().put("outcome", check.outcome().name()).put("detail", check.detail());
        }
        if (result.injectionProblem().isPresent()) {
            line.put("injectionProblem", result.injectionProblem().get());
        }
        else {
            line.putNull("injectionProblem");
        }
        line.put("tookMillis", took.toMillis());
        try {
            Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not record run " + result.run().number() + " in " + file, e);
        }
        entries.add(new Entry(result, took));
    }

    /** The runs recorded so far, in run order for a resumed journal and then in the order they ended. */
    public List<Entry> entries()
    {
        return List.copyOf(entries);
    }

    /** Whether run {@code number} is already recorded. */
    public boolean done(int number)
    {
        return entries.stream().anyMatch(entry -> entry.result().run().number() == number);
    }

    /** What reading the journal noticed (a line cut short), for the run's output. */
    public List<String> notes()
    {
        return notes;
    }

    public Path file()
    {
        return file;
    }
}
