package dev.gclab.gc.plan.incremental;

/**
 * incremental's barriers: the slow paths. The fast path is one flag test in the collector's
 * {@code writeBarrier} ({@code if (barrierOn)}), false outside a cycle, so between cycles a reference
 * store costs what marksweep's does plus that test.
 *
 * <p>While marking:
 * <ul>
 *   <li><b>SATB</b> (Yuasa's snapshot at the beginning): the overwritten referent is greyed. Every
 *       object reachable when the cycle's roots were greyed stays reachable from a grey object through
 *       white ones until it is marked: deleting the last such path greys its target. Roots need no
 *       barrier (they were all greyed at the start); objects that were only weakly reachable then are
 *       not in the snapshot, so reading a weak reference greys its referent ({@link #onWeakLoad}).</li>
 *   <li><b>IU</b> (Dijkstra's incremental update): a reference stored into a marked (black or grey)
 *       object greys the stored referent, so no black object ever refers to a white one. Roots are
 *       not barriered: the final pause traces them again until no grey object is left.</li>
 * </ul>
 * In the final pause, while finalizers and weak-reference callbacks run (marking is over), both use
 * the IU rule ({@link #remark}): whatever user code links into a live object, or into an object it
 * allocates (black), is greyed, so the remark that follows only traces the roots again.
 *
 * <p>Counts the objects each barrier greyed. {@link #broken} switches the slow paths off: only tests
 * set it, to show that the verifier catches a collector without its barrier.
 */
final class IncrementalBarrier {
    final boolean satb;
    private final IncrementalTrace trace;
    /** Objects greyed by the write barrier (and by stores during the final pause's finalizers). */
    long greyed;
    /** Objects greyed by the weak-load barrier (SATB). */
    long weakGreyed;
    /** The final pause: finalizers and callbacks are running (IU rule, whatever the barrier). */
    boolean remark;
    /** Tests only: the barrier does nothing, as if the collector had none. */
    boolean broken;

    IncrementalBarrier(boolean satb, IncrementalTrace trace) {
        this.satb = satb;
        this.trace = trace;
    }

    /** The write barrier's slow path: {@code newValue} was stored over {@code oldValue} in a slot of {@code obj}. */
    void onStore(long obj, long oldValue, long newValue) {
        if (broken) return;
        if (satb && !remark) {
            if (oldValue != 0 && trace.shade(oldValue)) greyed++;
        } else if (newValue != 0 && trace.marks.isMarked(obj) && trace.shade(newValue)) {
            greyed++;
        }
    }

    /** The weak-load barrier (SATB while marking): the mutator got {@code referent} from a weak reference. */
    void onWeakLoad(long referent) {
        if (!broken && trace.shade(referent)) weakGreyed++;
    }
}
