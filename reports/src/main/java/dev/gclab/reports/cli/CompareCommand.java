package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.json.ComparisonJson;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ChildJvm;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.runner.WorkloadArgumentException;
import dev.gclab.reports.text.CompareTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code gclab compare}: the same seeded workload under several collectors, one fresh heap each,
 * and one table of the results (a column per collector). Prints the seed first (drawn at random when
 * none is given), then each run's progress, then the table; writes every run to one JSON file on
 * request. Names, parameters, every collector's options ({@code -o}, against a throwaway heap) and the
 * JSON file are all checked before the first run. A run that fails does not stop the others: the
 * table shows the runs that completed, each failure is reported, the exit code is 1 and no JSON file
 * is written.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Run one workload with one seed under several collectors and print one table.",
    sortOptions = false)
final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-w", "--workload"}, required = true, paramLabel = "NAME", description = "workload (see 'gclab list')")
    String workload;

    @Option(names = {"-c", "--collectors"}, paramLabel = "NAME[:K=V...][,...]",
        description = "collectors to compare, comma-separated (repeatable), in this order (default: every registered one, by name); "
            + "an entry may carry its own options, name:key=value:key=value, so one collector can be compared under several settings")
    List<String> collectors = new ArrayList<>();

    @Option(names = "--jvm", paramLabel = "child|same", defaultValue = "child",
        description = "run each collector in a JVM of its own (child, the default: no collector's result depends on which ran before it) "
            + "or all in this one (same)")
    String jvm;

    @Mixin
    ExperimentOptions opts = new ExperimentOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Experiment> experiments;
        try {
            experiments = prepare();
        } catch (ParameterException e) {
            throw e;
        } catch (Exception e) {
            return Failures.report(e, err, opts.stackTrace);
        }
        long s = experiments.getFirst().seed();
        List<String> labels = entryLabels;
        out.println("seed " + s + opts.seedNote(s));
        out.flush();
        List<RunResult> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int code = CommandLine.ExitCode.OK;
        for (int i = 0; i < experiments.size(); i++) {
            Experiment e = experiments.get(i);
            String name = labels.get(i);
            java.util.function.Consumer<String> progress = opts.quiet ? line -> {} : line -> { out.println("  " + name + ": " + line); out.flush(); };
            try {
                results.add(jvm.equals("same") ? new ExperimentRunner(progress).run(e) : ChildJvm.run(e, progress));
            } catch (WorkloadArgumentException ex) {
                out.flush();
                return Failures.report(ex, err, opts.stackTrace); // the same arguments for every collector: stop
            } catch (ChildJvm.ChildRunException ex) {
                out.flush();
                err.println("gclab: the run on " + name + " failed:");
                err.println("gclab: " + ex.getMessage());
                err.flush();
                code = Math.max(code, ex.exitCode() == CommandLine.ExitCode.USAGE ? CommandLine.ExitCode.SOFTWARE : ex.exitCode());
                failed.add(name);
            } catch (Throwable ex) {
                Failures.rethrowIfFatal(ex);
                out.flush();
                err.println("gclab: the run on " + name + " failed:");
                code = Math.max(code, Failures.report(ex, err, opts.stackTrace, s));
                failed.add(name);
            }
        }
        if (!results.isEmpty()) out.print(CompareTable.format(results));
        if (!failed.isEmpty()) {
            out.println("failed: " + String.join(", ", failed) + " (see the messages above)" + (opts.json != null ? "; no JSON written" : ""));
            out.flush();
            return code;
        }
        if (opts.json != null) {
            try {
                write(results);
            } catch (Exception ex) {
                out.flush();
                return Failures.report(ex, err, opts.stackTrace);
            }
            out.println("results written to " + opts.json);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /**
     * Checks everything before the first run: option values, the JSON file's place, names, workload
     * parameters and size, and every collector's options. Nothing runs and nothing is printed.
     *
     * @return one experiment per collector, in order
     */
    List<Experiment> prepare() {
        List<Experiment> list = experiments();
        for (Experiment e : list) ExperimentRunner.check(e);
        return list;
    }

    /** How each experiment is named in progress lines: its entry as given ({@code name} or {@code name:key=value}). */
    private List<String> entryLabels = List.of();

    private List<Experiment> experiments() {
        opts.validate(spec.commandLine());
        if (!jvm.equals("child") && !jvm.equals("same")) {
            throw usage("Invalid value for option '--jvm': " + Converters.shown(jvm) + "; valid values: child, same (values are case-sensitive)");
        }
        List<String> entries = new ArrayList<>();
        if (collectors.isEmpty()) {
            for (CollectorProvider p : CollectorRegistry.all()) entries.add(p.name());
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String value : collectors) {
                for (String raw : value.split(",", -1)) { // -1: a trailing comma gives an empty name too
                    String n = raw.trim();
                    if (n.isEmpty()) throw usage("Invalid value for option '--collectors': an empty collector name in " + Converters.shown(value));
                    if (!seen.add(n)) throw usage("Invalid value for option '--collectors': " + n + " is listed twice");
                    entries.add(n);
                }
            }
        }
        if (entries.isEmpty()) throw usage("no collectors are registered: nothing to compare");
        long s = opts.seedOrRandom();
        List<Experiment> list = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.split(":", -1);
            String n = parts[0].trim();
            CollectorRegistry.byName(n); // unknown: a usage error listing the valid names
            Experiment e = opts.experiment(n, workload, s);
            if (parts.length > 1) {
                Map<String, String> own = new LinkedHashMap<>(e.collectorOptions());
                Set<String> keys = new LinkedHashSet<>();
                for (int i = 1; i < parts.length; i++) {
                    int eq = parts[i].indexOf('=');
                    String key = eq < 0 ? "" : parts[i].substring(0, eq).trim();
                    if (key.isEmpty()) throw usage("Invalid value for option '--collectors': " + Converters.shown(parts[i]) + " in " + Converters.shown(entry) + " is not KEY=VALUE");
                    if (!keys.add(key)) throw usage("Invalid value for option '--collectors': key '" + key + "' is given twice in " + Converters.shown(entry));
                    own.put(key, parts[i].substring(eq + 1).trim()); // the entry's own options win over -o
                }
                e = e.withCollectorOptions(own);
            }
            list.add(e);
        }
        entryLabels = entries;
        return list;
    }

    private void write(List<RunResult> results) {
        try {
            ComparisonJson.write(results, opts.json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + opts.json + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }
}
