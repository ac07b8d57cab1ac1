package io.trinospot.watcher.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the formatted messages one class logs (the agent's System.Logger goes to java.util.logging), so a test
 * can check what an operator would read.
 */
public final class LogCapture
        implements AutoCloseable
{
    private final Logger logger;
    private final Level previousLevel;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler()
    {
        @Override
        public void publish(LogRecord record)
        {
            String message = record.getParameters() == null || record.getParameters().length == 0
                    ? record.getMessage()
                    : MessageFormat.format(record.getMessage(), record.getParameters());
            messages.add(record.getLevel() + " " + message);
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

    public List<String> messages()
    {
        return List.copyOf(messages);
    }

    @Override
    public void close()
    {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }
}
