package io.trinospot.fis.template;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class IsoDurationsTest
{
    @ParameterizedTest
    @CsvSource({"PT2M,120", "PT15M,900", "PT1M30S,90", "PT12H,43200", "P1D,86400", "P1DT1S,86401", "PT0S,0", "PT90S,90"})
    void parsesStrictForms(String text, long seconds)
    {
        assertThat(IsoDurations.parse(text)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "P", "PT", "pt2m", "PT2m", "PT-2M", "-PT2M", "PT2.5M", "PT2M ", " PT2M", "P1W", "P1M", "P1Y", "2M", "PT2H2H",
            "PT2S2M", "P1DT", "PT99999999999999999999S"})
    void rejectsEverythingElse(String text)
    {
        assertThat(IsoDurations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"120,PT2M", "90,PT1M30S", "0,PT0S", "43200,PT12H"})
    void formats(long seconds, String text)
    {
        assertThat(IsoDurations.format(Duration.ofSeconds(seconds))).isEqualTo(text);
    }
}
