package dev.triage.demo;

/** A sine oscillator by table lookup with linear interpolation; argument in cycles. Built with StrictMath. */
final class SineTable {
    private static final int SIZE = 4096;
    private static final double[] TABLE = new double[SIZE + 1];

    static {
        for (int i = 0; i <= SIZE; i++) {
            TABLE[i] = StrictMath.sin(2 * StrictMath.PI * i / SIZE);
        }
    }

    private SineTable() {}

    /** {@code sin(2 * pi * cycles)}. */
    static double sin(double cycles) {
        double frac = cycles - Math.floor(cycles);
        double pos = frac * SIZE;
        int i = (int) pos;
        double t = pos - i;
        return TABLE[i] + (TABLE[i + 1] - TABLE[i]) * t;
    }
}
