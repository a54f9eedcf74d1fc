package dev.gclab.reports.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Whether Linux perf can count instructions here (for JMH's {@code -prof perfnorm}). */
public final class Perf {
    private Perf() {}

    private static final Pattern COUNT = Pattern.compile("(?m)^\\s*[0-9][0-9,.]*\\s+instructions");

    /** Runs {@code perf stat -e instructions true} once: available iff it exits 0 and reports a numeric count. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("perf", "stat", "-e", "instructions", "true").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && countsInstructions(out);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True if {@code perf stat}'s output has a numeric instructions count (not {@code <not supported>}). */
    static boolean countsInstructions(String perfStatOutput) {
        return COUNT.matcher(perfStatOutput).find();
    }
}
