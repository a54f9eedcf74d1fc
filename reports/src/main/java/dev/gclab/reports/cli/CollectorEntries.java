package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.runner.Experiment;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --collectors} entries of {@code compare} and {@code sweep}: comma-separated (the option
 * repeatable), each {@code name} or {@code name:key=value:key=value} (its own options, which win over
 * {@code -o}); none given means every registered collector by name. Empty names, an entry listed twice,
 * unknown collectors and options that are not {@code KEY=VALUE} are usage errors.
 */
final class CollectorEntries {
    private CollectorEntries() {}

    /** An entry as given (the label of its column, its file names, its report rows) and its experiment. */
    record Entry(String label, Experiment experiment) {}

    static List<Entry> parse(CommandLine cmd, List<String> collectors, ExperimentOptions opts, String workload, long seed) {
        List<String> entries = new ArrayList<>();
        if (collectors.isEmpty()) {
            for (CollectorProvider p : CollectorRegistry.all()) entries.add(p.name());
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String value : collectors) {
                for (String raw : value.split(",", -1)) { // -1: a trailing comma gives an empty name too
                    String n = raw.trim();
                    if (n.isEmpty()) throw usage(cmd, "Invalid value for option '--collectors': an empty collector name in " + Converters.shown(value));
                    if (!seen.add(n)) throw usage(cmd, "Invalid value for option '--collectors': " + n + " is listed twice");
                    entries.add(n);
                }
            }
        }
        if (entries.isEmpty()) throw usage(cmd, "no collectors are registered: nothing to run");
        List<Entry> list = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.split(":", -1);
            String n = parts[0].trim();
            CollectorRegistry.byName(n); // unknown: a usage error listing the valid names
            Experiment e = opts.experiment(n, workload, seed);
            if (parts.length > 1) {
                Map<String, String> own = new LinkedHashMap<>(e.collectorOptions());
                Set<String> keys = new LinkedHashSet<>();
                for (int i = 1; i < parts.length; i++) {
                    int eq = parts[i].indexOf('=');
                    String key = eq < 0 ? "" : parts[i].substring(0, eq).trim();
                    if (key.isEmpty()) throw usage(cmd, "Invalid value for option '--collectors': " + Converters.shown(parts[i]) + " in " + Converters.shown(entry) + " is not KEY=VALUE");
                    if (!keys.add(key)) throw usage(cmd, "Invalid value for option '--collectors': key '" + key + "' is given twice in " + Converters.shown(entry));
                    own.put(key, parts[i].substring(eq + 1).trim()); // the entry's own options win over -o
                }
                e = e.withCollectorOptions(own);
            }
            list.add(new Entry(entry, e));
        }
        return list;
    }

    private static ParameterException usage(CommandLine cmd, String message) { return new ParameterException(cmd, message); }
}
