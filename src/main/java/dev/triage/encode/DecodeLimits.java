package dev.triage.encode;

/**
 * Upper bounds on untrusted input, checked before any expensive decoding.
 *
 * @param maxTextChars    longest accepted text, in UTF-16 chars ({@code triage.text.max.chars})
 * @param maxImageBytes   largest accepted encoded image ({@code triage.image.max.bytes})
 * @param maxImagePixels  largest accepted width x height, read from the image header before decoding
 *                        ({@code triage.image.max.pixels})
 * @param maxAudioBytes   largest accepted audio payload ({@code triage.audio.max.bytes})
 * @param maxAudioSeconds longest accepted audio duration ({@code triage.audio.max.seconds})
 */
public record DecodeLimits(int maxTextChars, int maxImageBytes, long maxImagePixels, int maxAudioBytes,
                           double maxAudioSeconds) {

    public static final String TEXT_MAX_CHARS = "triage.text.max.chars";
    public static final String IMAGE_MAX_BYTES = "triage.image.max.bytes";
    public static final String IMAGE_MAX_PIXELS = "triage.image.max.pixels";
    public static final String AUDIO_MAX_BYTES = "triage.audio.max.bytes";
    public static final String AUDIO_MAX_SECONDS = "triage.audio.max.seconds";

    private static final DecodeLimits DEFAULTS =
            new DecodeLimits(64 * 1024, 10 * 1024 * 1024, 40_000_000L, 20 * 1024 * 1024, 60.0);

    public DecodeLimits {
        requirePositive(TEXT_MAX_CHARS, maxTextChars);
        requirePositive(IMAGE_MAX_BYTES, maxImageBytes);
        requirePositive(IMAGE_MAX_PIXELS, maxImagePixels);
        requirePositive(AUDIO_MAX_BYTES, maxAudioBytes);
        if (!(maxAudioSeconds > 0) || Double.isInfinite(maxAudioSeconds)) {
            throw new IllegalArgumentException(AUDIO_MAX_SECONDS + " must be a positive number, got " + maxAudioSeconds);
        }
    }

    /** 64 Ki text chars, 10 MiB images, 40 megapixels, 20 MiB audio, 60 s of audio. */
    public static DecodeLimits defaults() {
        return DEFAULTS;
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
