package dev.gclab.reports.cli;

import dev.gclab.reports.json.ResultJson;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.text.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * {@code gclab run}: one experiment. Prints the seed first (drawn at random when none is given, so
 * that a failing run can be repeated), then the readable summary, and writes the JSON result on
 * request. Failures become a message and exit code through {@link Failures}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Run one workload under one collector and report pauses, times and work counters.",
    sortOptions = false)
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-c", "--collector"}, required = true, paramLabel = "NAME", description = "collector (see 'gclab list')")
    String collector;

    @Option(names = {"-w", "--workload"}, required = true, paramLabel = "NAME", description = "workload (see 'gclab list')")
    String workload;

    @Mixin
    ExperimentOptions opts = new ExperimentOptions();

    /** For {@code compare}'s child JVMs: print only the workload's progress lines (the parent prints the table). */
    @Option(names = "--progress-only", hidden = true)
    boolean progressOnly;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Experiment experiment;
        try {
            experiment = prepare();
        } catch (ParameterException e) {
            throw e;
        } catch (Exception e) {
            return Failures.report(e, spec.commandLine().getErr(), opts.stackTrace);
        }
        try {
            if (!progressOnly) out.println("seed " + experiment.seed() + opts.seedNote(experiment.seed()));
            out.flush();
            RunResult result = new ExperimentRunner(opts.quiet ? line -> {} : line -> { out.println((progressOnly ? "" : "  ") + line); out.flush(); })
                .run(experiment);
            if (!progressOnly) out.print(RunSummary.format(result));
            if (opts.json != null) {
                write(result);
                if (!progressOnly) out.println("result written to " + opts.json);
            }
            out.flush();
            return 0;
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            out.flush();
            return Failures.report(t, spec.commandLine().getErr(), opts.stackTrace, experiment.seed());
        }
    }

    /**
     * Checks everything before any work: option values, the JSON file's place, names, workload
     * parameters and size, the collector's options. Nothing runs and nothing is printed.
     *
     * @return the experiment to run
     */
    Experiment prepare() {
        opts.validate(spec.commandLine());
        Experiment e = opts.experiment(collector, workload, opts.seedOrRandom());
        ExperimentRunner.check(e);
        return e;
    }

    private void write(RunResult result) {
        try {
            ResultJson.write(result, opts.json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + opts.json + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }
}
