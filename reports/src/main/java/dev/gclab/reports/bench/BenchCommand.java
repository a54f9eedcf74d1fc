package dev.gclab.reports.bench;

import dev.gclab.reports.json.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code gclab bench}: runs the JMH suite ({@code benchmarks.jar}) in a child JVM, shows one progress
 * line per benchmark, then one table (a row per benchmark and parameters, named by {@link Features}).
 * Exit codes: 0; 1 JMH failed (its last lines are printed) or the JSON could not be written; 2 a usage
 * error (bad regex, unreadable or malformed baseline, no benchmarks jar).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the JMH benchmarks and print one table of the results (a row per feature).")
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "short iterations, one fork (about 2.5 minutes on 2 cores; numbers are rough)")
    boolean quick;

    @Option(names = "--filter", paramLabel = "REGEX", description = "only benchmarks whose name matches (JMH's regex, e.g. Allocation or 'RcBench.drop')")
    String filter;

    @Option(names = "--json", paramLabel = "FILE", description = "write the rows and machine facts to FILE (checked before JMH runs)")
    Path json;

    @Option(names = "--baseline", paramLabel = "FILE", description = "a file written by --json earlier: add a Δ column per row")
    Path baseline;

    @Option(names = "--bench-jar", paramLabel = "JAR", hidden = true,
        description = "the JMH uber-jar (default: system property gclab.benchJar, set by ./gclab)")
    Path benchJar;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Predicate<String> inFilter;
        try {
            Pattern p = filter == null ? null : Pattern.compile(filter);
            inFilter = p == null ? name -> true : name -> p.matcher(name).find();
        } catch (PatternSyntaxException e) {
            return usage(err, "--filter " + filter + ": not a regular expression (" + e.getDescription() + ")");
        }
        List<BenchRow> base = null;
        if (baseline != null) {
            try {
                base = BenchJson.readBaseline(baseline);
            } catch (BenchFormatException e) {
                return usage(err, e.getMessage());
            }
        }
        if (json != null && OutputFile.problem(json) != null) return usage(err, "--json: " + OutputFile.problem(json));
        Path jar = benchJar != null ? benchJar : System.getProperty("gclab.benchJar") != null ? Path.of(System.getProperty("gclab.benchJar")) : null;
        if (jar == null || !Files.isRegularFile(jar)) {
            return usage(err, (jar == null ? "no benchmarks jar given" : "no benchmarks jar at " + jar)
                + " (run './gclab bench', which builds it, or pass --bench-jar benchmarks/target/benchmarks.jar)");
        }
        boolean perf = Perf.available();
        if (!perf) out.println("perf not available here: no instruction counts");
        JmhRunner.Run run;
        try {
            List<JmhRunner.Pass> passes = JmhRunner.passes(jar, filter, quick);
            run = JmhRunner.run(jar, passes, perf, (filter != null ? ", filter " + filter : ""), line -> { out.println(line); out.flush(); });
        } catch (JmhRunner.FailedException e) {
            err.println("gclab: " + e.getMessage() + "; its last lines:");
            for (String l : e.tail()) err.println("  | " + l);
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        List<BenchRow> rows = new ArrayList<>();
        for (JmhResult r : run.results()) rows.add(BenchRow.of(r));
        out.println();
        out.print(BenchTable.format(rows, base, inFilter, perf));
        if (json != null) {
            try {
                BenchJson.write(json, rows, BenchJson.Machine.current(run.jdk(), run.vm()), run.settings()
                    + (filter != null ? " filter=" + filter : "") + (perf ? " -prof perfnorm" : ""));
            } catch (IOException e) {
                out.flush();
                err.println("gclab: cannot write " + json + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
                err.flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            out.println("results written to " + json);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private static int usage(PrintWriter err, String message) {
        err.println("gclab: " + message);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }
}
