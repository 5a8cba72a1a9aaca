package dev.triage.ops;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What {@code /health/ready} answers: {@code UP} when Triage can score posts, {@code DOWN} with the reason when not.
 *
 * @param streams the Kafka Streams state
 * @param model the model serving, as name and version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Health(String status, String reason, String streams, String model) {
    public static Health up(String streams, String model) {
        return new Health("UP", null, streams, model);
    }

    public static Health down(String reason, String streams, String model) {
        return new Health("DOWN", reason, streams, model);
    }

    public boolean isUp() {
        return "UP".equals(status);
    }
}
