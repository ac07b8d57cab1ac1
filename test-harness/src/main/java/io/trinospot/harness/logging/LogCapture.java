package io.trinospot.harness.logging;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the formatted messages one class logs through java.util.logging (where the agent's System.Logger and
 * airlift's Logger both end up), so a test can check what an operator would read.
 */
public final class LogCapture
        implements AutoCloseable
{
    private final Logger logger;
    private final Level previousLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler()
    {
        @Override
        public void publish(LogRecord record)
        {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    public LogCapture(Class<?> source)
    {
        // Held in a field: java.util.logging keeps loggers only weakly.
        logger = Logger.getLogger(source.getName());
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Each message with its level first, e.g. {@code WARNING drain for ...}. */
    public List<String> messages()
    {
        return records.stream().map(record -> record.getLevel() + " " + text(record)).toList();
    }

    /** Each message alone. */
    public List<String> texts()
    {
        return records.stream().map(LogCapture::text).toList();
    }

    private static String text(LogRecord record)
    {
        return record.getParameters() == null || record.getParameters().length == 0
                ? record.getMessage()
                : MessageFormat.format(record.getMessage(), record.getParameters());
    }

    @Override
    public void close()
    {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }
}
