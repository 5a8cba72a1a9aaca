package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.Modality;
import dev.triage.avro.PostState;
import dev.triage.avro.SourceRecord;
import dev.triage.ops.TriageMeters;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The windowed three-way join: brings a post's text, image and audio embeddings together by correlation id and emits
 * the post exactly once per window. Time is the event time of the embeddings this processor has seen (like a
 * KStream join's observed stream time), not the task's, so buffering upstream cannot make an event look late; it is
 * kept in the timers store, so a restored task goes on from where its predecessor stopped. Why not chained KStream
 * outer joins is explained in the README ("Join semantics").
 *
 * <p>A post's window opens with the event time {@code t0} of its first embedding to arrive and holds embeddings with
 * event times in {@code [t0 - window, t0 + window]}. The post is emitted as soon as it is complete (all three
 * modalities, or all the modalities its producer declared), otherwise when stream time passes
 * {@code t0 + window + grace}, or, on a partition with no traffic, when that much time has passed by the wall clock
 * since the partition's last record. After emission the post is remembered until stream time passes
 * {@code t0 + 2 * window + grace} so that a duplicate is recognised and a latecomer is dead-lettered, never scored as
 * a second post. The wall clock only ever closes open posts: forgetting a scored one waits for event time, so a
 * latecomer on a quiet partition still finds the post it belongs to.
 */
final class PostAssembler implements Processor<String, Embedding, String, Result<PostState>> {
    private static final Logger log = LoggerFactory.getLogger(PostAssembler.class);

    static final String COMPLETE = "complete";
    static final String EXPECTED_COMPLETE = "expected-complete";
    static final String WINDOW_CLOSED = "window-closed";
    static final String IDLE_CLOSED = "idle-closed";
    /** Where the stream time is kept in the timers store; sorts after every timer key, which start with digits. */
    static final String STREAM_TIME_KEY = "~stream-time";
    private static final int TIME_DIGITS = 19;
    private static final ByteBuffer NO_VECTOR = ByteBuffer.allocate(0); // capacity 0: nothing can change it

    private final String postsStoreName;
    private final String timersStoreName;
    private final long windowMs;
    private final long graceMs;
    private final Duration idleClose;
    private final LongSupplier clusterLastUnreachableMs;

    private ProcessorContext<String, Result<PostState>> context;
    private KeyValueStore<String, PostState> posts;
    private KeyValueStore<String, String> timers;
    private final TriageMeters meters;
    private java.util.concurrent.atomic.AtomicLong heldPosts;
    private long observedTime;
    private long lastRecordWallMs;
    /**
     * The timers store's keys in order, without the stream time: the due timers are found here, not by scanning the
     * store, which materializes what it holds ({@link CommitBufferedStore#range}). Loaded from the restored store in
     * {@link #init}, then kept with it.
     */
    private final TreeSet<String> timerKeys = new TreeSet<>();

    PostAssembler(String postsStoreName, String timersStoreName, Duration window, Duration grace, Duration idleClose,
                  LongSupplier clusterLastUnreachableMs, TriageMeters meters) {
        this.meters = meters;
        this.postsStoreName = postsStoreName;
        this.timersStoreName = timersStoreName;
        this.windowMs = window.toMillis();
        this.graceMs = grace.toMillis();
        this.idleClose = idleClose;
        this.clusterLastUnreachableMs = clusterLastUnreachableMs;
    }

    @Override
    public void init(ProcessorContext<String, Result<PostState>> context) {
        this.context = context;
        this.posts = context.getStateStore(postsStoreName);
        this.timers = context.getStateStore(timersStoreName);
        this.lastRecordWallMs = context.currentSystemTimeMs();
        String stored = timers.get(STREAM_TIME_KEY);
        this.observedTime = stored == null ? Long.MIN_VALUE : Long.parseLong(stored);
        timerKeys.clear(); // a revived task (init again on this instance) has its stores restored
        try (KeyValueIterator<String, String> it = timers.all()) {
            it.forEachRemaining(timer -> {
                if (!timer.key.equals(STREAM_TIME_KEY)) {
                    timerKeys.add(timer.key);
                }
            });
        }
        this.heldPosts = meters.joinPosts(context.taskId().toString());
        heldPosts.set(posts.approximateNumEntries());
        context.schedule(Punctuators.interval(idleClose), PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
    }

    @Override
    public void process(Record<String, Embedding> record) {
        Embedding e = record.value();
        long t = e.getEventTime().toEpochMilli();
        lastRecordWallMs = context.currentSystemTimeMs();
        if (t > observedTime) {
            observedTime = t;
            timers.put(STREAM_TIME_KEY, Long.toString(t));
        }
        String id = e.getCorrelationId();

        PostState post = posts.get(id);
        if (post != null && t > post.getWindowStart() + windowMs) {
            // A new window for the same id: the previous one is finished.
            unschedule(post);
            posts.delete(id);
            if (!post.getClosed()) {
                emit(post, WINDOW_CLOSED);
            }
            post = null;
        }
        if (post == null) {
            if (t + windowMs + graceMs < observedTime) {
                late(e, "its window closed at " + (t + windowMs + graceMs) + " but stream time is " + observedTime);
            } else {
                post = PostState.newBuilder().setCorrelationId(id).setWindowStart(t).build();
                add(post, e);
            }
        } else if (t < post.getWindowStart() - windowMs) {
            late(e, "its event time " + t + " is before its post's window, which opened at "
                    + post.getWindowStart());
        } else {
            Embedding present = get(post, e.getModality());
            if (present != null && present.getEventId().equals(e.getEventId())) {
                meters.duplicateEvent(e.getModality());
                log.debug("duplicate {} event {} of post {} dropped", e.getModality(), e.getEventId(), id);
            } else if (present != null) {
                late(e, "post already has a " + e.getModality() + " event (" + present.getEventId()
                        + "); only the first one is used");
            } else if (post.getClosed()) {
                late(e, "its post was already scored (" + post.getCloseReason() + ") without " + e.getModality());
            } else {
                unschedule(post);
                add(post, e);
            }
        }
        closeDue(observedTime, WINDOW_CLOSED, true);
    }

    private void add(PostState post, Embedding e) {
        set(post, e);
        if (post.getExpectedModalities() == null && e.getExpectedModalities() != null) {
            post.setExpectedModalities(e.getExpectedModalities());
        }
        String reason = completeness(post);
        if (reason != null) {
            emit(post, reason);
        }
        save(post);
    }

    private static String completeness(PostState post) {
        Set<Modality> present = present(post);
        if (present.size() == 3) {
            return COMPLETE;
        }
        List<Modality> expected = post.getExpectedModalities();
        if (expected != null && !expected.isEmpty() && present.containsAll(expected)) {
            return EXPECTED_COMPLETE;
        }
        return null;
    }

    private void emit(PostState post, String reason) {
        post.setClosed(true);
        post.setCloseReason(reason);
        post.setClosedAt(context.currentSystemTimeMs());
        context.forward(new Record<>(post.getCorrelationId(), Result.success(copy(post)),
                Timestamps.writable(post.getWindowStart(), context.currentSystemTimeMs())));
        forgetVectors(post);
    }

    /**
     * A scored post is kept to recognise duplicates and latecomers, for which its events' ids suffice: without their
     * embeddings it takes a few hundred bytes in the store and its changelog instead of kilobytes.
     */
    private static void forgetVectors(PostState post) {
        for (Modality m : Modality.values()) {
            Embedding e = get(post, m);
            if (e != null) {
                e.setVector(NO_VECTOR);
                e.setPrevious(null);
                e.setSource(null);
            }
        }
    }

    private void late(Embedding e, String why) {
        meters.lateEvent(e.getModality());
        SourceRecord source = e.getSource() != null ? e.getSource() : DeadLetters.source("", -1, -1, null, null);
        context.forward(new Record<>(e.getCorrelationId(), Result.failure(DeadLetters.of(source,
                e.getCorrelationId(), DeadLetterStage.JOIN,
                new LateEventException(e.getModality() + " event " + e.getEventId() + " of post "
                        + e.getCorrelationId() + " is late: " + why),
                context.applicationId(), context.currentSystemTimeMs())),
                Timestamps.writable(e.getEventTime().toEpochMilli(), context.currentSystemTimeMs())));
    }

    /**
     * On a quiet partition, lets the wall clock stand in for stream time so partial posts are still scored. Silence
     * counts from the last record, or from the end of the last broker outage if that is later: an outage quiets every
     * partition, and the rest of a post arrives once the broker is back.
     */
    private void closeIdle(long nowWallMs) {
        heldPosts.set(posts.approximateNumEntries()); // read here, on the stream thread, for /metrics
        long idleMs = nowWallMs - Math.max(lastRecordWallMs, clusterLastUnreachableMs.getAsLong());
        if (idleMs >= idleClose.toMillis() && observedTime != Long.MIN_VALUE) {
            closeDue(observedTime + idleMs, IDLE_CLOSED, false);
        }
    }

    /**
     * Acts on the timers due at {@code time}: open posts are emitted; closed ones are forgotten only when
     * {@code forget} (event time has really passed, as opposed to the wall clock standing in for it).
     */
    private void closeDue(long time, String reason, boolean forget) {
        if (time < 0 || timerKeys.isEmpty() || timerTime(timerKeys.first()) > time) {
            return;
        }
        List<String> due = new ArrayList<>();
        for (String key : timerKeys) {
            if (timerTime(key) > time) {
                break;
            }
            due.add(key);
        }
        for (String key : due) {
            PostState post = posts.get(timerId(key));
            if (post == null || !key.equals(timerKey(timerTime(post), post.getCorrelationId()))) {
                deleteTimer(key); // a timer left behind by an earlier window of the same id
            } else if (!post.getClosed()) {
                deleteTimer(key);
                emit(post, reason);
                save(post);
            } else if (forget) {
                deleteTimer(key);
                posts.delete(post.getCorrelationId());
            }
            // else: a closed post is kept until event time passes its timer
        }
    }

    private void save(PostState post) {
        posts.put(post.getCorrelationId(), post);
        String key = timerKey(timerTime(post), post.getCorrelationId());
        timers.put(key, post.getCorrelationId());
        timerKeys.add(key);
    }

    private void unschedule(PostState post) {
        deleteTimer(timerKey(timerTime(post), post.getCorrelationId()));
    }

    private void deleteTimer(String key) {
        timers.delete(key);
        timerKeys.remove(key);
    }

    /** Open posts wake at window close; closed ones when no sibling can arrive without being late. */
    private long timerTime(PostState post) {
        long close = post.getWindowStart() + windowMs + graceMs;
        return post.getClosed() ? close + windowMs : close;
    }

    /** {@code time} zero-padded to 19 digits, so keys sort by time, then {@code |id}. */
    static String timerKey(long time, String id) {
        String digits = Long.toString(Math.max(0, time));
        StringBuilder key = new StringBuilder(TIME_DIGITS + 1 + id.length());
        key.append("0".repeat(TIME_DIGITS - digits.length())).append(digits).append('|').append(id);
        return key.toString();
    }

    static long timerTime(String timerKey) {
        return Long.parseLong(timerKey, 0, TIME_DIGITS, 10);
    }

    static String timerId(String timerKey) {
        return timerKey.substring(TIME_DIGITS + 1);
    }

    static Set<Modality> present(PostState post) {
        Set<Modality> present = EnumSet.noneOf(Modality.class);
        for (Modality m : Modality.values()) {
            if (get(post, m) != null) {
                present.add(m);
            }
        }
        return present;
    }

    static Embedding get(PostState post, Modality m) {
        return switch (m) {
            case TEXT -> post.getText();
            case IMAGE -> post.getImage();
            case AUDIO -> post.getAudio();
        };
    }

    private static void set(PostState post, Embedding e) {
        switch (e.getModality()) {
            case TEXT -> post.setText(e);
            case IMAGE -> post.setImage(e);
            case AUDIO -> post.setAudio(e);
        }
    }

    private static PostState copy(PostState post) {
        return PostState.newBuilder(post).build();
    }

    @Override
    public void close() {
        if (context != null) {
            meters.forgetJoinPosts(context.taskId().toString());
        }
    }
}
