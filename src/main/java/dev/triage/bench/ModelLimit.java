package dev.triage.bench;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import dev.triage.demo.FeedPost;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.Tokenizer;
import dev.triage.topology.ModelService;
import dev.triage.topology.ModelSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The model without Kafka, in this process: the model's own limit (encoders and fusion head on preprocessed posts
 * already in memory, at the pipeline's batch size), decoding and preprocessing alone, and both together from the raw
 * events. Each splits the posts evenly over as many worker threads as the pipeline has stream threads; each worker
 * opens its own {@link ModelSession} (its own predictors, warmed up) before the clock starts.
 */
final class ModelLimit {
    private static final int WARM_UP_BATCHES = 2;
    /**
     * Preprocessed posts kept for the model's limit, per worker thread, in batches: the model's speed does not depend
     * on which posts it sees, and at 224 px a kept post is 602 kB of floats (2,000 of them did not fit in 2 GB).
     */
    private static final int KEPT_BATCHES_PER_THREAD = 4;

    /** A complete post's encoder inputs. */
    record Tensors(long[] tokens, float[] pixels, float[] wave) {}

    /**
     * A sample of the preprocessed posts (the first ones of each worker's slice), and the rate at which all of them
     * were preprocessed.
     */
    record Preprocessed(List<List<Tensors>> kept, double postsPerSecond) {}

    private ModelLimit() {}

    /** Turns a complete post's raw events into encoder inputs, with the pipeline's own preprocessing code. */
    private record Decoder(Tokenizer tokenizer, ImagePreprocessor images, AudioPreprocessor audio) {
        Decoder(ModelService model, DecodeLimits limits) {
            this(model.tokenizer(limits), new ImagePreprocessor(model.imageContract(), limits),
                    new AudioPreprocessor(model.audioContract(), limits));
        }

        Tensors decode(FeedPost post) throws Exception {
            long[] tokens = null;
            float[] pixels = null;
            float[] wave = null;
            for (FeedPost.FeedEvent e : post.events()) {
                if (e.event() instanceof TextEvent t) {
                    tokens = tokenizer.tokenize(t.getText());
                } else if (e.event() instanceof ImageEvent i) {
                    pixels = images.preprocess(bytes(i.getImage()));
                } else if (e.event() instanceof AudioEvent a) {
                    wave = audio.preprocess(bytes(a.getAudio()), a.getEncoding(), a.getSampleRate(), a.getChannels());
                }
            }
            if (tokens == null || pixels == null || wave == null) {
                throw new IllegalArgumentException("post " + post.correlationId() + " is not complete");
            }
            return new Tensors(tokens, pixels, wave);
        }
    }

    /**
     * Decodes and preprocesses every post (all complete and valid) with the model's contracts, on {@code threads};
     * keeps {@link #KEPT_BATCHES_PER_THREAD} batches of them per thread.
     */
    static Preprocessed preprocess(List<FeedPost> posts, ModelService model, DecodeLimits limits, int threads,
                                   int batchSize) throws InterruptedException {
        Decoder decoder = new Decoder(model, limits);
        int keep = KEPT_BATCHES_PER_THREAD * batchSize;
        List<Callable<Callable<List<Tensors>>>> work = new ArrayList<>();
        for (List<FeedPost> slice : slices(posts, threads)) {
            work.add(() -> () -> {
                List<Tensors> kept = new ArrayList<>(Math.min(keep, slice.size()));
                for (FeedPost post : slice) {
                    Tensors t = decoder.decode(post);
                    if (kept.size() < keep) {
                        kept.add(t);
                    }
                }
                return kept;
            });
        }
        Timed<List<Tensors>> timed = runTimed(work);
        return new Preprocessed(timed.results(), posts.size() / timed.seconds());
    }

    /**
     * Posts per second of decoding and the model together, still without Kafka: each worker decodes a batch of raw
     * posts, then encodes and fuses it. The ceiling for a pipeline that must also decode.
     */
    static double postsPerSecondFromRaw(ModelService model, List<FeedPost> posts, DecodeLimits limits, int threads,
                                        int batchSize) throws InterruptedException {
        Decoder decoder = new Decoder(model, limits);
        int width = totalWidth(model);
        List<Callable<Callable<Integer>>> work = new ArrayList<>();
        for (List<FeedPost> slice : slices(posts, threads)) {
            work.add(() -> {
                ModelSession session = warmSession(model, decode(decoder, slice.subList(0,
                        Math.min(slice.size(), batchSize))), width);
                return () -> {
                    try (session) {
                        for (int from = 0; from < slice.size(); from += batchSize) {
                            score(session, decode(decoder, slice.subList(from,
                                    Math.min(slice.size(), from + batchSize))), width);
                        }
                        return slice.size();
                    }
                };
            });
        }
        return posts.size() / runTimed(work).seconds();
    }

    private static List<Tensors> decode(Decoder decoder, List<FeedPost> posts) throws Exception {
        List<Tensors> out = new ArrayList<>(posts.size());
        for (FeedPost p : posts) {
            out.add(decoder.decode(p));
        }
        return out;
    }

    /**
     * Posts per second of the model alone over {@code posts} posts: each worker scores its share in batches of
     * {@code batchSize} (each encoder once per batch, then the fusion head, every modality present), drawn in turn
     * from its kept batches.
     */
    static double postsPerSecond(ModelService model, Preprocessed preprocessed, int posts, int threads,
                                 int batchSize) throws InterruptedException {
        int width = totalWidth(model);
        List<Callable<Callable<Integer>>> work = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            List<Tensors> kept = preprocessed.kept().get(w);
            List<List<Tensors>> batches = slices(kept, Math.max(1, kept.size() / batchSize));
            int share = posts * (w + 1) / threads - posts * w / threads;
            work.add(() -> {
                ModelSession session = warmSession(model, batches.get(0), width);
                return () -> {
                    try (session) {
                        for (int done = 0, b = 0; done < share; done += batchSize, b = (b + 1) % batches.size()) {
                            List<Tensors> batch = batches.get(b);
                            score(session, batch.subList(0, Math.min(batch.size(), share - done)), width);
                        }
                        return share;
                    }
                };
            });
        }
        return posts / runTimed(work).seconds();
    }

    /**
     * Opens a session on this thread and runs a few untimed batches of {@code first} (the full batch size), so
     * libtorch has settled on that shape before the clock starts.
     */
    private static ModelSession warmSession(ModelService model, List<Tensors> first, int width) throws Exception {
        ModelSession session = model.openSession();
        for (int i = 0; i < WARM_UP_BATCHES && !first.isEmpty(); i++) {
            score(session, first, width);
        }
        return session;
    }

    private static int totalWidth(ModelService model) {
        int width = 0;
        for (Modality m : Modality.values()) {
            width += model.width(m);
        }
        return width;
    }

    private static void score(ModelSession session, List<Tensors> batch, int width) throws Exception {
        List<long[]> tokens = new ArrayList<>(batch.size());
        List<float[]> pixels = new ArrayList<>(batch.size());
        List<float[]> waves = new ArrayList<>(batch.size());
        for (Tensors t : batch) {
            tokens.add(t.tokens());
            pixels.add(t.pixels());
            waves.add(t.wave());
        }
        float[][] text = session.encodeText(tokens);
        float[][] image = session.encodeImages(pixels);
        float[][] audio = session.encodeAudio(waves);
        float[][] embeddings = new float[batch.size()][width];
        float[][] masks = new float[batch.size()][];
        for (int r = 0; r < batch.size(); r++) {
            System.arraycopy(text[r], 0, embeddings[r], 0, text[r].length);
            System.arraycopy(image[r], 0, embeddings[r], text[r].length, image[r].length);
            System.arraycopy(audio[r], 0, embeddings[r], text[r].length + image[r].length, audio[r].length);
            masks[r] = new float[] {1f, 1f, 1f};
        }
        session.fuse(embeddings, masks);
    }

    private record Timed<T>(List<T> results, double seconds) {}

    /**
     * Runs each task on its own thread: the task's outer call prepares (untimed, on that thread), then every thread
     * waits for the others and the returned action runs; the time is from the common start to the last one's end.
     */
    private static <T> Timed<T> runTimed(List<Callable<Callable<T>>> tasks) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size(), r -> {
            Thread t = new Thread(r, "bench-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<Callable<T>> task : tasks) {
                futures.add(pool.submit(() -> {
                    Callable<T> action;
                    try {
                        action = task.call();
                    } finally {
                        ready.countDown();
                    }
                    start.await();
                    return action.call();
                }));
            }
            ready.await();
            long t0 = System.nanoTime();
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return new Timed<>(results, (System.nanoTime() - t0) / 1e9);
        } catch (ExecutionException e) {
            throw new IllegalStateException("benchmark worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code parts} contiguous slices of nearly equal size. */
    static <T> List<List<T>> slices(List<T> items, int parts) {
        List<List<T>> out = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            out.add(items.subList(items.size() * p / parts, items.size() * (p + 1) / parts));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
