package dev.gclab.reports.cli;

import dev.gclab.reports.export.JfrFile;
import dev.gclab.reports.export.PerRunFiles;
import dev.gclab.reports.export.TidyCsv;
import dev.gclab.reports.export.TraceEvents;
import dev.gclab.reports.text.Progress;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Mixin
    TimelineOptions timelines = new TimelineOptions();

    @Option(names = "--csv", paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "also write the results as tidy CSV: one row per (run, metric)")
    Path csv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CollectorEntries.Entry> entries;
        try {
            entries = prepare();
        } catch (ParameterException e) {
            throw e;
        } catch (Exception e) {
            return Failures.report(e, err, opts.stackTrace);
        }
        long s = entries.getFirst().experiment().seed();
        out.println("seed " + s + opts.seedNote(s));
        out.flush();
        List<RunResult> results = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int code = CommandLine.ExitCode.OK;
        try (Progress progress = Progress.start("compare", err)) {
            progress.phase("runs", entries.size(), false);
            for (CollectorEntries.Entry entry : entries) {
                Experiment e = entry.experiment();
                String name = entry.label();
                java.util.function.Consumer<String> lines = opts.quiet ? line -> {} : line -> progress.println(out, "  " + name + ": " + line);
                Path jfr = timelines.jfr == null ? null : PerRunFiles.forLabel(timelines.jfr, name);
                try {
                    RunResult r;
                    if (jvm.equals("same")) {
                        if (jfr != null) {
                            try (var recording = JfrFile.start(jfr)) {
                                r = new ExperimentRunner(lines).run(e);
                            }
                        } else {
                            r = new ExperimentRunner(lines).run(e);
                        }
                    } else {
                        r = ChildJvm.run(e, lines, jfr == null ? List.of() : List.of("--jfr=" + jfr));
                    }
                    results.add(r);
                    labels.add(name);
                    progress.step(name + " done");
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
                    progress.step(name + " failed");
                } catch (Throwable ex) {
                    Failures.rethrowIfFatal(ex);
                    out.flush();
                    err.println("gclab: the run on " + name + " failed:");
                    code = Math.max(code, Failures.report(ex, err, opts.stackTrace, s));
                    failed.add(name);
                    progress.step(name + " failed");
                }
            }
        }
        if (!results.isEmpty()) out.print(CompareTable.format(results));
        if (!failed.isEmpty()) {
            out.println("failed: " + String.join(", ", failed) + " (see the messages above)" + (opts.json != null ? "; no JSON written" : ""));
            out.flush();
            return code;
        }
        try {
            if (opts.json != null) {
                write(results);
                out.println("results written to " + opts.json);
            }
            if (csv != null) {
                TidyCsv.write(results.stream().map(TidyCsv.Row::of).toList(), csv);
                out.println("CSV written to " + csv);
            }
            List<TraceEvents.Labeled> labeled = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) labeled.add(new TraceEvents.Labeled(labels.get(i), results.get(i)));
            for (String line : timelines.write(labeled, true)) out.println(line);
            if (timelines.jfr != null) {
                for (String l : labels) out.println("JFR recording written to " + PerRunFiles.forLabel(timelines.jfr, l));
            }
        } catch (Exception ex) {
            out.flush();
            return Failures.report(ex, err, opts.stackTrace);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /**
     * Checks everything before the first run: option values, the output files' places, names, workload
     * parameters and size, and every collector's options. Nothing runs and nothing is printed.
     *
     * @return one entry per collector, in order
     */
    List<CollectorEntries.Entry> prepare() {
        opts.validate(spec.commandLine());
        timelines.validate(spec.commandLine());
        if (csv != null) ExperimentOptions.checkWritable(spec.commandLine(), "--csv", csv);
        if (!jvm.equals("child") && !jvm.equals("same")) {
            throw usage("Invalid value for option '--jvm': " + Converters.shown(jvm) + "; valid values: child, same (values are case-sensitive)");
        }
        List<CollectorEntries.Entry> list = CollectorEntries.parse(spec.commandLine(), collectors, opts, workload, opts.seedOrRandom());
        for (CollectorEntries.Entry e : list) ExperimentRunner.check(e.experiment());
        return list;
    }

    private void write(List<RunResult> results) {
        try {
            ComparisonJson.write(results, Provenance.commandLine(spec), opts.json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + opts.json + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }
}
