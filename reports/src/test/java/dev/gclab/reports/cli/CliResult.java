package dev.gclab.reports.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One CLI invocation's exit code and captured output, as {@code new CommandLine(new GclabCli()).execute(args)} gives them. */
record CliResult(int code, String out, String err) {
    static CliResult run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new GclabCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliResult(code, out.toString(), err.toString());
    }

    @Override
    public String toString() { return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err; }
}
