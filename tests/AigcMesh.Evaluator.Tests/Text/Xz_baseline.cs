using System.Text;
using AigcMesh.Evaluation.Text;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.Xz;

namespace AigcMesh.Evaluator.Tests.Text;

public sealed class Xz_baseline
{
    private static readonly string[] Vocabulary =
        "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their can has more would will if its no so out than then them these two may do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three".Split(' ');

    [Fact]
    public void Writes_the_xz_format_that_an_independent_decoder_reads_back()
    {
        var data = Encoding.UTF8.GetBytes(Prose(20_000, seed: 3));

        var xz = XzProcess.Compress(data);

        Assert.Equal(new byte[] { 0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00 }, xz[..6]);
        Assert.Equal("YZ"u8.ToArray(), xz[^2..]);
        using var decoded = new MemoryStream();
        using (var reader = new XZStream(new MemoryStream(xz))) reader.CopyTo(decoded);
        Assert.Equal(data, decoded.ToArray());
    }

    [Fact]
    public void Differs_from_raw_lzma_by_container_overhead_only_and_falls_between_zstd_and_gzip_bounds()
    {
        var training = Prose(150_000, seed: 1);
        var heldOut = Prose(20_000, seed: 2);
        var both = Encoding.UTF8.GetBytes(training + heldOut);
        var trainingBytes = Encoding.UTF8.GetBytes(training);

        var xzBoth = XzProcess.CompressedSize(both);
        var lzmaBoth = RawLzmaSize(both);
        var xzBaseline = CompressorBaselines.Measure(training, heldOut).Single(c => c.Compressor == CompressorBaselines.Xz);
        var lzmaBitsPerChar = 8.0 * (RawLzmaSize(Encoding.UTF8.GetBytes(training + heldOut)) - RawLzmaSize(trainingBytes)) / heldOut.Length;

        // The .xz file is the raw LZMA stream plus ~60 bytes of framing (stream header and footer, block header,
        // CRC64, index) and 3-6 bytes per LZMA2 chunk; xz -6 also searches matches a little longer (nice_len 64).
        Assert.InRange(xzBoth - lzmaBoth, -0.01 * lzmaBoth, 0.01 * lzmaBoth + 100);
        // In the difference compressed(train + held-out) - compressed(train) the fixed framing cancels.
        Assert.InRange(xzBaseline.BitsPerCharacter - lzmaBitsPerChar, -0.05, 0.05);
        // Sensible bounds: below 8 bits (the text's own bytes) and the order-0 entropy of the letters; a word-level
        // model of 200 words at ~5.5 characters a word spends log2(200) / 5.5 ≈ 1.4 bits a character.
        Assert.InRange(xzBaseline.BitsPerCharacter, 1.0, 4.0);
        var gzip = CompressorBaselines.Measure(training, heldOut).Single(c => c.Compressor == CompressorBaselines.Gzip);
        Assert.True(xzBaseline.BitsPerCharacter < gzip.BitsPerCharacter, $"xz {xzBaseline.BitsPerCharacter} vs gzip {gzip.BitsPerCharacter}");
    }

    private static long RawLzmaSize(byte[] data)
    {
        using var output = new MemoryStream();
        using (var lzma = LzmaStream.Create(new LzmaEncoderProperties(true, 1 << 23), false, output)) lzma.Write(data);
        return output.Length;
    }

    /// <summary>Word salad with some grammar: words drawn from a Zipf-like distribution, sentences of 5-15 words.</summary>
    private static string Prose(int characters, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(characters + 100);
        while (text.Length < characters)
        {
            var words = random.Next(5, 16);
            for (var i = 0; i < words; i++)
            {
                var word = Vocabulary[(int)(Vocabulary.Length * Math.Pow(random.NextDouble(), 2))];
                text.Append(i == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word).Append(i == words - 1 ? ". " : " ");
            }
        }
        return text.ToString(0, characters);
    }
}
