package dev.gclab.reports.cli;

import dev.gclab.reports.runner.Experiment;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.stream.Collectors;

/** The command line a result file records: {@code gclab} and the arguments exactly as given, shell-quoted where needed. */
final class Provenance {
    private Provenance() {}

    static String commandLine(CommandSpec spec) {
        var pr = spec.root().commandLine().getParseResult();
        List<String> args = pr != null ? pr.originalArgs() : List.of();
        if (args.isEmpty() && spec.commandLine().getParseResult() != null) args = spec.commandLine().getParseResult().originalArgs();
        return "gclab" + args.stream().map(a -> " " + Experiment.shellQuoted(a)).collect(Collectors.joining());
    }
}
