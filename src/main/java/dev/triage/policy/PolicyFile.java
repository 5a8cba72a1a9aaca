package dev.triage.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A policy file as written: a name and a version, per label the scores at which a post is held for review or taken
 * down, and what to do with a post scored without some modality. Bound by Jackson (unknown fields refused), then
 * checked as a whole by {@link Policy#of}.
 */
record PolicyFile(@JsonProperty("name") String name,
                  @JsonProperty("version") String version,
                  @JsonProperty("labels") Map<String, Thresholds> labels,
                  @JsonProperty("partial") Partial partial) {

    /** A label's thresholds, each optional: a score at or above {@code review} asks for review, {@code block} blocks. */
    record Thresholds(@JsonProperty("review") Double review, @JsonProperty("block") Double block) {}

    /**
     * For a post scored without some modality: raise its action to {@code action} when a label's score is within
     * {@code margin} of a threshold of a stricter action than the one it got (the missing modality could have
     * pushed it over).
     */
    record Partial(@JsonProperty("action") String action, @JsonProperty("margin") Double margin) {}
}
