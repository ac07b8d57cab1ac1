package io.trinospot.fis.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;

/** The report as JSON: durations as ISO-8601 text (PT2M), instants as RFC 3339, absent optionals left out. */
public final class ReportJson
{
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_ABSENT))
            .build();

    private ReportJson() {}

    public static String write(ExperimentReport report)
    {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        }
        catch (IOException e) {
            throw new IllegalStateException("a report always serializes", e);
        }
    }

    public static ExperimentReport read(String json)
            throws IOException
    {
        return MAPPER.readValue(json, ExperimentReport.class);
    }
}
