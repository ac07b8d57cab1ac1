package io.trinospot.watcher.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** README.md's settings table is the documentation of {@link WatcherSettings}: same keys, same order, same defaults. */
class TestWatcherSettingsReadme
{
    private static final Pattern ROW = Pattern.compile("^\\| `(watcher\\.[^`]+)` \\| ([^|]+) \\|");

    @Test
    void settingsTableListsEveryKeyInOrderWithItsDefault()
            throws IOException
    {
        Map<String, String> table = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                table.put(row.group(1), row.group(2).strip());
            }
        }
        assertThat(List.copyOf(table.keySet())).isEqualTo(WatcherSettings.all().stream().map(WatcherSettings.Setting::key).toList());
        List<String> wrongDefaults = new ArrayList<>();
        for (WatcherSettings.Setting setting : WatcherSettings.all()) {
            String documented = table.get(setting.key());
            boolean agrees = setting.defaultValue()
                    .map(value -> documented.equals("`" + value + "`"))
                    // no default: the README says where the value comes from instead
                    .orElse(!documented.startsWith("`"));
            if (!agrees) {
                wrongDefaults.add(setting.key() + " documented as " + documented + ", default " + setting.defaultValue().orElse("(none)"));
            }
        }
        assertThat(wrongDefaults).isEmpty();
    }
}
