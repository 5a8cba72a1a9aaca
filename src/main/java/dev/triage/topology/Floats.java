package dev.triage.topology;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Float arrays as the {@code List<Float>} that Avro's generated classes want, without copying twice. */
final class Floats {
    private Floats() {}

    static List<Float> asList(float[] values) {
        return new FloatList(values);
    }

    private static final class FloatList extends AbstractList<Float> implements RandomAccess {
        private final float[] values;

        FloatList(float[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
