package io.trinospot.fis.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How many of the resources a target identifies an action runs on: {@code ALL}, {@code COUNT(n)} or {@code PERCENT(n)}. */
public sealed interface SelectionMode
{
    int MAX_PERCENT = 100;

    record All()
            implements SelectionMode
    {
        @Override
        public String text()
        {
            return "ALL";
        }
    }

    record Count(int count)
            implements SelectionMode
    {
        public Count
        {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
        }

        @Override
        public String text()
        {
            return "COUNT(" + count + ")";
        }
    }

    record Percent(int percent)
            implements SelectionMode
    {
        public Percent
        {
            if (percent < 1 || percent > MAX_PERCENT) {
                throw new IllegalArgumentException("percent must be between 1 and 100");
            }
        }

        @Override
        public String text()
        {
            return "PERCENT(" + percent + ")";
        }
    }

    /** The form FIS accepts. */
    String text();

    /** Parses a selection mode, or throws with the one-line reason the text is not one. */
    static SelectionMode parse(String text)
    {
        if (text.equals("ALL")) {
            return new All();
        }
        Matcher matcher = Pattern.compile("(COUNT|PERCENT)\\(([0-9]{1,9})\\)").matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("must be ALL, COUNT(n) or PERCENT(n), got '" + text + "'");
        }
        int n = Integer.parseInt(matcher.group(2));
        if (matcher.group(1).equals("COUNT")) {
            if (n < 1) {
                throw new IllegalArgumentException("COUNT(n) needs n of at least 1, got " + n);
            }
            return new Count(n);
        }
        if (n < 1 || n > MAX_PERCENT) {
            throw new IllegalArgumentException("PERCENT(n) needs n between 1 and 100, got " + n);
        }
        return new Percent(n);
    }
}
