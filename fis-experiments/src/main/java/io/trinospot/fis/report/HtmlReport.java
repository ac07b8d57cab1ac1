package io.trinospot.fis.report;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Renders a report as one self-contained page: inline CSS and an inline SVG timeline, no scripts, no fonts, no
 * links, so it opens from a file, an e-mail or a CI artifact exactly as written. The markup is well-formed XML so
 * tools (and the tests) can parse it.
 */
public final class HtmlReport
{
    static final int WIDTH = 1000;
    static final int LABEL = 170;
    static final int PLOT = WIDTH - LABEL - 20;
    static final int ROW = 26;
    static final int PROGRESS_HEIGHT = 120;

    private HtmlReport() {}

    public static String render(ExperimentReport report)
    {
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
                .append(escape(report.title())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}.pass{background:#e3f4e8;border:2px solid #3a9d5d}")
                .append(".fail{background:#fbe4e4;border:2px solid #c0392b}.verdict{padding:10px 14px;margin:12px 0;font-size:15px}")
                .append("svg text{font-size:11px;font-family:sans-serif}\n</style>\n</head>\n<body>\n");
        page.append("<h1>").append(escape(report.title())).append("</h1>\n");
        page.append("<p>Template: ").append(escape(report.template())).append("<br/>Started ").append(escape(report.startedAt().toString()))
                .append(", lasted ").append(ReportDurations.format(report.length())).append("</p>\n");
        verdict(page, report.verdict());
        page.append(timeline(report)).append('\n');
        spotWorkers(page, report);
        earlyFailures(page, report);
        events(page, report);
        page.append("</body>\n</html>\n");
        return page.toString();
    }

    private static void verdict(StringBuilder page, ExperimentReport.Verdict verdict)
    {
        page.append("<div class=\"verdict ").append(verdict.correct() ? "pass" : "fail").append("\" id=\"verdict\"><b>")
                .append(verdict.correct() ? "PASS: query correct" : "FAIL: query not correct").append("</b> &#8212; ").append(escape(verdict.summary()));
        verdict.runtime().ifPresent(runtime -> page.append("<br/>Runtime under faults: ").append(ReportDurations.format(runtime)));
        verdict.faultFreeRuntime().ifPresent(runtime -> page.append("; fault-free: ").append(ReportDurations.format(runtime)));
        page.append("</div>\n");
    }

    /** Node rows (one coloured bar per state), event marks on them, then the query's progress underneath. */
    static String timeline(ExperimentReport report)
    {
        int nodesTop = 52;
        int progressTop = nodesTop + report.nodes().size() * ROW + 30;
        int height = progressTop + PROGRESS_HEIGHT + 40;
        double length = Math.max(1, report.length().toMillis());
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"timeline\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\">\n");
        svg.append("<title>Timeline of ").append(escape(report.title())).append("</title>\n");
        legend(svg);
        axis(svg, report.length(), nodesTop - 8, progressTop + PROGRESS_HEIGHT + 16);

        for (int i = 0; i < report.nodes().size(); i++) {
            ExperimentReport.Node node = report.nodes().get(i);
            int y = nodesTop + i * ROW;
            svg.append("<text x=\"4\" y=\"").append(y + 16).append("\">").append(escape(node.name())).append(" (")
                    .append(escape(node.lifecycle())).append(")</text>\n");
            List<ExperimentReport.StateChange> states = node.states();
            for (int s = 0; s < states.size(); s++) {
                Duration from = states.get(s).at();
                Duration to = s + 1 < states.size() ? states.get(s + 1).at() : report.length();
                double x = x(from, length);
                double w = Math.max(0.5, x(to, length) - x);
                NodeState state = states.get(s).state();
                svg.append("<rect class=\"state\" data-node=\"").append(escape(node.name())).append("\" data-state=\"").append(state.label())
                        .append("\" x=\"").append(f(x)).append("\" y=\"").append(y + 4).append("\" width=\"").append(f(w)).append("\" height=\"")
                        .append(ROW - 8).append("\" fill=\"").append(state.color()).append("\"><title>").append(escape(node.name())).append(": ")
                        .append(state.label()).append(" from +").append(ReportDurations.format(from)).append("</title></rect>\n");
            }
        }
        for (ExperimentReport.Event event : report.events()) {
            int index = event.node().map(name -> indexOf(report, name)).orElse(-1);
            double x = x(event.at(), length);
            int top = index >= 0 ? nodesTop + index * ROW + 1 : nodesTop;
            int bottom = index >= 0 ? top + ROW - 2 : progressTop + PROGRESS_HEIGHT;
            svg.append("<line class=\"event\" data-kind=\"").append(event.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .append("\" x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(top).append("\" y2=\"").append(bottom)
                    .append("\" stroke=\"").append(color(event.kind())).append("\" stroke-width=\"").append(index >= 0 ? 3 : 1)
                    .append(index >= 0 ? "" : "\" stroke-dasharray=\"4 3").append("\"><title>+").append(ReportDurations.format(event.at())).append(' ')
                    .append(escape(event.kind().label())).append(event.node().map(node -> " " + escape(node)).orElse("")).append(": ")
                    .append(escape(event.detail())).append("</title></line>\n");
        }
        earlyFailureMarks(svg, report, nodesTop, length);
        progress(svg, report, progressTop, length);
        svg.append("</svg>");
        return svg.toString();
    }

    /**
     * On its worker's row, a cross where a spot-watcher failed a task early; on the row of the worker that ran it
     * again, a thin bar for the rerun (green when it finished).
     */
    private static void earlyFailureMarks(StringBuilder svg, ExperimentReport report, int nodesTop, double length)
    {
        for (EarlyFailures.EarlyFailure failure : EarlyFailures.of(report)) {
            int index = indexOf(report, failure.failed().node());
            if (index >= 0) {
                double x = x(failure.failedAt(), length);
                int y = nodesTop + index * ROW + ROW / 2;
                svg.append("<path class=\"task-failed-early\" data-task=\"").append(escape(failure.failed().taskId())).append("\" d=\"M")
                        .append(f(x - 4)).append(',').append(y - 4).append(" l8,8 m-8,0 l8,-8\" stroke=\"#c0392b\" stroke-width=\"2\"><title>")
                        .append(escape(failure.line())).append("</title></path>\n");
            }
            failure.rerun().ifPresent(rerun -> {
                int rerunIndex = indexOf(report, rerun.node());
                if (rerunIndex < 0) {
                    return;
                }
                double from = x(rerun.started(), length);
                double to = x(rerun.ended().orElse(report.length()), length);
                int y = nodesTop + rerunIndex * ROW + ROW - 7;
                svg.append("<rect class=\"task-rerun\" data-task=\"").append(escape(rerun.taskId())).append("\" data-rerun-of=\"")
                        .append(escape(failure.failed().taskId())).append("\" data-state=\"").append(escape(rerun.state().toLowerCase(Locale.ROOT)))
                        .append("\" x=\"").append(f(from)).append("\" y=\"").append(y).append("\" width=\"").append(f(Math.max(1, to - from)))
                        .append("\" height=\"3\" fill=\"").append(rerun.state().equals("FINISHED") ? "#3a9d5d" : "#7f8c8d").append("\"><title>")
                        .append(escape(rerun.taskId() + " on " + rerun.node() + ": rerun of " + failure.failed().taskId() + ", " + rerun.state().toLowerCase(Locale.ROOT)))
                        .append("</title></rect>\n");
            });
        }
    }

    private static void progress(StringBuilder svg, ExperimentReport report, int top, double length)
    {
        int bottom = top + PROGRESS_HEIGHT;
        svg.append("<text x=\"4\" y=\"").append(top + 12).append("\">query progress</text>\n");
        svg.append("<text x=\"4\" y=\"").append(top + 28).append("\" fill=\"#c0392b\">tasks failed</text>\n");
        svg.append("<text x=\"4\" y=\"").append(top + 44).append("\" fill=\"#e07b24\">tasks retried</text>\n");
        svg.append("<rect x=\"").append(LABEL).append("\" y=\"").append(top).append("\" width=\"").append(PLOT).append("\" height=\"").append(PROGRESS_HEIGHT)
                .append("\" fill=\"none\" stroke=\"#ccc\"/>\n");
        List<ExperimentReport.ProgressSample> samples = report.progress();
        if (samples.isEmpty()) {
            return;
        }
        int maxTasks = Math.max(1, samples.stream().mapToInt(sample -> Math.max(sample.tasksFailed(), sample.tasksRetried())).max().orElse(1));
        polyline(svg, "progress", "#2d6cdf", samples.stream().map(sample -> point(sample.at(), sample.completed(), top, length)).toList());
        polyline(svg, "tasks-failed", "#c0392b", steps(samples, sample -> (double) sample.tasksFailed() / maxTasks, top, length));
        polyline(svg, "tasks-retried", "#e07b24", steps(samples, sample -> (double) sample.tasksRetried() / maxTasks, top, length));
        ExperimentReport.ProgressSample last = samples.getLast();
        svg.append("<text x=\"").append(LABEL + 4).append("\" y=\"").append(bottom + 28).append("\">")
                .append(String.format(Locale.ROOT, "%.0f%% complete, %d task(s) failed, %d retried", last.completed() * 100, last.tasksFailed(), last.tasksRetried()))
                .append("</text>\n");
    }

    /** Counters change at a sample, not gradually between samples: draw them as stairs. */
    private static List<String> steps(List<ExperimentReport.ProgressSample> samples, java.util.function.ToDoubleFunction<ExperimentReport.ProgressSample> value,
            int top, double length)
    {
        List<String> points = new java.util.ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (i > 0) {
                points.add(point(samples.get(i).at(), value.applyAsDouble(samples.get(i - 1)), top, length));
            }
            points.add(point(samples.get(i).at(), value.applyAsDouble(samples.get(i)), top, length));
        }
        return points;
    }

    private static String point(Duration at, double fraction, int top, double length)
    {
        return f(x(at, length)) + "," + f(top + PROGRESS_HEIGHT - fraction * PROGRESS_HEIGHT);
    }

    private static void polyline(StringBuilder svg, String name, String color, List<String> points)
    {
        svg.append("<polyline class=\"").append(name).append("\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                .append(String.join(" ", points)).append("\"/>\n");
    }

    private static void legend(StringBuilder svg)
    {
        int x = LABEL;
        for (NodeState state : NodeState.values()) {
            svg.append("<rect x=\"").append(x).append("\" y=\"6\" width=\"12\" height=\"12\" fill=\"").append(state.color()).append("\"/>")
                    .append("<text x=\"").append(x + 16).append("\" y=\"16\">").append(state.label()).append("</text>\n");
            x += 26 + state.label().length() * 7;
        }
        for (EventKind kind : List.of(EventKind.REBALANCE, EventKind.SPOT_NOTICE, EventKind.INTERRUPT, EventKind.START)) {
            svg.append("<rect x=\"").append(x).append("\" y=\"4\" width=\"3\" height=\"16\" fill=\"").append(color(kind)).append("\"/>")
                    .append("<text x=\"").append(x + 7).append("\" y=\"16\">").append(escape(kind.label())).append("</text>\n");
            x += 17 + kind.label().length() * 6;
        }
    }

    private static void axis(StringBuilder svg, Duration length, int top, int bottom)
    {
        // a tick every 30 s up to 5 min, then every minute, so labels never crowd
        long step = length.toSeconds() <= 300 ? 30 : 60 * Math.max(1, length.toMinutes() / 10);
        for (long s = 0; s <= length.toSeconds(); s += step) {
            double x = x(Duration.ofSeconds(s), Math.max(1, length.toMillis()));
            svg.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(top).append("\" y2=\"").append(bottom)
                    .append("\" stroke=\"#eee\"/>\n<text x=\"").append(f(x + 2)).append("\" y=\"").append(top).append("\" fill=\"#666\">+")
                    .append(ReportDurations.format(Duration.ofSeconds(s))).append("</text>\n");
        }
    }

    /** Per Spot worker, what its notice cost in tasks; left out for a report without task attempts. */
    private static void spotWorkers(StringBuilder page, ExperimentReport report)
    {
        List<SpotWorkerTasks> workers = SpotWorkerTasks.of(report);
        if (workers.isEmpty() || report.tasks().isEmpty()) {
            return;
        }
        page.append("<h2>Spot workers' tasks</h2>\n<table id=\"spot-workers\">\n<tr><th>worker</th><th>Spot notice</th>")
                .append("<th>tasks finished after the notice</th><th>failed early and rerun</th><th>task-seconds lost</th></tr>\n");
        for (SpotWorkerTasks worker : workers) {
            page.append("<tr><td>").append(escape(worker.worker())).append("</td><td>")
                    .append(worker.notice().map(at -> "+" + ReportDurations.format(at)).orElse("none")).append("</td><td>")
                    .append(worker.finishedAfterNotice()).append("</td><td>").append(worker.failedEarlyAndRerun()).append("</td><td>")
                    .append(worker.lostSeconds()).append("</td></tr>\n");
        }
        page.append("</table>\n");
    }

    /** Each task a spot-watcher failed early, where it ran again and how that ended; left out when there is none. */
    private static void earlyFailures(StringBuilder page, ExperimentReport report)
    {
        List<EarlyFailures.EarlyFailure> failures = EarlyFailures.of(report);
        if (failures.isEmpty()) {
            return;
        }
        page.append("<h2>Tasks failed early and their reruns</h2>\n<p>")
                .append(String.format(Locale.ROOT, "%d task(s) failed early by spot-watchers; %.1f task-seconds saved against waiting for the kill.",
                        failures.size(), EarlyFailures.saved(failures).toMillis() / 1000.0))
                .append("</p>\n<table id=\"early-failures\">\n<tr><th>task attempt</th><th>worker</th><th>failed early at</th><th>rerun as</th>")
                .append("<th>rerun on</th><th>rerun</th><th>task-seconds saved</th></tr>\n");
        for (EarlyFailures.EarlyFailure failure : failures) {
            page.append("<tr class=\"early-failure\" data-task=\"").append(escape(failure.failed().taskId())).append("\"><td>")
                    .append(escape(failure.failed().taskId())).append("</td><td>").append(escape(failure.failed().node())).append("</td><td>+")
                    .append(ReportDurations.format(failure.failedAt())).append("</td><td>")
                    .append(escape(failure.rerun().map(ExperimentReport.TaskAttempt::taskId).orElse("none"))).append("</td><td>")
                    .append(escape(failure.rerun().map(ExperimentReport.TaskAttempt::node).orElse(""))).append("</td><td>")
                    .append(escape(failure.rerun().map(rerun -> rerun.state().toLowerCase(Locale.ROOT)
                            + rerun.ended().map(at -> " at +" + ReportDurations.format(at)).orElse("")).orElse(""))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", failure.saved().toMillis() / 1000.0)).append("</td></tr>\n");
        }
        page.append("</table>\n");
    }

    private static void events(StringBuilder page, ExperimentReport report)
    {
        page.append("<h2>Events</h2>\n<table id=\"events\">\n<tr><th>at</th><th>event</th><th>node</th><th>detail</th></tr>\n");
        for (ExperimentReport.Event event : report.events()) {
            page.append("<tr><td>+").append(ReportDurations.format(event.at())).append("</td><td>").append(escape(event.kind().label()))
                    .append("</td><td>").append(escape(event.node().orElse(""))).append("</td><td>").append(escape(event.detail())).append("</td></tr>\n");
        }
        page.append("</table>\n");
    }

    private static String color(EventKind kind)
    {
        return switch (kind) {
            case REBALANCE -> "#8e44ad";
            case SPOT_NOTICE -> "#e07b24";
            case INTERRUPT, TERMINATE, TASK_FAILED -> "#c0392b";
            case STOP, REBOOT -> "#34495e";
            case START, NODE_JOINED -> "#3a9d5d";
            case QUERY_STARTED, QUERY_FINISHED -> "#2d6cdf";
        };
    }

    private static int indexOf(ExperimentReport report, String node)
    {
        for (int i = 0; i < report.nodes().size(); i++) {
            if (report.nodes().get(i).name().equals(node)) {
                return i;
            }
        }
        return -1;
    }

    private static double x(Duration at, double lengthMillis)
    {
        return LABEL + Math.min(1, Math.max(0, at.toMillis() / lengthMillis)) * PLOT;
    }

    private static String f(double value)
    {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** XML escaping, so any node name or error message stays text. */
    static String escape(String text)
    {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append('?'); // not allowed in XML 1.0 at all
                    }
                    else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
