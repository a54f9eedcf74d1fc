package dev.gclab.heap.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * One address-space reservation per heap, for its whole maximum: an anonymous private mapping
 * ({@code mmap} with {@code MAP_NORESERVE}, through the FFM {@link Linker}), so the operating system
 * gives pages on first touch, already zero, and nothing is committed or zero-filled up front. A heap
 * then "commits" a chunk by slicing it from the reservation (no allocation, no fill: heap creation and
 * growth cost microseconds, where allocating and zero-filling a 64 MiB chunk took 60–70 ms). The segment
 * is bounded to the reservation and belongs to the heap's arena, which unmaps it when the heap closes,
 * so no access can fall outside mapped memory.
 *
 * <p>Linux only (the {@code mmap} flags are Linux's); elsewhere, when {@code mmap} fails, or with the
 * system property {@value #PROPERTY}{@code =arena}, {@link #reserve} answers null and the heap allocates
 * its chunks from the arena as before. The downcalls and {@link MemorySegment#reinterpret} are
 * restricted methods: the launcher, the tests and the benchmarks run with
 * {@code --enable-native-access=ALL-UNNAMED} (without it the JVM prints one warning and goes on).
 */
final class Reservation {
    /** {@code reserve} (the default) or {@code arena}. */
    static final String PROPERTY = "gclab.memory";
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;

    private static final MethodHandle MMAP, MUNMAP;

    static {
        MethodHandle mmap = null, munmap = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | LinkageError e) {
                mmap = munmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private Reservation() {}

    /** True if heaps reserve their address range (not disabled, and mmap is available here). */
    static boolean available() { return MMAP != null && !"arena".equals(System.getProperty(PROPERTY)); }

    /**
     * Reserves {@code bytes} of address space, unmapped when {@code arena} closes.
     *
     * @return the reservation, or null (not available here, or mmap refused)
     */
    static MemorySegment reserve(long bytes, Arena arena) {
        if (!available()) return null;
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (p.address() == -1L || p.address() == 0L) return null; // MAP_FAILED
            return p.reinterpret(bytes, arena, s -> unmap(s.address(), bytes));
        } catch (Throwable e) {
            return null;
        }
    }

    private static void unmap(long address, long bytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), bytes);
        } catch (Throwable e) {
            // nothing to do: the address space stays reserved until the process ends
        }
    }
}
