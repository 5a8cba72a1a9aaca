package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triage.avro.Modality;
import dev.triage.model.ImageContract;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
    private static final List<Double> MEAN = List.of(0.485, 0.456, 0.406);
    private static final List<Double> STD = List.of(0.229, 0.224, 0.225);
    private static final int SIZE = 16;

    private final ImagePreprocessor pre =
            new ImagePreprocessor(new ImageContract(SIZE, "RGB", MEAN, STD), DecodeLimits.defaults());

    /** Asserts every pixel of {@code out} is the normalized value of unit colour (r, g, b). */
    private static void assertSolid(float[] out, double r, double g, double b, double tolerance) {
        assertThat(out).hasSize(3 * SIZE * SIZE);
        double[] unit = {r, g, b};
        for (int c = 0; c < 3; c++) {
            float expected = (float) ((unit[c] - MEAN.get(c)) / STD.get(c));
            for (int p = 0; p < SIZE * SIZE; p++) {
                assertThat(out[c * SIZE * SIZE + p]).as("channel %d pixel %d", c, p)
                        .isCloseTo(expected, within((float) tolerance));
            }
        }
    }

    @Test
    void solidColourPngIsNormalizedPerChannelInChwOrder() throws DecodeException {
        float[] out = pre.preprocess(TestImages.encode(TestImages.solidRgb(100, 60, 0xFF0080), "png"));
        assertSolid(out, 1.0, 0.0, 128 / 255.0, 1e-5);
        assertThat(out[0]).isCloseTo((float) ((1.0 - 0.485) / 0.229), within(1e-6f));
        assertThat(out[SIZE * SIZE]).isCloseTo((float) (-0.456 / 0.224), within(1e-6f));
    }

    @Test
    void bgrContractSwapsPlanes() throws DecodeException {
        ImagePreprocessor bgr = new ImagePreprocessor(new ImageContract(SIZE, "BGR", List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0)), DecodeLimits.defaults());
        float[] out = bgr.preprocess(TestImages.encode(TestImages.solidRgb(20, 20, 0xFF0000), "png"));
        assertThat(out[0]).isEqualTo(0f);
        assertThat(out[2 * SIZE * SIZE]).isEqualTo(1f);
    }

    @Test
    void jpegRgbDecodesCloseToItsColour() throws DecodeException {
        float[] out = pre.preprocess(TestImages.encode(TestImages.solidRgb(120, 90, 0x2060C0), "jpeg"));
        assertSolid(out, 0x20 / 255.0, 0x60 / 255.0, 0xC0 / 255.0, 0.05);
    }

    @Test
    void greyscalePngAndJpegGiveEqualChannelsWithoutGammaShift() throws DecodeException {
        assertSolid(pre.preprocess(TestImages.encode(TestImages.solidGray(33, 47, 100), "png")),
                100 / 255.0, 100 / 255.0, 100 / 255.0, 1e-5);
        assertSolid(pre.preprocess(TestImages.encode(TestImages.solidGray(64, 64, 100), "jpeg")),
                100 / 255.0, 100 / 255.0, 100 / 255.0, 0.02);
    }

    @Test
    void alphaIsCompositedOverWhite() throws DecodeException {
        float[] transparent = pre.preprocess(TestImages.encode(TestImages.solidArgb(10, 10, 0x00000000), "png"));
        assertSolid(transparent, 1, 1, 1, 1e-5);
        float[] half = pre.preprocess(TestImages.encode(TestImages.solidArgb(10, 10, 0x80FF0000), "png"));
        double a = 0x80 / 255.0;
        assertSolid(half, 1.0, 1 - a, 1 - a, 1e-5);
    }

    @Test
    void sixteenBitSamplesAreScaledBy65535() throws DecodeException {
        byte[] rgb16 = TestImages.encode(TestImages.solid16(30, 30, 65535, 32768, 0), "png");
        assertThat(rgb16[24]).as("PNG bit depth").isEqualTo((byte) 16);
        assertSolid(pre.preprocess(rgb16), 1.0, 32768 / 65535.0, 0.0, 1e-5);
        byte[] greyAlpha16 = TestImages.encode(TestImages.solid16(30, 30, 0, 32768), "png");
        double a = 32768 / 65535.0;
        assertSolid(pre.preprocess(greyAlpha16), 1 - a, 1 - a, 1 - a, 1e-5);
    }

    @Test
    void paletteColoursAndPaletteTransparencyAreHonoured() throws DecodeException {
        byte[] png = TestImages.encode(TestImages.twoColourPalette(32, 8, 0x0000FF, 0x000000, 0), "png");
        float[] out = pre.preprocess(png);
        // Left half blue, right half fully transparent black, so white.
        float blueB = (float) ((1.0 - 0.406) / 0.225);
        float whiteR = (float) ((1.0 - 0.485) / 0.229);
        assertThat(out[2 * SIZE * SIZE]).isCloseTo(blueB, within(1e-5f));
        assertThat(out[SIZE - 1]).isCloseTo(whiteR, within(1e-5f));
    }

    @Test
    void oneBitGreyscalePng() throws DecodeException {
        BufferedImage bin = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY);
        bin.setRGB(0, 0, 0xFFFFFF);
        float[] out = pre.preprocess(TestImages.encode(bin, "png"));
        assertThat(out[0]).isCloseTo((float) ((1.0 - 0.485) / 0.229), within(1e-5f));
        assertThat(out[SIZE * SIZE - 1]).isCloseTo((float) (-0.485 / 0.229), within(1e-5f));
    }

    @Test
    void tinyOneByOneImageIsUpscaled() throws DecodeException {
        assertSolid(pre.preprocess(TestImages.encode(TestImages.solidRgb(1, 1, 0x336699), "png")),
                0x33 / 255.0, 0x66 / 255.0, 0x99 / 255.0, 1e-5);
    }

    @Test
    void downscalingAveragesAreas() throws DecodeException {
        // 32 px wide, black/white stripes 1 px wide: every 2 px output pixel averages one of each.
        BufferedImage stripes = TestImages.solidRgb(32, 32, 0x000000);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x += 2) {
                stripes.setRGB(x, y, 0xFFFFFF);
            }
        }
        assertSolid(pre.preprocess(TestImages.encode(stripes, "png")), 0.5, 0.5, 0.5, 1e-5);
    }

    @Test
    void resultIsDeterministic() throws DecodeException {
        SplittableRandom rnd = new SplittableRandom(7);
        BufferedImage img = new BufferedImage(97, 131, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 131; y++) {
            for (int x = 0; x < 97; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        byte[] jpeg = TestImages.encode(img, "jpeg");
        assertThat(pre.preprocess(jpeg)).isEqualTo(pre.preprocess(jpeg.clone()));
    }

    /**
     * Bit-for-bit pin of decoding, compositing, resizing and normalizing: hashes of the outputs of the
     * implementation of 2ba0666 (before decoding was made faster) for random-content PNGs (lossless, so the decoded
     * samples do not depend on the JDK's encoder) of every layout the row reader handles, shrinking, growing, mixed
     * and same-size, into RGB and BGR contracts.
     */
    @Test
    void outputsMatchTheGoldenHashes() throws DecodeException {
        ImagePreprocessor rgb64 = new ImagePreprocessor(new ImageContract(64, "RGB", MEAN, STD),
                DecodeLimits.defaults());
        ImagePreprocessor bgr16 = new ImagePreprocessor(new ImageContract(16, "BGR", MEAN, STD),
                DecodeLimits.defaults());
        SplittableRandom rnd = new SplittableRandom(404);
        int[][] sizes = {{200, 150}, {37, 91}, {64, 64}, {13, 7}, {129, 64}};
        List<Integer> hashes = new ArrayList<>();
        for (int[] wh : sizes) {
            for (BufferedImage img : randomLayouts(wh[0], wh[1], rnd)) {
                byte[] png = TestImages.encode(img, "png");
                hashes.add(Arrays.hashCode(rgb64.preprocess(png)));
                hashes.add(Arrays.hashCode(bgr16.preprocess(png)));
            }
        }
        assertThat(hashes).containsExactly(GOLDEN);
    }

    private static final Integer[] GOLDEN = {
            921157076, -647031484, 485136409, -1635176682, 1714190191, -1743840390, 609680535, 756992597, 5282532,
            -927687990, 835967985, -1944716879, -1624345189, 695268615, -573776344, -300961234, 735274498,
            -1765515558, -889580380, 508101792, 1819232270, -427308282, -1529015665, 1224472197, 963562106, 758203459,
            -1187027694, 1375563091, 995531847, 1584733139, 101440571, -1549913817, 1615358662, 474060316,
            -2019529928, -1924593947, 246494432, 1422559536, 1056826733, 1783064154, -933811985, -403849655,
            1269988470, -1826397202, -858920511, 1185251081, 287356553, -2065629904, 651145775, 428201730, 1375064552,
            -1697490462, -482508222, 1274008722, 1125442032, 470188569, -807241269, -1749021005, -1876829157,
            -1442884026, 461562783, 112742527, -862460964, -1242615501, -554823031, -2088131621, -1723999367,
            -1826316463, -1707563292, -30923781, -57280919, -822985106, -807434885, -1699873177, -1120786406,
            1267676227, 1530057724, -1376147444, 1016931481, -1395240680
    };

    /** RGB, ARGB, grey, 16-bit grey, 16-bit RGBA, 8-bit grey+alpha, 4-colour palette with alpha, 1-bit. */
    private static List<BufferedImage> randomLayouts(int w, int h, SplittableRandom rnd) {
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage grey16 = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage rgba16 = TestImages.solid16(w, h, 0, 0, 0, 0);
        BufferedImage greyAlpha = greyAlpha(w, h);
        BufferedImage palette = TestImages.twoColourPalette(w, h, 0x123456, 0xABCDEF, 77);
        BufferedImage binary = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int alpha = switch (rnd.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 255;
                    default -> rnd.nextInt(256);
                };
                rgb.setRGB(x, y, rnd.nextInt(1 << 24));
                argb.setRGB(x, y, (alpha << 24) | rnd.nextInt(1 << 24));
                grey.getRaster().setSample(x, y, 0, rnd.nextInt(256));
                grey16.getRaster().setSample(x, y, 0, rnd.nextInt(65536));
                rgba16.getRaster().setPixel(x, y, new int[] {rnd.nextInt(65536), rnd.nextInt(65536),
                        rnd.nextInt(65536), alpha * 257});
                greyAlpha.getRaster().setPixel(x, y, new int[] {rnd.nextInt(256), alpha});
                palette.getRaster().setSample(x, y, 0, rnd.nextInt(2));
                binary.getRaster().setSample(x, y, 0, rnd.nextInt(2));
            }
        }
        return List.of(rgb, argb, grey, grey16, rgba16, greyAlpha, palette, binary);
    }

    private static BufferedImage greyAlpha(int w, int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
    }

    @Test
    void emptyBytesAreEmpty() {
        assertReason(new byte[0], DecodeException.Reason.EMPTY);
        assertReason(null, DecodeException.Reason.EMPTY);
    }

    @Test
    void garbageIsNotAnImage() {
        byte[] garbage = new byte[500];
        new SplittableRandom(1).nextBytes(garbage);
        garbage[0] = 0x12;
        assertReason(garbage, DecodeException.Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void truncatedPngIsCorrupt() {
        // Noise, so that the compressed pixels fill almost all of the file and every cut lands in them.
        BufferedImage noise = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 50; x++) {
                noise.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        byte[] png = TestImages.encode(noise, "png");
        for (int len : new int[] {8, 20, 33, 60, png.length / 2, png.length * 9 / 10}) {
            assertThatThrownBy(() -> pre.preprocess(Arrays.copyOf(png, len)))
                    .as("PNG cut to %d of %d bytes", len, png.length)
                    .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.reason())
                            .isIn(DecodeException.Reason.CORRUPT, DecodeException.Reason.INVALID_HEADER));
        }
    }

    @Test
    void decompressionBombIsRefusedFromTheHeader() {
        byte[] bomb = TestImages.pngHeaderOnly(50_000, 50_000);
        assertThatThrownBy(() -> pre.preprocess(bomb))
                .isInstanceOfSatisfying(DecodeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DecodeException.Reason.TOO_LARGE);
                    assertThat(e.modality()).isEqualTo(Modality.IMAGE);
                })
                .hasMessage("image: 50000x50000 = 2500 Mpx exceeds triage.image.max.pixels=40000000");
    }

    @Test
    void aFiftyMegapixelImageIsRefusedByTheDefaultLimitBeforeDecoding() {
        byte[] png = TestImages.pngHeaderOnly(8_000, 6_250);
        assertThatThrownBy(() -> pre.preprocess(png))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.TOO_LARGE))
                .hasMessage("image: 8000x6250 = 50 Mpx exceeds triage.image.max.pixels=40000000");
    }

    @Test
    void pixelLimitIsConfigurable() {
        ImagePreprocessor strict = new ImagePreprocessor(new ImageContract(SIZE, "RGB", MEAN, STD),
                new DecodeLimits(1, 1 << 20, 12_000, 1, 1));
        byte[] png = TestImages.encode(TestImages.solidRgb(120, 101, 0), "png");
        assertThatThrownBy(() -> strict.preprocess(png))
                .hasMessage("image: 120x101 = 0.0 Mpx exceeds triage.image.max.pixels=12000");
    }

    @Test
    void byteLimitIsCheckedFirst() {
        ImagePreprocessor strict = new ImagePreprocessor(new ImageContract(SIZE, "RGB", MEAN, STD),
                new DecodeLimits(1, 100, 1, 1, 1));
        assertThatThrownBy(() -> strict.preprocess(new byte[101]))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.TOO_LARGE))
                .hasMessage("image: 101 bytes exceeds triage.image.max.bytes=100");
    }

    @Test
    void zeroWidthHeaderIsInvalid() {
        assertReason(TestImages.pngHeaderOnly(0, 10), DecodeException.Reason.INVALID_HEADER,
                DecodeException.Reason.CORRUPT);
    }

    private void assertReason(byte[] bytes, DecodeException.Reason... reasons) {
        assertThatThrownBy(() -> pre.preprocess(bytes))
                .isInstanceOfSatisfying(DecodeException.class, e -> {
                    assertThat(e.reason()).isIn((Object[]) reasons);
                    assertThat(e.getMessage()).startsWith("image: ");
                });
    }
}
