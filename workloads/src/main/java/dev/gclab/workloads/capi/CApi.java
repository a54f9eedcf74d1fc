package dev.gclab.workloads.capi;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.workloads.Numbers;
import dev.gclab.workloads.ParamValues;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadParam.ChoiceParam;
import dev.gclab.workloads.WorkloadParam.DecimalParam;
import dev.gclab.workloads.WorkloadParam.IntegerParam;

import java.util.List;
import java.util.Map;

/**
 * {@code capi}: a simulated C extension module calling into the heap through proxy handles only, as
 * HPy's (or PyPy cpyext's) extensions do — the workload behind gclab's founding question, what a C API
 * costs a collector that moves objects.
 *
 * <p>The "Python side" holds a table ({@code ref[]}, a global) of long-lived objects: {@code long[]}
 * buffers of 4 to {@code words} elements (several size classes), each holding its id, a version and
 * data derived from both. The "extension" holds handle numbers, never addresses:
 * <ul>
 *   <li>per call, {@code borrowed} arguments: handles created for table objects on entry and released on
 *       exit (HPy's borrowed/closed-per-call handles); the call dereferences each one (valid until the
 *       next safe point), checks its data, allocates a tuple of them (a safe point: the addresses are
 *       read again through the handles afterwards), and looks one entry of its cache up;</li>
 *   <li>an owned cache of {@code cache} handles kept across calls; {@code evict} percent of the calls
 *       evict one entry (its handle is released) and put a new object there — created by the call,
 *       also stored into the table in place of an old object (long-lived churn that leaves holes);</li>
 *   <li>buffer windows (the buffer protocol): {@code buffer} percent of the calls pin a cache entry's
 *       handle ({@code pinHandle}), hold its raw address across {@code window} allocations (safe points,
 *       where collections run), reading and rewriting its data through the raw pointer after each, and
 *       unpin it;</li>
 *   <li>{@code pinned_fraction} of the table's objects are pinned for the whole run through owned handles
 *       (objects a C library keeps), their raw addresses recorded.</li>
 * </ul>
 * At the end the run collects and checks, throwing {@link IllegalStateException} if any fails: every
 * object reached through the table, a cache handle or a pinned handle holds its id and the data of its
 * last version (a moved object must be intact), and every pinned object is where it was pinned (and was,
 * at every window, where its window began). Then it closes the windows and releases every handle.
 *
 * <p>{@code access=raw} runs the same calls with raw addresses where handles were (no handle is created,
 * no window opened; the cache's objects are kept alive by a {@code ref[]} beside it instead of by their
 * handles): the price a C API pays for moving is the difference. Raw addresses held across safe points
 * are valid only under a collector that never moves objects, so it is refused on one that does.
 *
 * <p>Seeded: every choice comes from the run's seed. Size 1.0 is {@value #CALLS} calls per round over
 * {@value #OBJECTS} long-lived objects; calls, objects and the cache scale with {@code size}.
 */
public final class CApi implements Workload {
    static final String NAME = "capi";
    static final int CALLS = 20_000;
    static final int OBJECTS = 20_000;
    static final int MAX_ARRAY = (int) ((HeapMemory.CHUNK_BYTES - ObjectModel.HEADER_BYTES) / 8);

    private static final List<WorkloadParam> PARAMS = List.of(
        IntegerParam.of("rounds", 1, 1_000_000, 10, "rounds of calls (not scaled by size)"),
        IntegerParam.of("calls", 1, 1_000_000_000, CALLS, "calls per round at size 1.0"),
        IntegerParam.of("borrowed", 0, 64, 2, "handles borrowed per call (the call's arguments)"),
        IntegerParam.of("objects", 1, MAX_ARRAY, OBJECTS, "long-lived objects in the Python-side table at size 1.0"),
        IntegerParam.of("words", 4, 4096, 16, "the most elements of a long-lived object's long[] (from 4 up to this)"),
        IntegerParam.of("cache", 1, MAX_ARRAY, 1_000, "owned handles in the extension's cache at size 1.0"),
        IntegerParam.of("evict", 0, 100, 5, "percent of calls that evict a cache entry and create a new object in its place"),
        IntegerParam.of("buffer", 0, 100, 10, "percent of calls that open a buffer window (pin, touch the data, unpin)"),
        IntegerParam.of("window", 0, 1_000_000, 8, "allocations (safe points) while a buffer window is open, the data touched after each"),
        new DecimalParam("pinned_fraction", 0, 1, "0", "share of the long-lived objects pinned through owned handles for the whole run"),
        new ChoiceParam("access", List.of("handles", "raw"), "handles",
            "handles: the extension holds handles only; raw: raw addresses instead (non-moving collectors only)"));

    /**
     * The counts of one run.
     *
     * @param rounds         rounds of calls
     * @param calls          calls per round
     * @param borrowed       handles borrowed per call
     * @param objects        long-lived objects in the table
     * @param words          the most elements of a long-lived object
     * @param cache          owned handles in the cache
     * @param evictPercent   percent of calls that evict a cache entry
     * @param bufferPercent  percent of calls that open a buffer window
     * @param window         allocations while a window is open
     * @param pinned         table objects pinned for the whole run
     * @param raw            raw addresses instead of handles
     */
    public record Plan(int rounds, int calls, int borrowed, int objects, int words, int cache, int evictPercent,
                       int bufferPercent, int window, int pinned, boolean raw) {
        /** The plan for {@code size} and the workload parameters; every error is an {@link IllegalArgumentException}. */
        public static Plan of(double size, Map<String, String> params) {
            ParamValues p = Params.check(new CApi(), size, params);
            int objects = scaled(p.intValue("objects"), size, "objects");
            int pinned = (int) Math.round(objects * p.doubleValue("pinned_fraction"));
            return new Plan(p.intValue("rounds"), scaled(p.intValue("calls"), size, "calls"), p.intValue("borrowed"), objects,
                p.intValue("words"), scaled(p.intValue("cache"), size, "cache entries"), p.intValue("evict"), p.intValue("buffer"),
                p.intValue("window"), pinned, p.is("access", "raw"));
        }

        private static int scaled(int base, double size, String what) {
            double v = Math.rint(base * size);
            if (v > MAX_ARRAY) {
                throw new IllegalArgumentException(NAME + ": size " + Numbers.format(size) + " gives " + Numbers.format(v) + " " + what + "; at most " + MAX_ARRAY);
            }
            return (int) Math.max(1, v);
        }
    }

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "a C extension behind proxy handles: borrowed and owned handles, buffer windows (pins), long-lived objects pinned; checks every object intact";
    }

    @Override
    public List<WorkloadParam> parameters() { return PARAMS; }

    /** The table, the cache and the calls are {@code rint(base × size)} and must fit one {@code ref[]}. */
    @Override
    public SizeRange sizes(ParamValues params) {
        int base = Math.max(Math.max(params.intValue("objects"), params.intValue("cache")), params.intValue("calls"));
        return new SizeRange(0, (double) MAX_ARRAY / base, "the table, the cache and the calls per round, rint(base × size), must fit "
            + MAX_ARRAY + " slots; the largest base is " + base);
    }

    @Override
    public void run(WorkloadContext ctx) { execute(ctx); }

    /** Runs the program and returns what it did (every check passed). */
    public static Outcome execute(WorkloadContext ctx) {
        Plan plan = Plan.of(ctx.size(), ctx.params());
        if (plan.raw() && ctx.collector().constraints().movesObjects()) {
            throw new IllegalArgumentException(NAME + ": access=raw keeps raw addresses across safe points, valid only under a collector "
                + "that never moves objects, and " + ctx.collector().name() + " moves them; use access=handles");
        }
        CApiRun run = new CApiRun(ctx, plan);
        run.setUp();
        for (int r = 0; r < plan.rounds(); r++) run.round();
        run.finish();
        return run.outcome();
    }

    /**
     * What one run did; deterministic for a collector, plan and seed.
     *
     * @param calls            calls made
     * @param handlesCreated   handles created (borrowed, cache and pinned)
     * @param evictions        cache entries evicted and refilled
     * @param windows          buffer windows opened (pin, touch, unpin)
     * @param windowTouches    data touches through a window's raw pointer
     * @param pinned           objects pinned for the whole run
     * @param objectsChecked   objects whose data the final check read
     * @param collections      collections the collector ran
     */
    public record Outcome(long calls, long handlesCreated, long evictions, long windows, long windowTouches, long pinned,
                          long objectsChecked, long collections) {}
}
