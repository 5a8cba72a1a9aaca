package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.triage.avro.AudioEncoding;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.TextContract;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: for any bytes, a preprocessor either returns an output of the contract's shape with finite values, or
 * throws {@link DecodeException}; nothing else escapes. Inputs are random bytes and valid files mutated by bit
 * flips, overwritten bytes, cuts, insertions and rewritten size fields.
 */
class PreprocessorFuzzTest {
    /** Small pixel limit: a mutated header may claim any size, and the test should stay quick. */
    private static final DecodeLimits LIMITS = new DecodeLimits(4096, 1 << 20, 250_000, 1 << 20, 5.0);

    @Test
    void imagePreprocessorOnlyThrowsDecodeException() {
        ImagePreprocessor pre = new ImagePreprocessor(new ImageContract(8, "RGB", List.of(0.5, 0.5, 0.5),
                List.of(0.25, 0.25, 0.25)), LIMITS);
        SplittableRandom rnd = new SplittableRandom(11);
        List<byte[]> seeds = new ArrayList<>();
        for (String format : new String[] {"png", "jpeg"}) {
            seeds.add(TestImages.encode(noise(rnd, 23, 17, BufferedImage.TYPE_INT_RGB), format));
            seeds.add(TestImages.encode(noise(rnd, 9, 31, BufferedImage.TYPE_BYTE_GRAY), format));
        }
        seeds.add(TestImages.encode(noise(rnd, 12, 12, BufferedImage.TYPE_INT_ARGB), "png"));
        seeds.add(TestImages.encode(TestImages.twoColourPalette(10, 6, 0xFF0000, 0x00FF00, 128), "png"));
        seeds.add(TestImages.encode(TestImages.solid16(7, 5, 1000, 2000, 3000, 4000), "png"));
        int outcomes = run(3000, rnd, seeds, bytes -> {
            float[] out = pre.preprocess(bytes);
            assertShape(out, 3 * 8 * 8);
        });
        assertThat(outcomes).isEqualTo(3000);
    }

    @Test
    void audioPreprocessorOnlyThrowsDecodeException() {
        AudioPreprocessor pre = new AudioPreprocessor(new AudioContract(16_000, 1600), LIMITS);
        SplittableRandom rnd = new SplittableRandom(12);
        List<byte[]> seeds = new ArrayList<>();
        double[] tone = TestWavs.sine(300, 8000, 400, 0.5);
        seeds.add(TestWavs.create().fmt(TestWavs.PCM, 1, 8000, 16).data(TestWavs.s16(tone)).bytes());
        seeds.add(TestWavs.create().chunk("LIST", new byte[5]).fmt(TestWavs.PCM, 2, 44_100, 24)
                .data(TestWavs.s24(1, 2, 3, 4, 5, 6, 7, 8)).bytes());
        seeds.add(TestWavs.create().fmtExtensible(TestWavs.FLOAT, 2, 22_050, 32, 32)
                .data(TestWavs.f32(0.1f, 0.2f, 0.3f, 0.4f)).bytes());
        seeds.add(TestWavs.create().fmt(TestWavs.PCM, 1, 11_025, 8).data(new byte[99]).bytes());
        AudioEncoding[] encodings = AudioEncoding.values();
        int outcomes = run(4000, rnd, seeds, bytes -> {
            AudioEncoding encoding = encodings[Math.floorMod(bytes.length, 5) < 3 ? 0 : 1 + bytes.length % 2];
            Integer rate = bytes.length % 7 == 0 ? null : 1000 * (bytes.length % 50);
            Integer channels = bytes.length % 11 == 0 ? null : bytes.length % 4;
            assertShape(pre.preprocess(bytes, encoding, rate, channels), 1600);
        });
        assertThat(outcomes).isEqualTo(4000);
    }

    @Test
    void tokenizerOnlyThrowsDecodeException() {
        TextTokenizer tokenizer = new TextTokenizer(new TextContract(TextTokenizer.NAME, 512, 16), LIMITS);
        SplittableRandom rnd = new SplittableRandom(13);
        for (int i = 0; i < 3000; i++) {
            int len = rnd.nextInt(0, 64);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < len; j++) {
                // Mostly BMP, with surrogates (paired or not), astral code points and controls.
                int kind = rnd.nextInt(4);
                if (kind == 0) {
                    sb.appendCodePoint(rnd.nextInt(0x20, 0x7F));
                } else if (kind == 1) {
                    sb.append((char) rnd.nextInt(0x10000));
                } else if (kind == 2) {
                    sb.appendCodePoint(rnd.nextInt(0x10000, 0x110000));
                } else {
                    sb.append(' ');
                }
            }
            try {
                long[] ids = tokenizer.tokenize(sb.toString());
                assertThat(ids).hasSize(16);
                for (long id : ids) {
                    assertThat(id).isBetween(0L, 511L);
                }
            } catch (DecodeException expected) {
                assertThat(expected.reason()).isEqualTo(DecodeException.Reason.EMPTY);
            }
        }
    }

    private interface Attempt {
        void run(byte[] bytes) throws DecodeException;
    }

    private static int run(int count, SplittableRandom rnd, List<byte[]> seeds, Attempt attempt) {
        int outcomes = 0;
        for (int i = 0; i < count; i++) {
            byte[] input = i % 10 == 0 ? randomBytes(rnd) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                attempt.run(input);
                outcomes++;
            } catch (DecodeException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                outcomes++;
            } catch (RuntimeException | Error e) {
                fail("input #" + i + " (" + input.length + " bytes) threw " + e, e);
            }
        }
        return outcomes;
    }

    private static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(0, 300)];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    byte[] longer = new byte[b.length + 1 + rnd.nextInt(16)];
                    System.arraycopy(b, 0, longer, 0, at);
                    rnd.nextBytes(Arrays.copyOfRange(longer, at, longer.length - (b.length - at)));
                    System.arraycopy(b, at, longer, longer.length - (b.length - at), b.length - at);
                    b = longer;
                }
                case 4 -> { // a 32-bit field (chunk size, dimension) set to an extreme
                    if (at + 4 <= b.length) {
                        int v = rnd.nextBoolean() ? -1 : rnd.nextInt();
                        b[at] = (byte) v;
                        b[at + 1] = (byte) (v >> 8);
                        b[at + 2] = (byte) (v >> 16);
                        b[at + 3] = (byte) (v >> 24);
                    }
                }
                default -> { // header-region edits: the first 64 bytes hold the sizes and formats
                    int h = rnd.nextInt(Math.min(64, b.length));
                    b[h] = (byte) rnd.nextInt(256);
                }
            }
        }
        return b;
    }

    private static BufferedImage noise(SplittableRandom rnd, int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt());
            }
        }
        return img;
    }

    private static void assertShape(float[] out, int length) {
        assertThat(out).hasSize(length);
        for (float v : out) {
            if (!Float.isFinite(v)) {
                fail("non-finite output value " + v);
            }
        }
    }
}
