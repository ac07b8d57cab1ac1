package io.trinospot.config;

import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.model.Configurations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.trinospot.config.TestConfigs.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Structural problems of the JSON file, each with its exact message. */
class ParserTest
{
    record Case(String name, String json, List<String> expected)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static Stream<Case> malformed()
    {
        return Stream.of(
                new Case("empty", "", List.of("error: [input] empty input; expected a JSON list of classifications")),
                new Case("not a list", "{\"Classification\": \"trino-config\"}",
                        List.of("error: [input] expected a JSON list of classifications, got an object")),
                new Case("syntax", "[{\"Classification\": \"trino-config\",}]",
                        List.of("error: [input] not valid JSON at line 1, column 36: Unexpected character ('}' (code 125)): was expecting double-quote to start field name")),
                new Case("trailing content", "[] []",
                        List.of("error: [input] not valid JSON at line 1, column 4: Trailing token (of type START_ARRAY) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`")),
                new Case("duplicate key", "[{\"Classification\": \"a\", \"Classification\": \"b\"}]",
                        List.of("error: [input] not valid JSON at line 1, column 42: Duplicate field 'Classification'")),
                new Case("element not an object", "[\"trino-config\"]",
                        List.of("error: [input] [0]: expected an object with Classification and Properties, got a string")),
                new Case("missing classification", "[{\"Properties\": {}}]",
                        List.of("error: [input] [0]: Classification must be a non-empty string, got nothing")),
                new Case("classification not a string", "[{\"Classification\": 7}]",
                        List.of("error: [input] [0]: Classification must be a non-empty string, got a number")),
                new Case("unknown field", "[{\"Classification\": \"trino-config\", \"Propertys\": {}}]",
                        List.of("error: [trino-config] unknown field 'Propertys'; expected Classification, Properties and Configurations")),
                new Case("properties not an object", "[{\"Classification\": \"trino-config\", \"Properties\": [\"a=b\"]}]",
                        List.of("error: [trino-config] Properties must be an object of string values, got a list")),
                new Case("number value", "[{\"Classification\": \"trino-config\", \"Properties\": {\"http-server.http.port\": 8080}}]",
                        List.of("error: [trino-config] http-server.http.port: value must be a JSON string (EMR accepts only strings), got a number")),
                new Case("boolean and null values", "[{\"Classification\": \"trino-exchange-manager\", \"Properties\": {\"exchange.use-local-hdfs\": true, \"x\": null}}]",
                        List.of("error: [trino-exchange-manager] exchange.use-local-hdfs: value must be a JSON string (EMR accepts only strings), got a boolean",
                                "error: [trino-exchange-manager] x: value must be a JSON string (EMR accepts only strings), got null")),
                new Case("empty key", "[{\"Classification\": \"trino-config\", \"Properties\": {\"\": \"x\"}}]",
                        List.of("error: [trino-config] a property key is empty")),
                new Case("duplicate classification", "[{\"Classification\": \"trino-config\"}, {\"Classification\": \"trino-config\"}]",
                        List.of("error: [trino-config] appears more than once; EMR accepts each classification once per list")),
                new Case("configurations not a list", "[{\"Classification\": \"trino-config\", \"Configurations\": {}}]",
                        List.of("error: [trino-config] Configurations must be a list, got an object")),
                new Case("nested element broken", "[{\"Classification\": \"trino-config\", \"Configurations\": [1]}]",
                        List.of("error: [input] [0].trino-config[0]: expected an object with Classification and Properties, got a number")),
                new Case("every problem at once", "[1, {\"Classification\": \"\"}, {\"Classification\": \"trino-node\", \"Properties\": {\"a\": 1}}]",
                        List.of("error: [input] [0]: expected an object with Classification and Properties, got a number",
                                "error: [input] [1]: Classification must be a non-empty string, got a string",
                                "error: [trino-node] a: value must be a JSON string (EMR accepts only strings), got a number")),
                new Case("raw control character", "[{\"Classification\": \"trino-config\", \"Properties\": {\"a\": \"\u00ff\"}}]".replace('\u00ff', '\u0000'),
                        List.of("error: [input] not valid JSON at line 1, column 58: Illegal unquoted character ((CTRL-CHAR, code 0)): has to be escaped using backslash to be included in string value")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void reportsStructure(Case malformed)
    {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, () -> ConfigurationsParser.parse(malformed.json()));
        assertThat(e).as("no exception for %s", malformed.name()).isNotNull();
        assertThat(lines(e.problems())).containsExactlyElementsOf(malformed.expected());
    }

    @Test
    void invalidUtf8IsOneCleanLine()
    {
        byte[] bytes = {'[', '{', '"', 'C', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}', ']'};
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, () -> ConfigurationsParser.parse(bytes));
        assertThat(lines(e.problems())).singleElement().asString().startsWith("error: [input] not valid JSON").doesNotContain("\n");
    }

    @Test
    void keepsOrderAndValues()
            throws Exception
    {
        Configurations configurations = ConfigurationsParser.parse("""
                [{"Classification": "trino-config", "Properties": {"b": "2", "a": "1"}},
                 {"Classification": "trino-node"}]
                """);
        assertThat(configurations.classifications()).extracting(c -> c.name()).containsExactly("trino-config", "trino-node");
        assertThat(configurations.find("trino-config").orElseThrow().properties().keySet()).containsExactly("b", "a");
        assertThat(configurations.find("trino-node").orElseThrow().properties()).isEmpty();
    }
}
