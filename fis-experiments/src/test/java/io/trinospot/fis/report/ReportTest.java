package io.trinospot.fis.report;

import io.trinospot.fis.plan.Planner;
import io.trinospot.fis.plan.RunPlan;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest
{
    @Test
    void jsonRoundTrips()
            throws Exception
    {
        ExperimentReport report = SampleReports.blogRun(true);
        String json = ReportJson.write(report);
        assertThat(ReportJson.read(json)).isEqualTo(report);
        assertThat(json).contains("\"state\" : \"shutting_down\"", "\"kind\" : \"spot-notice\"", "\"at\" : \"2:20\"", "\"startedAt\" : \"2026-11-22T10:00:00Z\"");
        // an event without a node leaves the field out rather than writing null
        assertThat(json).doesNotContain("null");
    }

    @Test
    void htmlIsWellFormedAndShowsEveryNodeStateAndEvent()
            throws Exception
    {
        ExperimentReport report = SampleReports.blogRun(true);
        String html = HtmlReport.render(report);
        Document page = parse(html);
        XPath xpath = XPathFactory.newInstance().newXPath();

        Element svg = (Element) xpath.evaluate("//svg[@id='timeline']", page, XPathConstants.NODE);
        assertThat(svg).isNotNull();
        int states = report.nodes().stream().mapToInt(node -> node.states().size()).sum();
        assertThat(count(xpath, "//svg//rect[@class='state']", page)).isEqualTo(states);
        assertThat(count(xpath, "//svg//rect[@data-state='shutting_down']", page)).isEqualTo(4);
        assertThat(count(xpath, "//svg//rect[@data-state='gone']", page)).isEqualTo(4);
        assertThat(count(xpath, "//svg//line[@class='event']", page)).isEqualTo(report.events().size());
        assertThat(count(xpath, "//svg//line[@data-kind='spot-notice']", page)).isEqualTo(4);
        assertThat(count(xpath, "//svg//line[@data-kind='interrupt']", page)).isEqualTo(4);
        assertThat(count(xpath, "//svg//polyline", page)).isEqualTo(3);
        assertThat(count(xpath, "//table[@id='events']/tr", page)).isEqualTo(report.events().size() + 1);

        String text = page.getDocumentElement().getTextContent();
        for (ExperimentReport.Event event : report.events()) {
            assertThat(text).contains(event.detail());
        }
        assertThat(text).contains("PASS: query correct", "243 rows, same as the fault-free run", "100% complete, 1 task(s) failed, 1 retried");
        assertThat(xpath.evaluate("//div[@id='verdict']/@class", page)).isEqualTo("verdict pass");
    }

    @Test
    void durationsReadAsMinutesAndSeconds()
            throws Exception
    {
        String html = HtmlReport.render(SampleReports.blogRun(true));
        Document page = parse(html);
        String text = page.getDocumentElement().getTextContent();
        assertThat(text).contains("lasted 3:20", "Runtime under faults: 3:10; fault-free: 2:20", "+2:20");
        assertThat(html).doesNotContainPattern("PT\\d");
        String json = ReportJson.write(SampleReports.blogRun(true));
        assertThat(json).contains("\"length\" : \"3:20\"", "\"ended\" : \"0:25.500\"").doesNotContainPattern("\"PT\\d");
    }

    @Test
    void reportsWithIsoDurationsAndNoTaskAttemptsStillRead()
            throws Exception
    {
        // examples/sample-report.json predates m:ss and task attempts
        ExperimentReport report = ReportJson.read(java.nio.file.Files.readString(java.nio.file.Path.of("examples/sample-report.json")));
        assertThat(report.length()).isEqualTo(Duration.ofSeconds(200));
        assertThat(report.tasks()).isEmpty();
        assertThat(parse(HtmlReport.render(report)).getDocumentElement().getTextContent()).contains("lasted 3:20").doesNotContain("Spot workers' tasks");
    }

    @Test
    void htmlSaysWhatEachSpotWorkersNoticeCost()
            throws Exception
    {
        Document page = parse(HtmlReport.render(SampleReports.blogRun(true)));
        XPath xpath = XPathFactory.newInstance().newXPath();
        assertThat(count(xpath, "//table[@id='spot-workers']/tr", page)).isEqualTo(5);
        NodeList cells = (NodeList) xpath.evaluate("//table[@id='spot-workers']/tr[td[1]='spot-3']/td", page, XPathConstants.NODESET);
        List<String> row = new java.util.ArrayList<>();
        for (int i = 0; i < cells.getLength(); i++) {
            row.add(cells.item(i).getTextContent());
        }
        assertThat(row).containsExactly("spot-3", "+0:20", "1", "1", "56.5");
    }

    @Test
    void htmlHasNoExternalReferences()
    {
        String html = HtmlReport.render(SampleReports.blogRun(true)).toLowerCase(java.util.Locale.ROOT);
        assertThat(html).doesNotContain("http:", "https:", "src=", "href=", "url(", "@import", "<script", "<link", "<img", "<iframe");
    }

    @Test
    void failedVerdictAndHostileTextStayWellFormed()
            throws Exception
    {
        ExperimentReport sample = SampleReports.blogRun(false);
        ExperimentReport report = new ExperimentReport("<b>&\"'</b>", "t\u0001", sample.startedAt(), sample.length(),
                List.of(new ExperimentReport.Node("w<1>", "worker", "spot", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE)))),
                List.of(new ExperimentReport.Event(Duration.ofSeconds(5), EventKind.INTERRUPT, Optional.of("w<1>"), "]]> <!-- & -->")),
                List.of(), List.of(), sample.verdict());
        Document page = parse(HtmlReport.render(report));
        XPath xpath = XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("//h1", page)).isEqualTo("<b>&\"'</b>");
        assertThat(xpath.evaluate("//div[@id='verdict']/@class", page)).isEqualTo("verdict fail");
        assertThat(page.getDocumentElement().getTextContent()).contains("FAIL: query not correct", "]]> <!-- & -->");
    }

    @Test
    void planStepsBecomeReportEvents()
            throws Exception
    {
        RunPlan plan = Planner.plan(io.trinospot.fis.plan.PlannerTest.template("emr-trino-interrupter.json"), io.trinospot.fis.plan.PlannerTest.BLOG_FLEET, 0);
        List<ExperimentReport.Event> events = PlanEvents.of(plan);
        assertThat(events).hasSize(12);
        assertThat(events).filteredOn(event -> event.kind() == EventKind.SPOT_NOTICE)
                .extracting(ExperimentReport.Event::detail).containsOnly("InterruptSpotNodes: interruption at +2:00");
        assertThat(events).filteredOn(event -> event.kind() == EventKind.INTERRUPT)
                .extracting(event -> event.node().orElseThrow() + "@" + event.at()).containsExactly("spot-1@PT2M", "spot-2@PT2M", "spot-3@PT2M", "spot-4@PT2M");
    }

    private static int count(XPath xpath, String expression, Document page)
            throws Exception
    {
        return ((NodeList) xpath.evaluate(expression, page, XPathConstants.NODESET)).getLength();
    }

    static Document parse(String html)
            throws Exception
    {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }
}
