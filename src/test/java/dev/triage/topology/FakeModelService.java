package dev.triage.topology;

import dev.triage.avro.Modality;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.TextContract;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny deterministic stand-in for the model, to test the topology's logic without DJL: each embedding is a few
 * statistics of its input, and the "fusion head" is a fixed linear map followed by a softmax. An all-black image
 * makes any batch that contains it fail, like a model error would.
 */
final class FakeModelService implements ModelService {
    static final int WIDTH = 4;
    static final List<String> LABELS = List.of("safe", "spam", "harassment", "violence");

    /** Another version gives other embeddings (scaled) and another content hash, as a retrained model would. */
    private final String version;
    private final float scale;
    final AtomicInteger openSessions = new AtomicInteger();
    final AtomicInteger fusionCalls = new AtomicInteger();
    final AtomicInteger largestFusionBatch = new AtomicInteger();
    /** The fusion call (1-based) that kills its stream thread with an {@link Error}, once; 0 for never. */
    final AtomicInteger crashAtFusionCall = new AtomicInteger();
    /** While set, every model call fails, as when the runtime is down (a closed predictor, out of memory). */
    final java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
    /** While set, the fusion head's calls fail (the encoders work). */
    final java.util.concurrent.atomic.AtomicBoolean fusionDown = new java.util.concurrent.atomic.AtomicBoolean();
    /** How long every model call takes, as with a slow model. */
    final java.util.concurrent.atomic.AtomicLong callMillis = new java.util.concurrent.atomic.AtomicLong();
    /** The number of model calls still to fail, as if the runtime were down for a while; then it is back. */
    final AtomicInteger failingCalls = new AtomicInteger();

    /** What a crash of the process looks like to Kafka Streams: an error no handler catches. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash in the fusion head");
        }
    }

    FakeModelService() {
        this("0.0.1", 1f);
    }

    private FakeModelService(String version, float scale) {
        this.version = version;
        this.scale = scale;
    }

    /** Version {@code n} (2, 3, ...) of the fake model, whose embeddings are scaled by {@code n}. */
    static FakeModelService version(int n) {
        return new FakeModelService("0.0." + n, n);
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String contentHash() {
        return scale == 1f ? "sha256:fake" : "sha256:fake-" + version;
    }

    @Override
    public List<String> labels() {
        return LABELS;
    }

    @Override
    public int width(Modality modality) {
        return WIDTH;
    }

    @Override
    public TextContract textContract() {
        return new TextContract("hash-ngram-v1", 1024, 16);
    }

    @Override
    public ImageContract imageContract() {
        return new ImageContract(8, "RGB", List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25));
    }

    @Override
    public AudioContract audioContract() {
        return new AudioContract(16000, 1600);
    }

    @Override
    public ModelSession openSession() {
        openSessions.incrementAndGet();
        return new ModelSession() {
            @Override
            public float[][] encodeText(List<long[]> tokens) {
                failIfDown();
                float[][] out = new float[tokens.size()][];
                for (int i = 0; i < out.length; i++) {
                    long[] t = tokens.get(i);
                    float sum = 0;
                    int n = 0;
                    for (long id : t) {
                        sum += id;
                        n += id != 0 ? 1 : 0;
                    }
                    out[i] = new float[] {n * scale, sum / 1000f * scale, t[0] / 1000f * scale, scale};
                }
                return out;
            }

            @Override
            public float[][] encodeImages(List<float[]> pixels) {
                failIfDown();
                float[][] out = new float[pixels.size()][];
                for (int i = 0; i < out.length; i++) {
                    float[] p = pixels.get(i);
                    out[i] = scaled(stats(p));
                    if (out[i][3] == out[i][2] && out[i][2] < -1.99f) {
                        throw new IllegalStateException("poisoned image in batch");
                    }
                    if (out[i][3] == out[i][2] && out[i][2] > 1.99f) {
                        out[i][0] = Float.NaN; // an all-white image: what a model with a 0/0 gives on some input
                    }
                }
                return out;
            }

            @Override
            public float[][] encodeAudio(List<float[]> waveforms) {
                failIfDown();
                float[][] out = new float[waveforms.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = scaled(stats(waveforms.get(i)));
                }
                return out;
            }

            @Override
            public float[][] fuse(float[][] embeddings, float[][] masks) {
                failIfDown();
                if (fusionDown.get()) {
                    throw new IllegalStateException("the fusion head's predictor is closed");
                }
                if (fusionCalls.incrementAndGet() == crashAtFusionCall.get()) {
                    throw new SimulatedCrash();
                }
                largestFusionBatch.accumulateAndGet(embeddings.length, Math::max);
                float[][] out = new float[embeddings.length][LABELS.size()];
                for (int row = 0; row < embeddings.length; row++) {
                    double[] logits = new double[LABELS.size()];
                    for (int j = 0; j < embeddings[row].length; j++) {
                        logits[j % logits.length] += embeddings[row][j] * (j + 1) * 0.01;
                    }
                    for (int m = 0; m < 3; m++) {
                        logits[m + 1] += masks[row][m];
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (double l : logits) {
                        max = Math.max(max, l);
                    }
                    double sum = 0;
                    for (int k = 0; k < logits.length; k++) {
                        logits[k] = Math.exp(logits[k] - max);
                        sum += logits[k];
                    }
                    for (int k = 0; k < logits.length; k++) {
                        out[row][k] = (float) (logits[k] / sum);
                    }
                }
                return out;
            }

            @Override
            public void close() {
                openSessions.decrementAndGet();
            }
        };
    }

    private void failIfDown() {
        if (callMillis.get() > 0) {
            try {
                Thread.sleep(callMillis.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (down.get() || failingCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("the predictor is closed");
        }
    }

    private float[] scaled(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static float[] stats(float[] v) {
        double sum = 0;
        double sq = 0;
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float x : v) {
            sum += x;
            sq += x * x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new float[] {(float) (sum / v.length), (float) Math.sqrt(sq / v.length), min, max};
    }

    @Override
    public void close() {
    }
}
