package io.trinospot.exchange;

import org.apache.hadoop.conf.Configuration;

import static java.util.Objects.requireNonNull;

/** The Hadoop configuration the HDFS storage uses, as one injectable value. */
public record HdfsConfiguration(Configuration configuration)
{
    public HdfsConfiguration
    {
        requireNonNull(configuration, "configuration is null");
    }
}
