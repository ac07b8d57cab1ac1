package io.trinospot.fis.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Duration;

/**
 * The report as JSON: durations as {@code m:ss} (milliseconds when there are any; ISO-8601 {@code PT2M} is read too),
 * instants as RFC 3339, absent optionals left out.
 */
public final class ReportJson
{
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            // added after JavaTimeModule, so its Duration handling wins
            .addModule(new SimpleModule("report-durations")
                    .addSerializer(Duration.class, new DurationSerializer())
                    .addDeserializer(Duration.class, new DurationDeserializer()))
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

    private static final class DurationSerializer
            extends StdScalarSerializer<Duration>
    {
        DurationSerializer()
        {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator generator, SerializerProvider provider)
                throws IOException
        {
            generator.writeString(ReportDurations.formatExact(value));
        }
    }

    private static final class DurationDeserializer
            extends StdScalarDeserializer<Duration>
    {
        DurationDeserializer()
        {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context)
                throws IOException
        {
            String text = parser.getValueAsString();
            if (text == null) {
                return (Duration) context.handleUnexpectedToken(Duration.class, parser);
            }
            try {
                return ReportDurations.parse(text.strip());
            }
            catch (IllegalArgumentException e) {
                return (Duration) context.handleWeirdStringValue(Duration.class, text, e.getMessage());
            }
        }
    }
}
