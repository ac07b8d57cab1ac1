package io.trinospot.cli.fis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A parsed command line: the command, its positional arguments, {@code --option value} pairs and {@code --flag}s.
 * Each command declares which options and flags it takes, so a typo is an error instead of being ignored.
 */
record CliArguments(String command, List<String> positional, Map<String, String> options, Set<String> flags)
{
    CliArguments
    {
        requireNonNull(command, "command is null");
        positional = List.copyOf(positional);
        options = Map.copyOf(options);
        flags = Set.copyOf(flags);
    }

    static CliArguments parse(String[] args, Set<String> optionNames, Set<String> flagNames)
            throws UsageException
    {
        if (args.length == 0) {
            throw new UsageException("no command given");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
            }
            else if (flagNames.contains(arg)) {
                flags.add(arg);
            }
            else if (optionNames.contains(arg)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException(arg + " needs a value");
                }
                if (options.put(arg, args[++i]) != null) {
                    throw new UsageException(arg + " given twice");
                }
            }
            else {
                throw new UsageException("'" + args[0] + "' does not take " + arg);
            }
        }
        return new CliArguments(args[0], positional, options, flags);
    }

    String single(String what)
            throws UsageException
    {
        if (positional.size() != 1) {
            throw new UsageException("'" + command + "' takes exactly one " + what + (positional.isEmpty() ? "" : ", got " + positional.size() + " arguments"));
        }
        return positional.getFirst();
    }

    Optional<String> option(String name)
    {
        return Optional.ofNullable(options.get(name));
    }

    String required(String name)
            throws UsageException
    {
        return option(name).orElseThrow(() -> new UsageException("'" + command + "' needs " + name));
    }

    boolean flag(String name)
    {
        return flags.contains(name);
    }
}
