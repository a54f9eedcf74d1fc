package dev.gclab.gc.stats;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * gclab's JFR events, so JDK Mission Control shows the simulated heap's collections beside the JVM's own.
 * {@link GcStats} commits them when a recording has them enabled (a {@code jdk.jfr.Recording} of the
 * runner's {@code --jfr}, or {@code -XX:StartFlightRecording}); when none does, each pause costs one
 * {@code isEnabled()} check.
 *
 * <p>Collectors report a pause after it ended ({@code recordPause(kind, start)}), so an event's own JFR
 * start time is the end of the pause and its JFR duration zero, unless the collector called
 * {@link GcStats#startPause()} when the pause began; the fields {@code pauseStart} (time since the
 * collector was created, the timeline's clock) and {@code pauseDuration} always hold the real figures.
 */
public final class JfrEvents {
    private JfrEvents() {}

    /** One stop-the-world pause of a gclab collector. */
    @Name("dev.gclab.GcPause")
    @Label("gclab GC Pause")
    @Category({"gclab", "Collector"})
    @Description("A pause of a collector of gclab's simulated heap")
    @StackTrace(false)
    public static final class Pause extends Event {
        @Label("Kind")
        @Description("major (a full collection), minor (a young one) or step (one bounded step of an incremental cycle)")
        public String kind;

        @Label("Pause Start")
        @Description("When the pause began: time since the collector was created")
        @Timespan(Timespan.NANOSECONDS)
        public long pauseStart;

        @Label("Pause Duration")
        @Timespan(Timespan.NANOSECONDS)
        public long pauseDuration;

        @Label("Heap Used After")
        @Description("Bytes in use in the simulated heap when the pause ended")
        @DataAmount(DataAmount.BYTES)
        public long heapUsedAfter;
    }

    /** A phase inside a pause (roots, mark, copy, finalize, sweep, ...). */
    @Name("dev.gclab.GcPhase")
    @Label("gclab GC Phase")
    @Category({"gclab", "Collector"})
    @Description("A phase inside a pause of a collector of gclab's simulated heap")
    @StackTrace(false)
    public static final class PhaseEvent extends Event {
        @Label("Phase")
        public String phase;

        @Label("Phase Start")
        @Description("When the phase began: time since the collector was created")
        @Timespan(Timespan.NANOSECONDS)
        public long phaseStart;

        @Label("Phase Duration")
        @Timespan(Timespan.NANOSECONDS)
        public long phaseDuration;
    }
}
