package io.trinospot.fis.report;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportDurationsTest
{
    @Test
    void formatsMinutesAndSeconds()
    {
        assertThat(ReportDurations.format(Duration.ZERO)).isEqualTo("0:00");
        assertThat(ReportDurations.format(Duration.ofSeconds(123))).isEqualTo("2:03");
        assertThat(ReportDurations.format(Duration.ofMillis(59_999))).isEqualTo("0:59");
        assertThat(ReportDurations.format(Duration.ofMinutes(75))).isEqualTo("75:00");
        assertThat(ReportDurations.format(Duration.ofSeconds(-5))).isEqualTo("-0:05");
    }

    @Test
    void exactFormKeepsMillisecondsAndReadsBack()
    {
        assertThat(ReportDurations.formatExact(Duration.ofSeconds(140))).isEqualTo("2:20");
        assertThat(ReportDurations.formatExact(Duration.ofMillis(25_500))).isEqualTo("0:25.500");
        for (Duration duration : new Duration[] {Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(61_007), Duration.ofHours(2)}) {
            assertThat(ReportDurations.parse(ReportDurations.formatExact(duration))).isEqualTo(duration);
        }
    }

    @Test
    void readsIsoFromOlderReports()
    {
        assertThat(ReportDurations.parse("PT2M3S")).isEqualTo(Duration.ofSeconds(123));
        assertThat(ReportDurations.parse("PT0.5S")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesAnythingElse()
    {
        for (String text : new String[] {"2:60", "2m", "", ":30", "1:5", "1:05.5"}) {
            assertThatThrownBy(() -> ReportDurations.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
