package io.trinospot.fis.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.trinospot.fis.report.ExperimentReport.SPOT_WATCHER_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

class EarlyFailuresTest
{
    private static final String BY_WATCHER = SPOT_WATCHER_FAILURE + " this worker's EC2 instance will be reclaimed soon; task failed early";

    @Test
    void blogRunHasSpot3sTaskFailedEarlyAndRerunOnCore1()
    {
        List<EarlyFailures.EarlyFailure> failures = EarlyFailures.of(SampleReports.blogRun(true));
        // 1.3.0.0 also failed on spot-3, but when the worker died (not by its watcher, after the interruption)
        assertThat(failures).hasSize(1);
        EarlyFailures.EarlyFailure failure = failures.getFirst();
        assertThat(failure.failed().taskId()).isEqualTo("20261122_1.2.0.0");
        assertThat(failure.rerun().map(ExperimentReport.TaskAttempt::taskId)).contains("20261122_1.2.0.1");
        assertThat(failure.rerun().map(ExperimentReport.TaskAttempt::node)).contains("core-1");
        // failed at +25.5 s, reclaimed at +2:20: the rerun started 114.5 s sooner than after the kill
        assertThat(failure.saved()).isEqualTo(Duration.ofMillis(114_500));
        assertThat(failure.line()).isEqualTo("task 20261122_1.2.0.0 on spot-3 failed early at +0:25, rerun as 20261122_1.2.0.1 on core-1 (finished at +1:10); 114.5 task-seconds saved");
    }

    @Test
    void onlyWatcherFailuresBeforeTheWorkerWasReclaimedCount()
    {
        ExperimentReport report = report(
                List.of(notice("spot-1", 10), interrupt("spot-1", 130)),
                List.of(
                        failed("q.1.0.0", "spot-1", 0, 20, BY_WATCHER),          // failed early, rerun twice: the next attempt is the rerun
                        failed("q.1.0.1", "core-1", 21, 40, "worker crashed"),
                        attempt("q.1.0.2", "core-2", 41, 80, "FINISHED"),
                        failed("q.1.1.0", "spot-1", 0, 12, "Query exceeded memory"), // failed, but not by the watcher
                        attempt("q.1.1.1", "core-1", 13, 30, "FINISHED"),
                        failed("q.1.2.0", "spot-1", 0, 130, BY_WATCHER),          // at the interruption: nothing saved by then
                        failed("q.1.3.0", "spot-1", 5, 15, BY_WATCHER)));         // failed early, the query ended before a rerun
        List<EarlyFailures.EarlyFailure> failures = EarlyFailures.of(report);
        assertThat(failures).extracting(failure -> failure.failed().taskId()).containsExactly("q.1.3.0", "q.1.0.0");
        assertThat(failures.get(0).rerun()).isEmpty();
        assertThat(failures.get(0).line()).contains("not rerun before the run ended");
        assertThat(failures.get(1).rerun().map(ExperimentReport.TaskAttempt::taskId)).contains("q.1.0.1");
        assertThat(EarlyFailures.saved(failures)).isEqualTo(Duration.ofSeconds(115 + 110));
    }

    @Test
    void withoutAnInterruptionTheWorkerIsReclaimedWhenGoneAndWithoutEitherNothingIsSaved()
    {
        ExperimentReport gone = new ExperimentReport("t", "t", Instant.EPOCH, Duration.ofSeconds(200),
                List.of(new ExperimentReport.Node("spot-1", "worker", "spot", List.of(
                        new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE),
                        new ExperimentReport.StateChange(Duration.ofSeconds(70), NodeState.GONE)))),
                List.of(), List.of(), List.of(failed("q.1.0.0", "spot-1", 0, 20, BY_WATCHER)), verdict());
        assertThat(EarlyFailures.of(gone).getFirst().saved()).isEqualTo(Duration.ofSeconds(50));

        ExperimentReport neverReclaimed = report(List.of(), List.of(failed("q.1.0.0", "spot-1", 0, 20, BY_WATCHER)));
        assertThat(EarlyFailures.of(neverReclaimed).getFirst().saved()).isEqualTo(Duration.ZERO);
    }

    @Test
    void htmlNamesEachEarlyFailedTaskAndItsRerun()
            throws Exception
    {
        Document page = ReportTest.parse(HtmlReport.render(SampleReports.blogRun(true)));
        XPath xpath = XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("count(//table[@id='early-failures']/tr[@class='early-failure'])", page, XPathConstants.NUMBER)).isEqualTo(1.0);
        assertThat(xpath.evaluate("//table[@id='early-failures']/tr[@data-task='20261122_1.2.0.0']/td[4]", page)).isEqualTo("20261122_1.2.0.1");
        assertThat(xpath.evaluate("//table[@id='early-failures']/tr[@data-task='20261122_1.2.0.0']/td[5]", page)).isEqualTo("core-1");
        assertThat(xpath.evaluate("//table[@id='early-failures']/tr[@data-task='20261122_1.2.0.0']/td[6]", page)).isEqualTo("finished at +1:10");
        // on the timeline: a cross on spot-3's row, the rerun's bar on core-1's row
        assertThat(xpath.evaluate("count(//svg//path[@class='task-failed-early'][@data-task='20261122_1.2.0.0'])", page, XPathConstants.NUMBER)).isEqualTo(1.0);
        assertThat(xpath.evaluate("//svg//rect[@class='task-rerun'][@data-rerun-of='20261122_1.2.0.0']/@data-task", page)).isEqualTo("20261122_1.2.0.1");
        assertThat(xpath.evaluate("//svg//rect[@class='task-rerun'][@data-rerun-of='20261122_1.2.0.0']/@data-state", page)).isEqualTo("finished");
        assertThat(page.getDocumentElement().getTextContent()).contains("1 task(s) failed early by spot-watchers; 114.5 task-seconds saved against waiting for the kill.");
    }

    @Test
    void reportsWithoutFailureMessagesReadWithNone()
            throws Exception
    {
        ExperimentReport report = SampleReports.blogRun(true);
        String json = ReportJson.write(report);
        assertThat(json).contains("\"failure\" : \"" + SPOT_WATCHER_FAILURE);
        String older = json.replaceAll(",\\s*\"failure\" : \"[^\"]*\"", "");
        assertThat(older).doesNotContain("\"failure\"");
        assertThat(ReportJson.read(older).tasks()).allSatisfy(attempt -> assertThat(attempt.failure()).isEmpty());
        assertThat(EarlyFailures.of(ReportJson.read(older))).isEmpty();
    }

    private static ExperimentReport report(List<ExperimentReport.Event> events, List<ExperimentReport.TaskAttempt> tasks)
    {
        List<ExperimentReport.Node> nodes = List.of(
                new ExperimentReport.Node("spot-1", "worker", "spot", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE))),
                new ExperimentReport.Node("core-1", "worker", "on-demand", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE))),
                new ExperimentReport.Node("core-2", "worker", "on-demand", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE))));
        return new ExperimentReport("t", "t", Instant.EPOCH, Duration.ofSeconds(200), nodes, events, List.of(), tasks, verdict());
    }

    private static ExperimentReport.Verdict verdict()
    {
        return new ExperimentReport.Verdict(true, "ok", Optional.empty(), Optional.empty());
    }

    private static ExperimentReport.Event notice(String node, int at)
    {
        return new ExperimentReport.Event(Duration.ofSeconds(at), EventKind.SPOT_NOTICE, Optional.of(node), "notice");
    }

    private static ExperimentReport.Event interrupt(String node, int at)
    {
        return new ExperimentReport.Event(Duration.ofSeconds(at), EventKind.INTERRUPT, Optional.of(node), "interrupt");
    }

    private static ExperimentReport.TaskAttempt attempt(String id, String node, int started, int ended, String state)
    {
        return new ExperimentReport.TaskAttempt(id, node, Duration.ofSeconds(started), Optional.of(Duration.ofSeconds(ended)), state);
    }

    private static ExperimentReport.TaskAttempt failed(String id, String node, int started, int ended, String failure)
    {
        return new ExperimentReport.TaskAttempt(id, node, Duration.ofSeconds(started), Optional.of(Duration.ofSeconds(ended)), "FAILED", Optional.of(failure));
    }
}
