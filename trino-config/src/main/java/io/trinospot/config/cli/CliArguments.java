package io.trinospot.config.cli;

import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** The parsed command line of one subcommand. */
record CliArguments(
        String command,
        Path configurations,
        Optional<Role> role,
        Optional<Path> out,
        List<PropertyOverride> overrides,
        boolean check)
{
    static final Set<String> COMMANDS = Set.of("render", "validate", "emr");

    CliArguments
    {
        requireNonNull(command, "command is null");
        requireNonNull(configurations, "configurations is null");
        requireNonNull(role, "role is null");
        requireNonNull(out, "out is null");
        overrides = List.copyOf(requireNonNull(overrides, "overrides is null"));
    }

    static CliArguments parse(String[] args)
            throws UsageException
    {
        if (args.length == 0) {
            throw new UsageException("no command given");
        }
        String command = args[0];
        if (!COMMANDS.contains(command)) {
            throw new UsageException("unknown command '" + command + "'; expected render, validate or emr");
        }
        String configurations = null;
        String role = null;
        String out = null;
        List<PropertyOverride> overrides = new ArrayList<>();
        boolean check = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String option = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                option = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            switch (option) {
                case "--check" -> {
                    if (value != null) {
                        throw new UsageException("--check takes no value");
                    }
                    check = true;
                }
                case "--configurations", "--role", "--out", "--set" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(option + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (option) {
                        case "--configurations" -> configurations = once(option, configurations, value);
                        case "--role" -> role = once(option, role, value);
                        case "--out" -> out = once(option, out, value);
                        default -> {
                            String text = value;
                            overrides.add(PropertyOverride.parse(text)
                                    .orElseThrow(() -> new UsageException("--set '" + text + "' is not [classification:]key=value")));
                        }
                    }
                }
                default -> throw new UsageException("unknown option '" + arg + "' for " + command);
            }
        }
        if (configurations == null) {
            throw new UsageException(command + " needs --configurations FILE");
        }
        Optional<Role> parsedRole = Optional.empty();
        if (role != null) {
            String text = role;
            parsedRole = Optional.of(Role.parse(text).orElseThrow(() -> new UsageException("--role must be coordinator or worker, not '" + text + "'")));
        }
        switch (command) {
            case "render" -> {
                if (parsedRole.isEmpty()) {
                    throw new UsageException("render needs --role coordinator|worker");
                }
                if (out == null) {
                    throw new UsageException("render needs --out DIR");
                }
            }
            case "validate" -> rejectIf(out != null || check, "validate takes no --out or --check");
            default -> rejectIf(out != null || check || role != null || !overrides.isEmpty(), "emr takes only --configurations");
        }
        return new CliArguments(command, Path.of(configurations), parsedRole, Optional.ofNullable(out).map(Path::of), overrides, check);
    }

    private static String once(String option, String previous, String value)
            throws UsageException
    {
        if (previous != null) {
            throw new UsageException(option + " given twice");
        }
        if (value.isEmpty()) {
            throw new UsageException(option + " needs a non-empty value");
        }
        return value;
    }

    private static void rejectIf(boolean condition, String message)
            throws UsageException
    {
        if (condition) {
            throw new UsageException(message);
        }
    }
}
