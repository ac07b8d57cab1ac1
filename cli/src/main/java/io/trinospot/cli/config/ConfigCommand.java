package io.trinospot.cli.config;

import io.trinospot.cli.CommandGroup;
import io.trinospot.cli.CommandLines;
import io.trinospot.config.InvalidConfigurationException;
import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.io.EmrExporter;
import io.trinospot.config.io.EtcAccess;
import io.trinospot.config.io.EtcDiff;
import io.trinospot.config.io.EtcWriter;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Problem;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.Rendering;
import io.trinospot.config.render.TrinoEtcRenderer;
import io.trinospot.config.validate.Validation;
import io.trinospot.config.validate.Validator;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code trino-spot config render|validate|emr}. Exit codes: 0 fine (warnings allowed), 1 the configuration has errors
 * or (with --check) etc/ has drifted, 2 the command line is wrong. Every problem is one line.
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Render and validate Trino etc/ from EMR-style configuration classifications.",
        subcommands = {ConfigCommand.Render.class, ConfigCommand.Validate.class, ConfigCommand.Emr.class})
public final class ConfigCommand
        extends CommandGroup
{
    static final class Input
    {
        @Option(names = "--configurations", required = true, paramLabel = "FILE", description = "EMR configurations JSON (a list of classifications)")
        Path configurations;

        Configurations read(CommandSpec spec)
                throws InvalidConfigurationException
        {
            try {
                return ConfigurationsParser.parse(configurations);
            }
            catch (NoSuchFileException e) {
                throw CommandLines.usage(spec, "cannot read " + configurations + ": no such file");
            }
            catch (IOException e) {
                throw CommandLines.usage(spec, "cannot read " + configurations + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
    }

    static final class Overrides
    {
        @Option(names = "--set", paramLabel = "[CLASSIFICATION:]KEY=VALUE", converter = OverrideConverter.class,
                description = "override one property; without a classification it targets trino-config (config.properties)")
        List<PropertyOverride> overrides = new ArrayList<>();

        @Option(names = "--set-file", paramLabel = "[CLASSIFICATION:]KEY=FILE", converter = FileOverrideConverter.class,
                description = "like --set, with the value read from FILE (trailing line breaks dropped): keeps secrets off the command line")
        List<PropertyOverride> fromFiles = new ArrayList<>();

        /** --set values, then --set-file values (a later value for the same key wins). */
        List<PropertyOverride> all()
        {
            List<PropertyOverride> all = new ArrayList<>(overrides);
            all.addAll(fromFiles);
            return all;
        }
    }

    static final class OverrideConverter
            implements ITypeConverter<PropertyOverride>
    {
        @Override
        public PropertyOverride convert(String value)
        {
            return PropertyOverride.parse(value).orElseThrow(() -> new TypeConversionException("'" + value + "' is not [classification:]key=value"));
        }
    }

    static final class FileOverrideConverter
            implements ITypeConverter<PropertyOverride>
    {
        @Override
        public PropertyOverride convert(String value)
        {
            PropertyOverride reference = PropertyOverride.parse(value).orElseThrow(() -> new TypeConversionException("'" + value + "' is not [classification:]key=file"));
            Path file = Path.of(reference.value());
            try {
                return new PropertyOverride(reference.classification(), reference.key(), Files.readString(file).replaceFirst("[\\r\\n]+$", ""));
            }
            catch (NoSuchFileException e) {
                throw new TypeConversionException("cannot read " + file + ": no such file");
            }
            catch (IOException e) {
                throw new TypeConversionException("cannot read " + file + ": " + e.getClass().getSimpleName());
            }
        }
    }

    static final class RoleConverter
            implements ITypeConverter<Role>
    {
        @Override
        public Role convert(String value)
        {
            return Role.parse(value).orElseThrow(() -> new TypeConversionException("must be coordinator or worker, not '" + value + "'"));
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true, description = "Write one node's etc/ (or, with --check, show how it differs).")
    static final class Render
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Input input;
        @Mixin
        Overrides overrides;

        @Option(names = "--role", required = true, paramLabel = "coordinator|worker", converter = RoleConverter.class, description = "which node's etc/")
        Role role;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the etc/ directory to write")
        Path out;

        @Option(names = "--check", description = "write nothing; exit 1 when DIR differs from the configuration")
        boolean check;

        @Option(names = "--group", paramLabel = "GROUP", description = "the group Trino runs as: it may read the files that hold secrets "
                + "(0640, their directories 0750); without it they are the owner's alone (0600, 0700)")
        String group;

        @Override
        public Integer call()
        {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter stderr = spec.commandLine().getErr();
            try {
                EtcAccess access = group == null ? EtcAccess.OWNER : EtcAccess.group(group);
                Rendering rendering = TrinoEtcRenderer.renderWithReport(input.read(spec), role, overrides.all());
                print(rendering.problems(), stderr);
                if (check) {
                    EtcDiff diff = EtcDiff.compute(rendering.etc(), out, access);
                    stdout.print(diff.format(out.toString()));
                    if (!diff.isEmpty()) {
                        stderr.println(Problem.error("output", null, out + " differs from the configuration in " + diff.changes().size() + " file(s)").line());
                        return CommandLines.FAILED;
                    }
                    stdout.println(out + " is up to date");
                    return CommandLines.OK;
                }
                EtcWriter.Result result = EtcWriter.write(rendering.etc(), out, access);
                stdout.print(result.diff().format(out.toString()));
                stdout.println(result.changed()
                        ? "wrote " + out + " (" + result.diff().changes().size() + " file(s) changed)"
                        : out + " is up to date");
                return CommandLines.OK;
            }
            catch (InvalidConfigurationException e) {
                print(e.problems(), stderr);
                return CommandLines.FAILED;
            }
            catch (IOException e) {
                stderr.println(Problem.error("output", null, "cannot write " + out + ": " + e.getClass().getSimpleName() + " " + e.getMessage()).line());
                return CommandLines.FAILED;
            }
            finally {
                // a diff is printed without a line end of its own
                stdout.flush();
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a configuration; print every problem, one per line.")
    static final class Validate
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Input input;
        @Mixin
        Overrides overrides;

        @Option(names = "--role", paramLabel = "coordinator|worker", converter = RoleConverter.class, description = "check one node's view only")
        Role role;

        @Override
        public Integer call()
        {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter stderr = spec.commandLine().getErr();
            try {
                Validation validation = Validator.validate(input.read(spec), Optional.ofNullable(role), overrides.all());
                print(validation.problems(), stderr);
                if (validation.hasErrors()) {
                    return CommandLines.FAILED;
                }
                long warnings = validation.problems().size();
                stdout.println("ok: no errors" + (warnings > 0 ? " (" + warnings + " warning(s) and note(s))" : ""));
                return CommandLines.OK;
            }
            catch (InvalidConfigurationException e) {
                print(e.problems(), stderr);
                return CommandLines.FAILED;
            }
        }
    }

    @Command(name = "emr", mixinStandardHelpOptions = true, description = "Print the configuration as the JSON to give EMR (aws emr create-cluster --configurations).")
    static final class Emr
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Input input;

        @Override
        public Integer call()
        {
            try {
                EmrExporter.Export export = EmrExporter.export(input.read(spec));
                print(export.notes(), spec.commandLine().getErr());
                spec.commandLine().getOut().print(export.json());
                spec.commandLine().getOut().flush();
                return CommandLines.OK;
            }
            catch (InvalidConfigurationException e) {
                print(e.problems(), spec.commandLine().getErr());
                return CommandLines.FAILED;
            }
        }
    }

    private static void print(List<Problem> problems, PrintWriter err)
    {
        problems.forEach(problem -> err.println(problem.line()));
    }
}
