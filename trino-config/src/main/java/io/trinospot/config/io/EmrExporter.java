package io.trinospot.config.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trinospot.config.InvalidConfigurationException;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Defaults;
import io.trinospot.config.model.Problem;
import io.trinospot.config.validate.Validation;
import io.trinospot.config.validate.Validator;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static io.trinospot.config.model.Classifications.CORE_SITE;
import static io.trinospot.config.model.Classifications.EXCHANGE_MANAGER;
import static io.trinospot.config.model.Classifications.HDFS_SITE;
import static io.trinospot.config.validate.KnownKeys.EXCHANGE_MANAGER_NAME;
import static io.trinospot.config.validate.KnownKeys.FS_DEFAULT_FS;
import static java.util.Objects.requireNonNull;

/**
 * Produces the JSON for {@code aws emr create-cluster --configurations}. Keys are passed through as written
 * (EMR's Trino understands its own and the legacy keys), minus what only a self-managed cluster uses.
 */
public final class EmrExporter
{
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    // two-space indents, "key": value, one line per entry: the layout people write these files in
    private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    /** @param notes what was left out or may surprise on EMR, one finding each */
    public record Export(String json, Configurations configurations, List<Problem> notes)
    {
        public Export
        {
            requireNonNull(json, "json is null");
            requireNonNull(configurations, "configurations is null");
            notes = List.copyOf(requireNonNull(notes, "notes is null"));
        }
    }

    private EmrExporter() {}

    public static Export export(Configurations file)
            throws InvalidConfigurationException
    {
        Validation validation = Validator.validateForEmr(file);
        if (validation.hasErrors()) {
            throw new InvalidConfigurationException(validation.problems());
        }
        List<Problem> notes = new ArrayList<>(validation.problems());
        List<Classification> kept = new ArrayList<>();
        for (Classification classification : file.classifications()) {
            if (Classifications.isOwn(classification.name())) {
                notes.add(Problem.note(classification.name(), null, "left out: EMR rejects classifications it does not know; only render uses it"));
                continue;
            }
            if (classification.name().equals(EXCHANGE_MANAGER)
                    && classification.get(EXCHANGE_MANAGER_NAME).filter(Defaults.EXCHANGE_MANAGER_NAME::equals).isPresent()) {
                notes.add(Problem.note(EXCHANGE_MANAGER, EXCHANGE_MANAGER_NAME, "left out: EMR runs its own exchange manager; render sets it back"));
                classification = classification.without(EXCHANGE_MANAGER_NAME);
            }
            if ((classification.name().equals(CORE_SITE) || classification.name().equals(HDFS_SITE)) && classification.get(FS_DEFAULT_FS).isPresent()) {
                notes.add(Problem.warning(classification.name(), FS_DEFAULT_FS, "on EMR this replaces the cluster's own HDFS"));
            }
            kept.add(classification);
        }
        Configurations exported = new Configurations(kept);
        return new Export(toJson(exported), exported, notes);
    }

    static String toJson(Configurations configurations)
    {
        ArrayNode list = MAPPER.createArrayNode();
        configurations.classifications().forEach(c -> list.add(toJson(c)));
        try {
            return MAPPER.writer(PRINTER).writeValueAsString(list) + "\n";
        }
        catch (JsonProcessingException e) {
            // a tree of strings always serializes
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode toJson(Classification classification)
    {
        ObjectNode node = MAPPER.createObjectNode();
        node.put(ConfigurationsParser.CLASSIFICATION, classification.name());
        ObjectNode properties = node.putObject(ConfigurationsParser.PROPERTIES);
        classification.properties().forEach(properties::put);
        if (!classification.configurations().isEmpty()) {
            ArrayNode nested = node.putArray(ConfigurationsParser.CONFIGURATIONS);
            classification.configurations().forEach(c -> nested.add(toJson(c)));
        }
        return node;
    }
}
