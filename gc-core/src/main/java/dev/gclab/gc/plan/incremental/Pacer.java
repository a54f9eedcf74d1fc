package dev.gclab.gc.plan.incremental;

/**
 * When the incremental collector works, and how much: the heap goal, the occupancy that starts a
 * cycle, and how much allocation each step of marking or sweeping pays for (Go's pacer, in
 * allocation-driven form: gclab has one thread, so every step is a mutator assist).
 *
 * <p>Goal. A cycle's live size {@code L} is the bytes its trace marked: what was reachable (and, under
 * SATB, what died during the marking). Objects allocated while it marked are black and survive the
 * cycle, but they are not counted: most are short-lived (Go counts them in {@code heapMarked}; with a
 * marking that spans a long runway, as the assist floor below makes it, that inflated each goal by the
 * last cycle's allocation and the heap grew cycle after cycle). The next heap goal is
 * {@code max(minimum, L * goal)} (GOGC=100 is {@code goal=2.0}), never above 7/8 of the heap's maximum;
 * the next cycle starts when occupancy (once the sweep is done) reaches
 * {@code L + (goal - L) * trigger_ratio}, so marking has the rest of the runway to the goal.
 *
 * <p>Marking. Every {@code step_budget} objects scanned are paid for by a share of the runway: the
 * distance (bytes of allocation) to the next step is {@code bytes left to the goal * step_budget / work
 * left}, where the work left is the estimate (the objects the last cycle scanned, or half of those it
 * kept if more; at the first cycle the objects in the heap) minus the work done, and never less than
 * the grey objects waiting; an estimate that runs out before marking ends is raised by half of itself.
 * Marking then ends at the goal when the estimate is right, earlier when it overestimates. Past the
 * goal (the live size grew, as while a program builds its data) the rest is paced against a hard goal
 * one runway further. Whatever the estimate says, each object scanned is paid for by at least
 * {@code assist_floor} bytes of allocation (default {@value #DEFAULT_ASSIST_FLOOR}: a step of 2,048
 * objects every 512 KiB, or every eighth of the runway on small heaps). That caps the collector's share
 * of the mutator's time — in gcbench scanning an object costs about what allocating 50 to 100 bytes
 * does — so a bad estimate or a growing heap costs heap, not MMU: the heap overshoots its goal instead
 * (MMU against peak occupancy: the knob's trade-off). Only past 15/16 of the heap's maximum do steps
 * come every {@value #MIN_DISTANCE} bytes, the last defence before a full collection.
 *
 * <p>Sweeping. After marking, the unswept spans are swept in steps of {@code sweep_budget} spans spread
 * over the first half of the allocation that the next cycle's runway allows (the allocator sweeps the
 * spans it needs on its own, which only shortens the work).
 *
 * <p>All quantities are bytes and work units counted by the heap and the trace: the schedule is
 * deterministic for a given program.
 */
final class Pacer {
    /**
     * Objects a collector scans, from its creation, in steps of an eighth of {@code step_budget}: the JVM
     * interprets the trace loop until its JIT compiles it (after some 60,000 iterations), and an
     * interpreted step costs several times a compiled one. A property of the simulator, not of the
     * design: without it the first steps of a run are its longest pauses.
     */
    static final long WARM_UP_OBJECTS = 1L << 20;

    /** The smallest allocation distance between two steps, so that no step runs per allocation. */
    static final long MIN_DISTANCE = 4L << 10;
    /** The default of {@code assist_floor}: bytes of allocation that pay for each object scanned at least. */
    static final long DEFAULT_ASSIST_FLOOR = 256;

    final double goalFactor;
    final double triggerRatio;
    final long stepBudget;
    final int sweepBudget;
    /** Bytes of allocation that pay for each object scanned at least (but past 15/16 of the heap): {@code assist_floor}. */
    final long assistFloor;
    private final long minGoal;
    private final long maxBytes;
    private final long maxGoal;

    /** The live size of the last cycle (0 before the first). */
    private long liveBytes;
    private long goal;
    private long markTrigger;
    /** Objects the last cycle scanned, and those it kept (marked or allocated black). */
    private long lastScanned = -1, lastLiveObjects;
    private long estimatedWork;
    /** Sweep schedule: allocation runway, and the allocated-bytes counter when it started. */
    private long sweepRunway;
    private long sweepStartAllocated;

    Pacer(double goalFactor, double triggerRatio, long stepBudget, int sweepBudget, long assistFloor, long minGoal, long maxBytes) {
        this.assistFloor = assistFloor;
        this.goalFactor = goalFactor;
        this.triggerRatio = triggerRatio;
        this.stepBudget = stepBudget;
        this.sweepBudget = sweepBudget;
        this.maxBytes = maxBytes;
        this.maxGoal = maxBytes - (maxBytes >>> 3);
        this.minGoal = Math.min(minGoal, maxGoal);
        setLive(0);
    }

    private void setLive(long live) {
        liveBytes = live;
        goal = Math.min(maxGoal, Math.max(minGoal, (long) (live * goalFactor)));
        markTrigger = goal <= live ? live : live + (long) ((goal - live) * triggerRatio);
    }

    long liveBytes() { return liveBytes; }
    long goal() { return goal; }
    /** The occupancy at which the next cycle starts (once sweeping is done). */
    long markTrigger() { return markTrigger; }
    long estimatedWork() { return estimatedWork; }

    /**
     * A cycle starts. Its work estimate is what the last cycle scanned, or half of what it kept if that
     * is more (objects allocated black last time were not scanned, and some of them live on); for the
     * first cycle, the number of objects in the heap ({@code objectsInHeap}).
     */
    void cycleStarted(long objectsInHeap) {
        estimatedWork = Math.max(1, lastScanned >= 0 ? Math.max(lastScanned, lastLiveObjects / 2) : objectsInHeap);
    }

    /**
     * A cycle's marking ended: it kept {@code live} bytes in {@code liveObjects} objects (marked, or
     * allocated black), and scanned {@code scanned}.
     */
    void markingEnded(long live, long liveObjects, long scanned) {
        lastScanned = scanned;
        lastLiveObjects = liveObjects;
        setLive(live);
    }

    /** True if occupancy {@code inUse} is past the goal (the next marking step is an over-goal assist). */
    boolean overGoal(long inUse) { return inUse >= goal; }

    /**
     * The allocation (bytes) after which the next marking step should run, given occupancy
     * {@code inUse}, the work done so far this cycle and the grey objects waiting.
     */
    /** The budget of the next marking step run by allocation, after {@code scannedSoFar} objects scanned in all. */
    long assistBudget(long scannedSoFar) {
        return scannedSoFar < WARM_UP_OBJECTS ? Math.max(1, stepBudget / 8) : stepBudget;
    }

    long markDistance(long inUse, long workDone, long grey, long stepBudget) {
        if (estimatedWork - workDone < stepBudget) {
            // The estimate ran out with marking unfinished: the heap grew since the last cycle. Half the
            // estimate again is assumed left (a geometric bump: a few steps too many at worst, never a
            // whole runway paid for by one step).
            estimatedWork = workDone + Math.max(estimatedWork / 2, 4 * stepBudget);
        }
        long workLeft = Math.max(estimatedWork - workDone, grey);
        long steps = Math.max(1, (workLeft + stepBudget - 1) / stepBudget);
        long room = (inUse < goal ? goal : hardGoal()) - inUse; // past the goal: pace against the hard goal
        long floor = inUse >= heapLimit() ? MIN_DISTANCE
            : Math.min(stepBudget * assistFloor, Math.max(MIN_DISTANCE, (goal - liveBytes) / 8));
        return Math.max(floor, room / steps);
    }

    /** Occupancy past which steps come as often as they can: 15/16 of the heap's maximum. */
    private long heapLimit() { return maxBytes - (maxBytes >>> 4); }

    /** Where an over-goal cycle should end: one runway past the goal, inside the heap limit. */
    private long hardGoal() {
        return Math.min(heapLimit(), goal + Math.max(MIN_DISTANCE, goal - liveBytes));
    }

    /** Marking is over and {@code unswept} spans wait: the sweep gets the first half of the next runway. */
    void sweepStarted(long allocatedBytes) {
        sweepStartAllocated = allocatedBytes;
        sweepRunway = Math.max(64L << 10, (markTrigger - liveBytes) / 2);
    }

    /** The allocation after which the next sweep step should run, with {@code unswept} spans left. */
    long sweepDistance(long allocatedBytes, int unswept) {
        long left = sweepRunway - (allocatedBytes - sweepStartAllocated);
        long steps = Math.max(1, (unswept + sweepBudget - 1) / sweepBudget);
        return Math.max(MIN_DISTANCE, left / steps);
    }
}
