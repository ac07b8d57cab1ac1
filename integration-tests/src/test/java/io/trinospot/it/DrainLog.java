package io.trinospot.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a drain's time went after one notice, from the victim's agent log: when its first full task list was in hand,
 * how long that request took and how many tasks it held (finished ones included), and when it failed its first task.
 * Times are from the notice as the benchmark posted it.
 */
record DrainLog(Optional<Duration> listInHand, OptionalLong listRequestMillis, OptionalInt tasksListed, Optional<Duration> firstFailed)
{
    static final DrainLog NOTHING_LOGGED = new DrainLog(Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), Optional.empty());

    private static final Pattern LIST = Pattern.compile("task list in hand .*\\(the request took (\\d+) ms\\): (\\d+) tasks");

    static DrainLog read(Path agentLog, Instant notice)
            throws IOException
    {
        return parse(Files.exists(agentLog) ? Files.readAllLines(agentLog) : List.of(), notice);
    }

    static DrainLog parse(List<String> lines, Instant notice)
    {
        Optional<Duration> listInHand = Optional.empty();
        OptionalLong request = OptionalLong.empty();
        OptionalInt tasks = OptionalInt.empty();
        Optional<Duration> failed = Optional.empty();
        for (String line : lines) {
            Optional<Instant> at = instant(line);
            if (at.isEmpty() || at.get().isBefore(notice)) {
                continue;
            }
            Matcher list = LIST.matcher(line);
            if (listInHand.isEmpty() && list.find()) {
                listInHand = Optional.of(Duration.between(notice, at.get()));
                request = OptionalLong.of(Long.parseLong(list.group(1)));
                tasks = OptionalInt.of(Integer.parseInt(list.group(2)));
            }
            if (failed.isEmpty() && line.contains(": failed task ")) {
                failed = Optional.of(Duration.between(notice, at.get()));
            }
        }
        return new DrainLog(listInHand, request, tasks, failed);
    }

    // The agent's log lines start with an ISO-8601 instant.
    private static Optional<Instant> instant(String line)
    {
        int space = line.indexOf(' ');
        if (space <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(line.substring(0, space)));
        }
        catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
