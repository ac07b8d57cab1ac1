package io.trinospot.fis.plan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeScaleTest
{
    @Test
    void aFactorAbove0AndAtMost1IsTaken()
    {
        assertThat(TimeScale.check(1)).isEqualTo(1);
        assertThat(TimeScale.check(0.25)).isEqualTo(0.25);
        assertThat(TimeScale.check(Double.MIN_VALUE)).isEqualTo(Double.MIN_VALUE);
    }

    @Test
    void anyOtherIsRefusedNamingIt()
    {
        assertThatThrownBy(() -> TimeScale.check(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("must be above 0 and at most 1, got 0.0");
        assertThatThrownBy(() -> TimeScale.check(-0.5)).hasMessageEndingWith("got -0.5");
        assertThatThrownBy(() -> TimeScale.check(1.0001)).hasMessageEndingWith("got 1.0001");
        assertThatThrownBy(() -> TimeScale.check(Double.NaN)).hasMessageEndingWith("got NaN");
        assertThatThrownBy(() -> TimeScale.check(Double.POSITIVE_INFINITY)).hasMessageEndingWith("got Infinity");
    }
}
