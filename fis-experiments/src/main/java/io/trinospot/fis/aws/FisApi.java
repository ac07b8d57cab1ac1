package io.trinospot.fis.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The three FIS operations a run needs; {@link SignedFisClient} calls the real service. */
public interface FisApi
{
    /** CreateExperimentTemplate; returns the new template's id. */
    String createExperimentTemplate(ObjectNode template, String clientToken)
            throws FisException;

    /** StartExperiment from a template. */
    ExperimentStatus startExperiment(String templateId, String clientToken)
            throws FisException;

    /** GetExperiment. */
    ExperimentStatus getExperiment(String experimentId)
            throws FisException;
}
