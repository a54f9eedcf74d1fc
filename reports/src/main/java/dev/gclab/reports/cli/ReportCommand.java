package dev.gclab.reports.cli;

import dev.gclab.reports.json.ResultFormatException;
import dev.gclab.reports.report.HtmlReport;
import dev.gclab.reports.report.ReportInput;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gclab report FILE... -o report.html}: one self-contained HTML page ({@link HtmlReport}) from any
 * mix of run, compare and sweep files. Every input is read, and refused with its first problem, before
 * anything is written: a malformed or foreign file (exit 1) names the file; a {@code --baseline} that is
 * none of the inputs' collectors is a usage error (exit 2) listing those there are.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = "Write one self-contained HTML report (tables and SVG charts) from run, compare and sweep JSON files.")
final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "result files of gclab run, compare or sweep (--json)")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "the HTML file to write (parent directories are created)")
    Path out;

    @Option(names = "--baseline", paramLabel = "NAME",
        description = "the collector (label, e.g. marksweep or rc:counts=header) ratios are taken to (default: the first in the inputs)")
    String baseline;

    @Option(names = "--factor", paramLabel = "F",
        description = "the heap factor of a sweep shown in detail (default: the smallest at which every collector completed)")
    Double factor;

    @Option(names = "--stacktrace", description = "print the stack trace of a failure")
    boolean stackTrace;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ExperimentOptions.checkWritable(spec.commandLine(), "--out", out);
        List<ReportInput> inputs = new ArrayList<>();
        try {
            for (Path f : files) inputs.add(ReportInput.read(f));
        } catch (ResultFormatException e) {
            return Failures.report(e, err, stackTrace);
        }
        HtmlReport report = new HtmlReport(inputs, baseline == null ? null : baseline.trim(), factor);
        if (baseline != null && !report.labels().contains(baseline.trim())) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--baseline': " + Converters.shown(baseline)
                + " is none of the collectors in the inputs: " + String.join(", ", report.labels()));
        }
        try {
            String html = report.render();
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(out, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Failures.report(new java.io.UncheckedIOException("cannot write " + out + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e),
                err, stackTrace);
        } catch (RuntimeException e) {
            return Failures.report(e, err, stackTrace);
        }
        o.println("report written to " + out);
        o.flush();
        return CommandLine.ExitCode.OK;
    }
}
