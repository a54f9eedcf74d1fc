package dev.gclab.reports.text;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a long command ({@code sweep}, {@code compare}, {@code bench}, {@code anchors}) on standard
 * error: the phase, steps done of the total, the elapsed time and an estimate of the time left.
 *
 * <p>Two forms. On a terminal (standard error is one, and the environment has no {@code CI}), a
 * progress bar drawn by {@code me.tongfei:progressbar} in its ASCII style (its Unicode blocks garble
 * under a C locale), redrawn in place. Anywhere else (a file, a pipe, CI, the tests) one plain line per
 * step, which a log keeps readable:
 * <pre>
 * sweep [minimum heap] 3/20, elapsed 0:00:12, ETA 0:01:08: marksweep at 4.00 MiB completed
 * </pre>
 * The estimate is the mean time per step so far times the steps left; a phase whose total is only an
 * upper bound (a bisection that may end early) says so with {@code ~}. The bar's library asks JLine for the
 * terminal's width, which loads JLine's native code: the launcher allows it
 * ({@code --enable-native-access=ALL-UNNAMED}), so the JDK prints no warning about it. Lines the command prints on
 * standard output while a bar is shown go through {@link #println} so they do not tear the bar.
 */
public final class Progress implements AutoCloseable {
    /** How progress is shown. */
    public enum Mode { BAR, PLAIN, OFF }

    private final String command;
    private final Mode mode;
    private final PrintWriter plainOut;
    private final PrintStream barOut;
    private String phase;
    private long total;
    private boolean estimated;
    private long done;
    private long phaseStart;
    private ProgressBar bar;

    private Progress(String command, Mode mode, PrintWriter plainOut, PrintStream barOut) {
        this.command = command;
        this.mode = mode;
        this.plainOut = plainOut;
        this.barOut = barOut;
    }

    /**
     * Progress for {@code command}: a bar on this process's standard error when it is a terminal and
     * {@code CI} is not set, else plain lines to {@code err} (the command's error writer).
     */
    public static Progress start(String command, PrintWriter err) {
        return new Progress(command, detect(), err, System.err);
    }

    /** Progress in a given mode (tests; {@link Mode#OFF} shows nothing). */
    public static Progress of(String command, Mode mode, PrintWriter err) {
        return new Progress(command, mode, err, System.err);
    }

    /** {@link Mode#BAR} when standard error is a terminal and the environment has no {@code CI}; else {@link Mode#PLAIN}. */
    public static Mode detect() {
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false")) return Mode.PLAIN;
        return stderrIsTerminal() ? Mode.BAR : Mode.PLAIN;
    }

    private static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception e) {
            // not Linux, or no /proc: fall back to the console
        }
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    public Mode mode() { return mode; }

    /**
     * Starts a phase of {@code total} steps ({@code estimated}: the total is an upper bound that may not be
     * reached); a bar of the previous phase is finished.
     */
    public void phase(String name, long total, boolean estimated) {
        finishBar();
        this.phase = name;
        this.total = Math.max(0, total);
        this.estimated = estimated;
        this.done = 0;
        this.phaseStart = System.nanoTime();
        if (mode == Mode.BAR) {
            bar = new ProgressBarBuilder()
                .setTaskName(command + " [" + name + "]")
                .setInitialMax(this.total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(barOut))
                .build();
        }
    }

    /** The total of the current phase changed (a bisection ended early): the bar and the estimate follow. */
    public void total(long newTotal, boolean stillEstimated) {
        total = Math.max(done, newTotal);
        estimated = stillEstimated;
        if (bar != null) bar.maxHint(total);
    }

    /** One step of the current phase finished; {@code what} says which (shown beside the bar, or ending the plain line). */
    public void step(String what) { stepTo(done + 1, what); }

    /** The current phase reached {@code n} steps. */
    public void stepTo(long n, String what) {
        done = n;
        if (done > total) total = done;
        switch (mode) {
            case BAR -> {
                bar.maxHint(total);
                bar.stepTo(done);
                bar.setExtraMessage(what == null ? "" : what);
            }
            case PLAIN -> {
                plainOut.println(line(what));
                plainOut.flush();
            }
            case OFF -> { }
        }
    }

    /** The plain line of the current state. */
    String line(String what) {
        long elapsed = System.nanoTime() - phaseStart;
        String eta;
        if (done == 0) eta = "?";
        else eta = (estimated ? "~" : "") + clock(Math.max(0, elapsed / done * (total - done)));
        return String.format(Locale.ROOT, "%s [%s] %d/%s%d, elapsed %s, ETA %s%s", command, phase, done, estimated ? "~" : "", total,
            clock(elapsed), eta, what == null || what.isEmpty() ? "" : ": " + what);
    }

    /** {@code H:MM:SS}. */
    static String clock(long nanos) {
        long s = Duration.ofNanos(nanos).toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /**
     * Prints a line of the command's own output; with a bar on the same terminal the bar's line is cleared
     * first and drawn again after.
     */
    public void println(PrintWriter out, String line) {
        if (bar != null) {
            barOut.print("\r" + " ".repeat(100) + "\r");
            barOut.flush();
        }
        out.println(line);
        out.flush();
        if (bar != null) bar.refresh();
    }

    private void finishBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() { finishBar(); }
}
