package io.trinospot.fis.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The FIS operations a run needs; {@link SignedFisClient} calls the real service. */
public interface FisApi
{
    /** CreateExperimentTemplate with the template as written and this idempotency token; returns the new template's id. */
    String createExperimentTemplate(ObjectNode template, String clientToken)
            throws FisException, InterruptedException;

    /** StartExperiment from a template; the same token again returns the experiment already started. */
    ExperimentStatus startExperiment(String templateId, String clientToken)
            throws FisException, InterruptedException;

    /** GetExperiment. */
    ExperimentStatus getExperiment(String experimentId)
            throws FisException, InterruptedException;

    /** StopExperiment: FIS stops the actions in flight; the experiment ends as stopped. */
    ExperimentStatus stopExperiment(String experimentId)
            throws FisException, InterruptedException;
}
