package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.json.ComparisonJson;
import dev.gclab.reports.runner.Experiment;
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
import java.util.LinkedHashSet;
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

    @Option(names = {"-c", "--collectors"}, paramLabel = "NAME[,NAME...]",
        description = "collectors to compare, comma-separated (repeatable), in this order (default: every registered one, by name)")
    List<String> collectors = new ArrayList<>();

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
        out.println("seed " + s + opts.seedNote(s));
        out.flush();
        List<RunResult> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int code = CommandLine.ExitCode.OK;
        for (Experiment e : experiments) {
            String name = e.collector();
            try {
                ExperimentRunner runner = new ExperimentRunner(opts.quiet ? line -> {} : line -> { out.println("  " + name + ": " + line); out.flush(); });
                results.add(runner.run(e));
            } catch (WorkloadArgumentException ex) {
                out.flush();
                return Failures.report(ex, err, opts.stackTrace); // the same arguments for every collector: stop
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

    private List<Experiment> experiments() {
        opts.validate(spec.commandLine());
        List<String> names = new ArrayList<>();
        if (collectors.isEmpty()) {
            for (CollectorProvider p : CollectorRegistry.all()) names.add(p.name());
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String value : collectors) {
                for (String raw : value.split(",", -1)) { // -1: a trailing comma gives an empty name too
                    String n = raw.trim();
                    if (n.isEmpty()) throw usage("Invalid value for option '--collectors': an empty collector name in " + Converters.shown(value));
                    CollectorRegistry.byName(n); // unknown: a usage error listing the valid names
                    if (!seen.add(n)) throw usage("Invalid value for option '--collectors': " + n + " is listed twice");
                    names.add(n);
                }
            }
        }
        if (names.isEmpty()) throw usage("no collectors are registered: nothing to compare");
        long s = opts.seedOrRandom();
        List<Experiment> list = new ArrayList<>();
        for (String n : names) list.add(opts.experiment(n, workload, s));
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
